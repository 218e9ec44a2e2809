/**
 * Who owns a workload's scale. A HorizontalPodAutoscaler (the kube-controller-manager), KEDA's HPA or
 * `kubectl scale` write spec.replicas through the scale subresource, and managedFields record them as its owner.
 * An apply that sets replicas then conflicts with them, and a forced one resets the scale and kills pods. As the
 * Kubernetes docs advise (and werf's replicas-on-creation does), replicas is then left out of the applied object,
 * so the autoscaler stays its only owner; a new object still gets the manifests' value. Pure, table-tested.
 */
import type { KubeObject } from '../manifests/documents.js'

/** The kinds with a scale subresource whose replicas an autoscaler takes over. */
const scalableKinds = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'])

interface ManagedFieldsEntry {
  manager?: string
  operation?: string
  subresource?: string
  fieldsV1?: { 'f:spec'?: { 'f:replicas'?: unknown } }
}

/** Managers other than `fieldManager` that own spec.replicas through the scale subresource, by name. */
export function scaleOwners(live: KubeObject | undefined, fieldManager: string): string[] {
  if (!live || !scalableKinds.has(live.kind)) return []
  const entries = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[]
  const owners = entries.filter(
    e => e.subresource === 'scale' && e.manager !== fieldManager && e.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined
  )
  return [...new Set(owners.map(e => e.manager ?? '(unnamed manager)'))]
}

export const setsReplicas = (object: KubeObject): boolean =>
  (object.spec as { replicas?: unknown } | undefined)?.replicas !== undefined

/** The object without spec.replicas, for an apply that must leave the scale to its owner. */
export function withoutReplicas(object: KubeObject): KubeObject {
  const copy = structuredClone(object)
  delete (copy.spec as { replicas?: unknown }).replicas
  return copy
}

/** A dry-run conflict that is about spec.replicas alone: the sign that something else owns the scale. */
export function isReplicasConflict(kind: string, statusCode: number, causes: Array<{ field?: string }>): boolean {
  return (
    scalableKinds.has(kind) &&
    statusCode === 409 &&
    causes.length > 0 &&
    causes.every(c => c.field === '.spec.replicas')
  )
}
