/**
 * The ApplySet specification (KEP 3659, as kubectl apply --prune --applyset implements it in
 * k8s.io/kubectl/pkg/cmd/apply/applyset.go): which objects belong to a set, what its parent records, and what a
 * prune may delete. Pure, so each rule is table-tested.
 */
import { createHash } from 'node:crypto'
import type { ApplySetParent } from '../settings/types.js'
import { KubeObject, objectKey } from '../manifests/documents.js'

export const applySetKeys = {
  id: 'applyset.kubernetes.io/id',
  partOf: 'applyset.kubernetes.io/part-of',
  tooling: 'applyset.kubernetes.io/tooling',
  groupKinds: 'applyset.kubernetes.io/contains-group-kinds',
  groupResources: 'applyset.kubernetes.io/contains-group-resources',
  namespaces: 'applyset.kubernetes.io/additional-namespaces'
} as const

/** The tooling value of a set this action starts. */
export const ownTooling = 'build-and-deploy/v1'

/** Tools whose sets the action maintains: its own, and kubectl's, whose tooling value it keeps (see parentState). */
const sharedTools = new Set(['build-and-deploy', 'kubectl'])

/** The set's ID: base64url(sha256(<name>.<namespace>.<kind>.<group>)), wrapped as the spec's v1 format. */
export function applySetId(parent: ApplySetParent, namespace: string): string {
  // Secret and ConfigMap are in the core group, whose name is empty.
  const hash = createHash('sha256').update(`${parent.name}.${namespace}.${parent.kind}.`).digest('base64url')
  return `applyset-${hash}-v1`
}

/** kubectl's GroupKind string: Kind.group, or Kind alone in the core group. */
export function groupKindOf(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : ''
  return group ? `${kind}.${group}` : kind
}

export function parseGroupKind(text: string): { group: string; kind: string } {
  const dot = text.indexOf('.')
  return dot < 0 ? { group: '', kind: text } : { group: text.slice(dot + 1), kind: text.slice(0, dot) }
}

/** The kinds and namespaces a set spans: where its members are listed from. */
export interface SetScope {
  groupKinds: Set<string>
  namespaces: Set<string>
}

export interface ParentState extends SetScope {
  /** The tooling value to write back: kubectl's stays kubectl's, so kubectl keeps working on the set. */
  tooling: string
}

const toolingName = (value: string): string => (value.includes('/') ? value.slice(0, value.lastIndexOf('/')) : value)

/**
 * Reads the live parent (undefined when the set is new) with kubectl's checks: the tooling annotation, the ID
 * label, and the group-kinds annotation it needs to find members. Throws naming the parent.
 */
export function parentState(live: KubeObject | undefined, parent: ApplySetParent, namespace: string): ParentState {
  const where = `ApplySet parent ${parent.kind.toLowerCase()}/${parent.name} in namespace ${namespace}`
  if (!live) return { groupKinds: new Set(), namespaces: new Set([namespace]), tooling: ownTooling }
  const annotations = live.metadata.annotations ?? {}
  const tooling = annotations[applySetKeys.tooling]
  if (!tooling)
    throw new Error(
      `${where} exists but has no ${applySetKeys.tooling} annotation: it is not an ApplySet parent; name another object in applyset.`
    )
  if (!sharedTools.has(toolingName(tooling))) {
    throw new Error(
      `${where} is managed by tooling '${toolingName(tooling)}'; build-and-deploy maintains only its own sets and kubectl's. Name another object in applyset.`
    )
  }
  const id = live.metadata.labels?.[applySetKeys.id]
  const expected = applySetId(parent, namespace)
  if (id !== expected)
    throw new Error(
      `${where} has label ${applySetKeys.id}=${id ?? '(none)'}, expected ${expected}: it is not the parent of this set.`
    )
  const kinds = annotations[applySetKeys.groupKinds]
  if (kinds === undefined) {
    throw new Error(
      `${where} has no ${applySetKeys.groupKinds} annotation${annotations[applySetKeys.groupResources] !== undefined ? ` (only the ${applySetKeys.groupResources} of kubectl before 1.28: apply the set once with a newer kubectl)` : ''}.`
    )
  }
  const namespaces = (annotations[applySetKeys.namespaces] ?? '').split(',').filter(Boolean)
  return {
    groupKinds: new Set(kinds.split(',').filter(Boolean)),
    namespaces: new Set([namespace, ...namespaces]),
    tooling
  }
}

/** Adds the member label to every object; a manifest that sets it itself is a problem, as with kubectl. */
export function labelMembers<T extends { object: KubeObject }>(
  items: T[],
  id: string,
  describe: (item: T) => string
): { items: T[]; problems: string[] } {
  const problems: string[] = []
  const labelled = items.map(item => {
    if (item.object.metadata.labels?.[applySetKeys.partOf] !== undefined) {
      problems.push(
        `${describe(item)}: sets the label ${applySetKeys.partOf} itself; with prune the action sets it (remove it from the manifests)`
      )
    }
    const object = structuredClone(item.object)
    object.metadata.labels = { ...object.metadata.labels, [applySetKeys.partOf]: id }
    return { ...item, object }
  })
  return { items: labelled, problems }
}

/** The kinds and namespaces of the objects that carry the member label (not a Namespace create-namespace made). */
export function scopeOf(objects: Array<{ object: KubeObject; namespaced: boolean }>, id: string): SetScope {
  const scope: SetScope = { groupKinds: new Set(), namespaces: new Set() }
  for (const { object, namespaced } of objects) {
    if (object.metadata.labels?.[applySetKeys.partOf] !== id) continue
    scope.groupKinds.add(groupKindOf(object.apiVersion, object.kind))
    if (namespaced && object.metadata.namespace) scope.namespaces.add(object.metadata.namespace)
  }
  return scope
}

export const unionScope = (a: SetScope, b: SetScope): SetScope => ({
  groupKinds: new Set([...a.groupKinds, ...b.groupKinds]),
  namespaces: new Set([...a.namespaces, ...b.namespaces])
})

/** The parent as server-side applied: its ID label and the annotations kubectl reads (sorted as kubectl writes them). */
export function parentObject(parent: ApplySetParent, namespace: string, tooling: string, scope: SetScope): KubeObject {
  return {
    apiVersion: 'v1',
    kind: parent.kind,
    metadata: {
      name: parent.name,
      namespace,
      labels: { [applySetKeys.id]: applySetId(parent, namespace) },
      annotations: {
        [applySetKeys.tooling]: tooling,
        [applySetKeys.groupKinds]: [...scope.groupKinds].sort().join(','),
        [applySetKeys.namespaces]: [...scope.namespaces]
          .filter(ns => ns !== namespace)
          .sort()
          .join(',')
      }
    }
  }
}

export interface LiveMember extends KubeObject {
  metadata: KubeObject['metadata'] & { uid: string }
}

/**
 * The members to delete: listed with the set's label and absent from the manifests. The label is checked again
 * here, so an object outside the set is never a candidate whatever a server's selector did. Foundations last:
 * workloads before the CRDs and Namespaces that hold them, and otherwise by kind and name.
 */
export function pruneCandidates<T extends { object: LiveMember }>(listed: T[], keep: KubeObject[], id: string): T[] {
  const kept = new Set(keep.map(objectKey))
  const rank = (kind: string): number => (kind === 'Namespace' ? 2 : kind === 'CustomResourceDefinition' ? 1 : 0)
  return listed
    .filter(({ object }) => object.metadata.labels?.[applySetKeys.partOf] === id && !kept.has(objectKey(object)))
    .sort((a, b) => rank(a.object.kind) - rank(b.object.kind) || objectKey(a.object).localeCompare(objectKey(b.object)))
}

/** Deleting a Namespace or a CRD takes everything in it: refused unless prune-namespaces-and-crds. */
export function refusedPrunes(candidates: KubeObject[], namespacesAndCrds: boolean): string[] {
  if (namespacesAndCrds) return []
  return candidates
    .filter(c => c.kind === 'Namespace' || c.kind === 'CustomResourceDefinition')
    .map(
      c =>
        `prune would delete ${c.kind} ${c.metadata.name}, which left the manifests, and ${c.kind === 'Namespace' ? 'every object in it' : 'every object of its kind'}; ` +
        'keep it in the manifests, or set prune-namespaces-and-crds: true to delete it'
    )
}
