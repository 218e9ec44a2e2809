/**
 * Readiness of what kubectl's rollout status does not cover, by kstatus' rules (sigs.k8s.io/cli-utils
 * pkg/kstatus): custom resources by their observedGeneration and Ready / Reconciling / Stalled conditions,
 * PersistentVolumeClaims by their phase, CRDs by Established. Pure: the wait feeds them what it watched.
 */
import type { Verdict, WorkloadObject } from './rollout.js'

export interface StatusContext {
  /** How long the wait has watched the object: a new custom resource gets `statusGraceMs` to report a status. */
  ageMs: number
  /** The PVC's StorageClass volumeBindingMode, once the wait has read it. */
  bindingMode?: string
}

/** How long a custom resource may go without any status before it counts as one that never reports one. */
export const statusGraceMs = 5000

interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
}

/** The status conditions of any kind, leaving out entries that are not conditions. */
export const conditionsOf = (object: WorkloadObject): Condition[] => ((object.status?.conditions as Condition[] | undefined) ?? []).filter(c => c && typeof c.type === 'string')
const nameOf = (object: WorkloadObject): string => `${object.kind.toLowerCase()}/${object.metadata.name}`
const why = (c: Condition): string => [c.reason, c.message].filter(Boolean).join(': ')

/**
 * Ready=False reasons that say a controller gave up rather than that it is still working: Flux, Crossplane and
 * cert-manager use these for specs they will not reconcile until someone changes them.
 */
const terminalReasons = new Set(['InvalidSpec', 'InvalidConfiguration', 'ValidationFailed', 'Stalled', 'Invalid'])

/**
 * The Kubernetes API groups compiled into kube-apiserver (and kube-aggregator's): any other group is served by a
 * CRD or an aggregated API, whose objects are read by their conditions.
 */
const builtInGroups = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io'
])

export const isCustomResource = (apiVersion: string): boolean => !builtInGroups.has(apiVersion.includes('/') ? apiVersion.split('/')[0] : '')

export function customResourceVerdict(object: WorkloadObject, context: StatusContext): Verdict {
  const name = nameOf(object)
  const status = object.status
  const generation = typeof object.metadata.generation === 'number' ? object.metadata.generation : 0
  // An updated object whose controller writes observedGeneration is not judged by the previous generation's
  // conditions: this is the race that makes a just-applied object look ready.
  if (typeof status?.observedGeneration === 'number' && status.observedGeneration < generation) {
    return { state: 'progressing', message: `${name}: waiting for its controller to observe generation ${generation}` }
  }
  const conditions = conditionsOf(object)
  const stalled = conditions.find(c => c.type === 'Stalled' && c.status === 'True')
  if (stalled) return { state: 'failed', message: `${name} is stalled${why(stalled) ? `: ${why(stalled)}` : ''}` }
  const ready = conditions.find(c => c.type === 'Ready')
  if (ready?.status === 'False' && ready.reason && terminalReasons.has(ready.reason)) {
    return { state: 'failed', message: `${name} is not ready: ${why(ready)}` }
  }
  const reconciling = conditions.find(c => c.type === 'Reconciling' && c.status === 'True')
  if (reconciling) return { state: 'progressing', message: `${name} is reconciling${why(reconciling) ? `: ${why(reconciling)}` : ''}` }
  if (ready?.status === 'True') return { state: 'done', message: `${name} is ready` }
  if (ready) return { state: 'progressing', message: `${name} is not ready yet${why(ready) ? `: ${why(ready)}` : ''}` }
  if (!status || Object.keys(status).length === 0) {
    if (context.ageMs < statusGraceMs) return { state: 'progressing', message: `${name}: waiting for its controller to report a status` }
    return { state: 'done', message: `${name}: no status reported`, note: 'no status reported' }
  }
  return { state: 'done', message: `${name} is current` }
}

export function persistentVolumeClaimVerdict(object: WorkloadObject, context: StatusContext): Verdict {
  const name = nameOf(object)
  const phase = object.status?.phase as string | undefined
  if (phase === 'Bound') return { state: 'done', message: `${name} is bound` }
  if (phase === 'Lost') return { state: 'failed', message: `${name} lost its volume` }
  if (context.bindingMode === 'WaitForFirstConsumer') return { state: 'done', message: `${name} waits for its first consumer (WaitForFirstConsumer)`, note: 'waits for its first consumer' }
  if (context.bindingMode === undefined) return { state: 'progressing', message: `${name}: reading its StorageClass` }
  return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not bound yet` }
}

export function customResourceDefinitionVerdict(object: WorkloadObject): Verdict {
  const name = nameOf(object)
  const conditions = conditionsOf(object)
  const names = conditions.find(c => c.type === 'NamesAccepted')
  if (names?.status === 'False') return { state: 'failed', message: `${name}: names not accepted${why(names) ? `: ${why(names)}` : ''}` }
  if (conditions.some(c => c.type === 'Established' && c.status === 'True')) return { state: 'done', message: `${name} is established` }
  return { state: 'progressing', message: `${name}: waiting to be established` }
}

/** A Service of type LoadBalancer is ready once its controller published an address (kstatus' rule). */
export function loadBalancerVerdict(object: WorkloadObject): Verdict {
  const name = nameOf(object)
  if ((object.spec as { type?: string } | undefined)?.type !== 'LoadBalancer') return { state: 'done', message: `${name} is current` }
  const ingress = ((object.status?.loadBalancer as { ingress?: Array<{ ip?: string; hostname?: string }> } | undefined)?.ingress ?? []).filter(i => i.ip || i.hostname)
  if (ingress.length > 0) return { state: 'done', message: `${name} has its address ${ingress.map(i => i.ip ?? i.hostname).join(', ')}` }
  return { state: 'progressing', message: `${name}: waiting for a load balancer address` }
}
