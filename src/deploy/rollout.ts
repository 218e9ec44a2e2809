import { conditionsOf, customResourceDefinitionVerdict, customResourceVerdict, isCustomResource, loadBalancerVerdict, persistentVolumeClaimVerdict, StatusContext } from './status-readers.js'

/**
 * Rollout verdicts, mirroring kubectl's rollout status (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go)
 * rule for rule, so "succeeded" here means what `kubectl rollout status` would say.
 */
export type Verdict =
  | { state: 'progressing'; message: string }
  /** note: what the summary should say of an object that counts as ready without proving it. */
  | { state: 'done'; message: string; note?: string }
  | { state: 'failed'; message: string }

export interface WorkloadObject {
  apiVersion?: string
  kind: string
  metadata: { name: string; namespace?: string; generation?: number; annotations?: Record<string, string> }
  spec?: Record<string, unknown>
  status?: Record<string, unknown>
}

const num = (value: unknown): number => (typeof value === 'number' ? value : 0)

export function deploymentVerdict(object: WorkloadObject): Verdict {
  const name = `deployment/${object.metadata.name}`
  const status = object.status ?? {}
  if (num(object.metadata.generation) > num(status.observedGeneration)) {
    return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` }
  }
  // kubectl checks only the reason, whatever the condition's status.
  const progressing = conditionsOf(object).find(c => c.type === 'Progressing')
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: `${name} exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}` }
  }
  const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas)
  const updated = num(status.updatedReplicas)
  const current = num(status.replicas)
  // kubectl would wait on a paused Deployment until its timeout; nothing will move, so say so at once.
  if (object.spec?.paused === true && (updated < replicas || current > updated)) {
    return { state: 'failed', message: `${name} is paused with an update pending; resume it (kubectl rollout resume ${name}) to roll out` }
  }
  const available = num(status.availableReplicas)
  if (updated < replicas) {
    return { state: 'progressing', message: `${name}: ${updated} of ${replicas} new replicas have been updated` }
  }
  if (current > updated) {
    return { state: 'progressing', message: `${name}: ${current - updated} old replicas are pending termination` }
  }
  if (available < updated) {
    return { state: 'progressing', message: `${name}: ${available} of ${updated} updated replicas are available` }
  }
  return { state: 'done', message: `${name} successfully rolled out` }
}

export function daemonSetVerdict(object: WorkloadObject): Verdict {
  const name = `daemonset/${object.metadata.name}`
  const status = object.status ?? {}
  const strategy = (object.spec?.updateStrategy as { type?: string } | undefined)?.type ?? 'RollingUpdate'
  if (strategy !== 'RollingUpdate') {
    return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` }
  }
  if (num(object.metadata.generation) > num(status.observedGeneration)) {
    return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` }
  }
  const desired = num(status.desiredNumberScheduled)
  const updated = num(status.updatedNumberScheduled)
  const available = num(status.numberAvailable)
  if (updated < desired) {
    return { state: 'progressing', message: `${name}: ${updated} of ${desired} updated pods have been scheduled` }
  }
  if (available < desired) {
    return { state: 'progressing', message: `${name}: ${available} of ${desired} updated pods are available` }
  }
  return { state: 'done', message: `${name} successfully rolled out` }
}

export function statefulSetVerdict(object: WorkloadObject): Verdict {
  const name = `statefulset/${object.metadata.name}`
  const status = object.status ?? {}
  const updateStrategy = object.spec?.updateStrategy as { type?: string; rollingUpdate?: { partition?: number } } | undefined
  if (updateStrategy?.type === 'OnDelete') {
    return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` }
  }
  const observed = num(status.observedGeneration)
  if (observed === 0 || num(object.metadata.generation) > observed) {
    return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` }
  }
  const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas)
  const ready = num(status.readyReplicas)
  if (ready < replicas) {
    return { state: 'progressing', message: `${name}: ${ready} of ${replicas} pods are ready` }
  }
  // The API server defaults rollingUpdate to {partition: 0}; only an object without it compares revisions.
  if (updateStrategy?.rollingUpdate) {
    const partition = num(updateStrategy.rollingUpdate.partition)
    const updated = num(status.updatedReplicas)
    if (updated < replicas - partition) {
      return { state: 'progressing', message: `${name}: ${updated} of ${replicas - partition} pods updated (partition ${partition})` }
    }
    return { state: 'done', message: `${name}: partitioned roll out complete: ${updated} new pods have been updated` }
  }
  if (status.updateRevision !== status.currentRevision) {
    return { state: 'progressing', message: `${name}: waiting for the update to revision ${String(status.updateRevision)} to complete` }
  }
  return { state: 'done', message: `${name}: rolling update complete ${String(status.currentReplicas ?? replicas)} pods at revision ${String(status.currentRevision)}` }
}

/** Jobs follow kstatus: Complete=True is done, Failed=True is failed. */
export function jobVerdict(object: WorkloadObject): Verdict {
  const name = `job/${object.metadata.name}`
  const conditions = conditionsOf(object)
  const failed = conditions.find(c => c.type === 'Failed' && c.status === 'True')
  if (failed) return { state: 'failed', message: `${name} failed: ${failed.reason ?? ''}${failed.message ? ` (${failed.message})` : ''}` }
  if (conditions.some(c => c.type === 'Complete' && c.status === 'True')) return { state: 'done', message: `${name} completed` }
  const status = object.status ?? {}
  return { state: 'progressing', message: `${name}: ${num(status.succeeded)} succeeded, ${num(status.active)} active, ${num(status.failed)} failed` }
}

export function podVerdict(object: WorkloadObject): Verdict {
  const name = `pod/${object.metadata.name}`
  const phase = object.status?.phase as string | undefined
  if (phase === 'Succeeded') return { state: 'done', message: `${name} succeeded` }
  if (phase === 'Failed') return { state: 'failed', message: `${name} failed` }
  const ready = conditionsOf(object).find(c => c.type === 'Ready')
  if (phase === 'Running' && ready?.status === 'True') return { state: 'done', message: `${name} is ready` }
  return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not ready` }
}

const verdicts: Record<string, (object: WorkloadObject, context: StatusContext) => Verdict> = {
  Deployment: deploymentVerdict,
  DaemonSet: daemonSetVerdict,
  StatefulSet: statefulSetVerdict,
  Job: jobVerdict,
  Pod: podVerdict,
  PersistentVolumeClaim: persistentVolumeClaimVerdict,
  CustomResourceDefinition: customResourceDefinitionVerdict,
  Service: loadBalancerVerdict
}

export interface WaitChoice {
  waitForJobs: boolean
  waitForCustomResources: boolean
  /** Off by default: where no load-balancer controller runs, no address ever comes. */
  waitForLoadBalancers: boolean
}

/** The annotation that takes one object out of the wait. */
export const waitAnnotation = 'build-and-deploy/wait'

/** Objects whose readiness is waited on; everything else is current once applied (kstatus). */
export function isWaitable(object: { apiVersion: string; kind: string; metadata?: { annotations?: Record<string, string> }; spec?: unknown }, choice: WaitChoice): boolean {
  if (object.metadata?.annotations?.[waitAnnotation] === 'skip') return false
  if (object.kind === 'Job') return choice.waitForJobs
  if (object.kind === 'Service') return choice.waitForLoadBalancers && (object.spec as { type?: string } | undefined)?.type === 'LoadBalancer'
  if (object.kind in verdicts) return true
  return choice.waitForCustomResources && isCustomResource(object.apiVersion)
}

export function rolloutVerdict(object: WorkloadObject, context: StatusContext = { ageMs: Infinity }): Verdict {
  const verdict = verdicts[object.kind]
  if (verdict) return verdict(object, context)
  if (object.apiVersion && isCustomResource(object.apiVersion)) return customResourceVerdict(object, context)
  return { state: 'done', message: `${object.kind.toLowerCase()}/${object.metadata.name} is current` }
}
