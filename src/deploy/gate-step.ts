import * as core from '@actions/core'
import type { StrategySettings } from '../settings/types.js'
import type { Gate } from '../strategies/strategy-settings.js'
import type { Cluster } from '../kube/cluster.js'
import { defaultNamespace } from '../kube/connect.js'
import { KubeApiError } from '../kube/errors.js'
import type { SourcedObject } from '../manifests/documents.js'
import { formatDiagnosis } from '../status/diagnosis-lines.js'
import type { GateRunner } from '../strategies/gate.js'
import { gateRequest } from '../strategies/gate-url.js'
import { Applier, ApplyOptions, waitItemFor } from './apply.js'
import { waitForRollouts } from '../status/wait.js'

export const isGateJob = (gate: Gate | undefined, item: SourcedObject): boolean =>
  gate?.kind === 'job' && item.object.kind === 'Job' && item.object.metadata.name === gate.name

/**
 * The verify gate as the strategies run it. A Job of the manifests is held back from the apply and run here:
 * the one left by the last run is deleted (a Job's template cannot change), then it is applied (dry run first)
 * and must complete. URL and command gates load their code only when they run.
 */
export function gateRunner(
  kube: Cluster,
  settings: StrategySettings & { namespace?: string },
  objects: SourcedObject[],
  options: ApplyOptions
): GateRunner | undefined {
  const { verify: gate, verifyTimeoutMs } = settings.blueGreen ?? settings.canary ?? { verifyTimeoutMs: 0 }
  if (!gate) return undefined
  return async colour => {
    const { verifyCommand, verifyUrl } = await import('../strategies/gate.js')
    if (gate.kind === 'url') {
      const request = gateRequest(gate.url, colour)
      core.info(`Health gate: ${request.shown}`)
      return verifyUrl(request, verifyTimeoutMs)
    }
    if (gate.kind === 'command') {
      core.info(`Health gate: ${gate.argv.join(' ')}`)
      return verifyCommand(gate.argv, verifyTimeoutMs, colour)
    }
    core.info(`Health gate: job/${gate.name}`)
    const job = objects.find(item => isGateJob(gate, item))!
    const ref = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      namespace: job.object.metadata.namespace ?? defaultNamespace(settings.namespace, kube),
      name: gate.name
    }
    await kube.delete(ref, { propagationPolicy: 'Background' }).catch(error => {
      if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
    })
    for (const deadline = Date.now() + 30_000; await kube.get(ref);) {
      if (Date.now() > deadline)
        throw new Error(`The health gate job/${gate.name} of the last run was not deleted within 30 s.`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    const applied = await new Applier(kube, options).apply([job])
    const [outcome] = await waitForRollouts(
      kube,
      applied.filter(a => a.target.object.kind === 'Job').map(waitItemFor),
      { timeoutMs: verifyTimeoutMs, log: line => core.info(line) }
    )
    if (outcome.state !== 'succeeded') {
      throw new Error(
        [
          `The health gate job/${gate.name} did not complete: ${outcome.message}`,
          ...(outcome.diagnosis ? formatDiagnosis(outcome.diagnosis) : [])
        ].join('\n')
      )
    }
  }
}
