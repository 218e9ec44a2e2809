import { isSecretField, redactSecretAt } from '../manifests/redact.js'
import { KubeObject, objectKey, SourcedObject } from '../manifests/documents.js'

/** Where an object goes: its REST scope and effective namespace, resolved by discovery. */
export interface Target {
  source: SourcedObject
  object: KubeObject
  plural?: string
  namespaced: boolean
  /** Set when the kind comes from a CustomResourceDefinition applied in this same run. */
  awaitsCrd: boolean
}

const rank = (kind: string): number => (kind === 'Namespace' ? 0 : kind === 'CustomResourceDefinition' ? 1 : 2)

/** Namespaces first, then CRDs, then everything else in the order written, as kubectl and Helm order them. */
export function applyOrder<T extends { object: KubeObject }>(items: T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item.object.kind) - rank(b.item.object.kind) || a.index - b.index)
    .map(x => x.item)
}

/**
 * The waves objects are written in, after Helm's InstallOrder and kapp's change groups: what pods need at
 * admission or start (ServiceAccounts, RBAC, ConfigMaps, Secrets, claims, Services), then the workloads, then
 * what refers to workloads (autoscalers, disruption budgets, Ingresses, webhooks) and kinds unknown here, such as
 * custom resources, last as Helm puts them. Namespaces and CRDs come before all of these (see Applier.apply).
 * Without the order a ReplicaSet can try its pods before their ServiceAccount exists: the admission plugin refuses
 * them (FailedCreate) and the controller retries only after a back-off.
 */
const waveOf: Record<string, number> = Object.fromEntries([
  ...['Namespace', 'CustomResourceDefinition'].map(kind => [kind, 0]),
  ...[
    'PriorityClass',
    'NetworkPolicy',
    'ResourceQuota',
    'LimitRange',
    'PodSecurityPolicy',
    'ServiceAccount',
    'Secret',
    'SecretList',
    'ConfigMap',
    'StorageClass',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'ClusterRole',
    'ClusterRoleList',
    'ClusterRoleBinding',
    'ClusterRoleBindingList',
    'Role',
    'RoleList',
    'RoleBinding',
    'RoleBindingList',
    'Service',
    'Endpoints',
    'EndpointSlice',
    'RuntimeClass',
    'IngressClass'
  ].map(kind => [kind, 1]),
  ...['DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob'].map(
    kind => [kind, 2]
  ),
  ...[
    'HorizontalPodAutoscaler',
    'PodDisruptionBudget',
    'Ingress',
    'APIService',
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration'
  ].map(kind => [kind, 3])
])
export const applyWaveCount = 4
const unknownKindWave = 3

/** Index of the wave an object is written in (0 to applyWaveCount - 1). */
export const applyWave = (object: KubeObject): number => waveOf[object.kind] ?? unknownKindWave

/** The objects split into their waves, each in the order given; empty waves are left out. */
export function applyWaves<T extends { object: KubeObject }>(items: T[]): T[][] {
  const waves: T[][] = Array.from({ length: applyWaveCount }, () => [])
  for (const item of items) waves[applyWave(item.object)].push(item)
  return waves.filter(wave => wave.length > 0)
}

/**
 * The kinds a CRD among the manifests will serve, as apiVersion/Kind keys, each with whether it is namespaced:
 * the CRD's scope gives a custom resource its namespace before discovery can, so a namespace it alone names is
 * created like any other.
 */
export function kindsFromCrds(objects: KubeObject[]): Map<string, boolean> {
  const kinds = new Map<string, boolean>()
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition') continue
    const spec = object.spec as
      { group?: string; scope?: string; names?: { kind?: string }; versions?: Array<{ name: string }> } | undefined
    for (const version of spec?.versions ?? [])
      kinds.set(`${spec?.group}/${version.name}/${spec?.names?.kind}`, spec?.scope !== 'Cluster')
  }
  return kinds
}

/** Reports objects that appear twice: server-side apply would silently let the later one win. */
export function findDuplicates(sources: SourcedObject[]): string[] {
  const seen = new Map<string, SourcedObject>()
  const problems: string[] = []
  for (const source of sources) {
    const key = objectKey(source.object)
    const first = seen.get(key)
    if (first) {
      problems.push(
        `${source.file} document ${source.document}: ${source.object.kind} ${source.object.metadata.namespace ?? ''}${source.object.metadata.namespace ? '/' : ''}${source.object.metadata.name} is already defined in ${first.file} document ${first.document}`
      )
    } else seen.set(key, source)
  }
  return problems
}

const volatileMetadata = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp']

/** The parts of an object a user changes, for comparing a live object with its dry-run result. */
export function comparable(object: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!object) return undefined
  const copy = structuredClone(object)
  delete copy.status
  const metadata = copy.metadata as Record<string, unknown> | undefined
  if (metadata) for (const key of volatileMetadata) delete metadata[key]
  return copy
}

export interface FieldChange {
  path: string
  from?: string
  to?: string
}

/**
 * Field-level differences between two objects. A Secret's values never appear (redact.ts): a changed entry shows
 * its path and the placeholder, and a Secret shown whole (created, or deleted) shows its keys alone.
 */
export function diffObjects(before: unknown, after: unknown, secret: boolean): FieldChange[] {
  return diffValues(before, after, [], secret)
}

function diffValues(before: unknown, after: unknown, path: string[], secret: boolean): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return []
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
  // Below a secret field the values differ somewhere, and where must not show either: one change for the field.
  const leaf = secret && isSecretField(path)
  if (!leaf && isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap(key => diffValues(before[key], after[key], [...path, key], secret))
  }
  if (!leaf && Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) =>
      diffValues(item, after[i], [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`], secret)
    )
  }
  const show = (v: unknown): string | undefined =>
    v === undefined
      ? undefined
      : leaf
        ? String(redactSecretAt(v, path))
        : JSON.stringify(secret ? redactSecretAt(v, path) : v)
  return [{ path: path.join('.'), from: show(before), to: show(after) }]
}
