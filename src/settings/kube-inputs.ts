import * as core from '@actions/core'
import { parse as parseYaml } from 'yaml'
import { parseDuration } from '../format/duration.js'
import type { KubeSettings } from '../kube/kubeconfig.js'
import { booleanInput, dnsLabel, InputReader } from './input-forms.js'
import type { KubeTargetSettings } from './types.js'

/** Kubeconfig input: raw YAML, or the same base64-encoded (as stored in most secrets). */
export function decodeKubeconfig(text: string): string {
  const trimmed = text.trim()
  if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed) && !trimmed.includes(':')) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8')
    if (/\b(clusters|apiVersion)"?\s*:/.test(decoded)) return decoded
  }
  if (!/\b(clusters|apiVersion)"?\s*:/.test(trimmed)) {
    throw new Error(
      "Invalid kubeconfig input: it is neither kubeconfig YAML nor base64 of it (expected 'apiVersion', 'clusters', 'users' and 'contexts')."
    )
  }
  return trimmed
}

/** Every credential in a kubeconfig, so each can be masked on its own line of the log. */
export function kubeconfigSecrets(text: string): string[] {
  let config: { users?: Array<{ user?: Record<string, unknown> }> }
  try {
    config = parseYaml(text) as typeof config
  } catch {
    return []
  }
  const secrets: string[] = []
  for (const entry of config?.users ?? []) {
    for (const key of ['token', 'password', 'client-key-data', 'client-certificate-data']) {
      const value = entry.user?.[key]
      if (typeof value === 'string' && value.length > 0) secrets.push(value)
    }
    // An exec plugin's environment often carries keys (AWS_SECRET_ACCESS_KEY). Short values are flags, not
    // secrets, and masking "1" would blank every digit 1 in the log.
    const exec = entry.user?.exec as { env?: Array<{ value?: unknown }> } | undefined
    for (const variable of exec?.env ?? []) {
      if (typeof variable?.value === 'string' && variable.value.length >= 8) secrets.push(variable.value)
    }
  }
  return secrets
}

export function kubeInput(read: InputReader): KubeSettings {
  const text = read('kubeconfig')
  let kubeconfig: string | undefined
  if (text.trim()) {
    core.setSecret(text.trim())
    kubeconfig = decodeKubeconfig(text)
    for (const secret of kubeconfigSecrets(kubeconfig)) core.setSecret(secret)
  }
  return { kubeconfig, context: read('kube-context').trim() || undefined }
}

export function kubeTargetInput(read: InputReader): KubeTargetSettings {
  const namespace = read('namespace').trim() || undefined
  if (namespace && (!dnsLabel.test(namespace) || namespace.length > 63)) {
    throw new Error(
      `Invalid namespace '${namespace}'. Expected a DNS label: lowercase letters, digits and '-', at most 63 characters.`
    )
  }
  const kube = kubeInput(read)
  return {
    kube,
    namespace,
    createNamespace: booleanInput(read, 'create-namespace', false),
    timeoutMs: parseDuration(read('timeout').trim() || '5m', 'timeout')
  }
}
