import * as core from '@actions/core'
import type { KubeSettings } from '../kube/kubeconfig.js'
import { actionInputs } from './action-inputs.js'
import { kubeInput } from './kube-inputs.js'
import { parseSettings } from './parse.js'
import type { Settings } from './types.js'
import { unknownInputWarnings } from './unknown-inputs.js'

// The one module that reads the action's inputs (core.getInput); everything else receives typed settings.

export function readSettings(): Settings {
  // Before parsing: a misspelt input often explains the error that follows (manifest: → manifests is required).
  for (const warning of unknownInputWarnings(process.env, actionInputs)) core.warning(warning)
  return parseSettings(name => core.getInput(name), process.env)
}

/** The post step reaches the cluster only to release the deploy lock: the kubeconfig and kube-context inputs. */
export function readKubeSettings(): KubeSettings {
  return kubeInput(name => core.getInput(name))
}
