/**
 * Custom resources, by kstatus' rules (sigs.k8s.io/cli-utils pkg/kstatus): their observedGeneration and their
 * Ready / Reconciling / Stalled conditions. Last in the registry: it takes any kind no other reader knows.
 */
import { conditionsOf, nameOf, StatusContext, StatusReader, Verdict, why, WorkloadObject } from './reader.js'

/** How long a custom resource may go without any status before it counts as one that never reports one. */
export const statusGraceMs = 5000

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

export const isCustomResource = (apiVersion: string): boolean =>
  !builtInGroups.has(apiVersion.includes('/') ? apiVersion.split('/')[0] : '')

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
  if (reconciling)
    return { state: 'progressing', message: `${name} is reconciling${why(reconciling) ? `: ${why(reconciling)}` : ''}` }
  if (ready?.status === 'True') return { state: 'done', message: `${name} is ready` }
  if (ready) return { state: 'progressing', message: `${name} is not ready yet${why(ready) ? `: ${why(ready)}` : ''}` }
  if (!status || Object.keys(status).length === 0) {
    if (context.ageMs < statusGraceMs)
      return { state: 'progressing', message: `${name}: waiting for its controller to report a status` }
    return { state: 'done', message: `${name}: no status reported`, note: 'no status reported' }
  }
  return { state: 'done', message: `${name} is current` }
}

export const customResourceReader: StatusReader = {
  supports: apiVersion => apiVersion !== undefined && isCustomResource(apiVersion),
  waitable: (_object, choice) => choice.waitForCustomResources,
  verdict: customResourceVerdict
}
