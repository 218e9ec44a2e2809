// Taking fields over from `kubectl apply` (client-side), planned without I/O.
//
// An object that `kubectl apply` wrote is owned by the manager kubectl-client-side-apply with operation Update. A
// server-side apply by another manager that changes one of its values then conflicts. The API server lets only the
// manager `kubectl` through (its lastAppliedManager forces an apply whose conflicts all lie in the
// last-applied-configuration), and `kubectl apply --server-side` then moves the whole client-side entry into its own
// with k8s.io/client-go/util/csaupgrade (UpgradeManagedFields). The action moves only the fields its manifests set:
// a field only the old `kubectl apply` set stays owned by it, so the action neither deletes it nor claims it.
import type { KubeStatus } from '../kube/errors.js'
import type { FieldsV1, ManagedFieldsEntry } from '../kube/managed-fields.js'
import { describeObject, KubeObject, sameValue } from '../manifests/documents.js'

export const clientSideApplyManager = 'kubectl-client-side-apply'

interface FieldNode {
  member: boolean
  children: Map<string, FieldNode>
}

// As structured-merge-diff reads FieldsV1 (fieldpath/serialize.go): a node with no children is a member, one with
// children is a member only when it has `.`. The root is never a member. Keys are compared as the server wrote them
// (it writes them canonically), never re-encoded.
function readNode(fields: FieldsV1, root: boolean): FieldNode {
  const children = new Map<string, FieldNode>()
  for (const [key, value] of Object.entries(fields)) if (key !== '.') children.set(key, readNode(value ?? {}, false))
  return { member: !root && (children.size === 0 || '.' in fields), children }
}

function writeNode(node: FieldNode): FieldsV1 {
  const out: FieldsV1 = {}
  if (node.member && node.children.size > 0) out['.'] = {}
  for (const [key, child] of node.children) out[key] = writeNode(child)
  return out
}

const isEmpty = (node: FieldNode): boolean => !node.member && node.children.size === 0

function combine(
  a: FieldNode,
  b: FieldNode | undefined,
  member: (a: boolean, b: boolean) => boolean,
  keys: 'a' | 'both' | 'either'
): FieldNode {
  const children = new Map<string, FieldNode>()
  const names = keys === 'either' ? new Set([...a.children.keys(), ...(b?.children.keys() ?? [])]) : a.children.keys()
  for (const key of names) {
    const left = a.children.get(key)
    const right = b?.children.get(key)
    if (keys === 'both' && !right) continue
    const child = combine(left ?? right!, left ? right : undefined, member, keys)
    if (!isEmpty(child)) children.set(key, child)
  }
  return { member: member(a.member, b?.member ?? false), children }
}

const fieldSet = (fields: FieldsV1 | undefined): FieldNode => readNode(fields ?? {}, true)

/** The fields in both sets. */
export function fieldsIntersection(a: FieldsV1 | undefined, b: FieldsV1 | undefined): FieldsV1 {
  return writeNode(combine(fieldSet(a), fieldSet(b), (x, y) => x && y, 'both'))
}

/** The fields of `a` that are not in `b`. */
export function fieldsDifference(a: FieldsV1 | undefined, b: FieldsV1 | undefined): FieldsV1 {
  return writeNode(combine(fieldSet(a), fieldSet(b), (x, y) => x && !y, 'a'))
}

/** The fields in either set. */
export function fieldsUnion(a: FieldsV1 | undefined, b: FieldsV1 | undefined): FieldsV1 {
  return writeNode(combine(fieldSet(a), fieldSet(b), (x, y) => x || y, 'either'))
}

/** Every member of the set as its path of keys joined by ` `, e.g. `f:spec f:template ... f:image`. */
export function fieldPaths(fields: FieldsV1 | undefined): string[] {
  const out: string[] = []
  const walk = (node: FieldNode, prefix: string[]): void => {
    if (node.member) out.push(prefix.join(' '))
    for (const [key, child] of node.children) walk(child, [...prefix, key])
  }
  walk(fieldSet(fields), [])
  return out
}

/**
 * Whether a failed server-side apply is a conflict with kubectl-client-side-apply alone, in `apiVersion`. The API
 * server gives one cause per field, `conflict with "<manager>" using <apiVersion>[ at <time>]` (the fieldmanager's
 * NewConflictError); a subresource or another manager anywhere in the list makes it an ordinary conflict.
 */
export function isClientSideApplyConflict(statusCode: number, status: KubeStatus, apiVersion: string): boolean {
  const causes = status.details?.causes ?? []
  const expected = `conflict with "${clientSideApplyManager}" using ${apiVersion}`
  return (
    statusCode === 409 &&
    status.reason === 'Conflict' &&
    causes.length > 0 &&
    causes.every(
      c => c.reason === 'FieldManagerConflict' && (c.message === expected || c.message?.startsWith(`${expected} at `))
    )
  )
}

/** Moving the fields of kubectl-client-side-apply that the manifests set to the action's own field manager. */
export interface TakeoverPlan {
  from: typeof clientSideApplyManager
  to: string
  /** The object, for messages; its apiVersion is that of the client-side entry and of the manifest. */
  object: string
  apiVersion: string
  /** The fields moved: those of the client-side entry that the manifests set. */
  fields: FieldsV1
  count: number
  /** The object's resourceVersion and managedFields when planned; the write is refused if the object has changed since. */
  resourceVersion: string
  managedFields: ManagedFieldsEntry[]
}

const isClientSide = (e: ManagedFieldsEntry, apiVersion: string): boolean =>
  e.manager === clientSideApplyManager && e.operation === 'Update' && e.apiVersion === apiVersion && !e.subresource
const isApplyOf = (e: ManagedFieldsEntry, manager: string): boolean =>
  e.manager === manager && e.operation === 'Apply' && !e.subresource

/**
 * Plans the takeover for an object whose apply conflicted with kubectl-client-side-apply alone: `live` is the object,
 * `forced` the result of a forced dry run of the same apply, whose Apply entry of `fieldManager` is exactly the field
 * set the manifest sets (the server computes it). Undefined when there is nothing to move, so the conflict stays an
 * error: no client-side entry in the manifest's apiVersion, no overlap, or an own Apply entry in another apiVersion
 * (its fields are in another version's schema).
 */
export function planTakeover(live: KubeObject, forced: KubeObject, fieldManager: string): TakeoverPlan | undefined {
  const managedFields = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[]
  const resourceVersion = live.metadata.resourceVersion as string | undefined
  const apiVersion = live.apiVersion
  const clientSide = managedFields.find(e => isClientSide(e, apiVersion))
  const ours = ((forced.metadata.managedFields ?? []) as ManagedFieldsEntry[]).find(e => isApplyOf(e, fieldManager))
  const own = managedFields.find(e => isApplyOf(e, fieldManager))
  if (!clientSide || !ours || !resourceVersion || (own && own.apiVersion !== apiVersion)) return undefined
  const fields = fieldsIntersection(clientSide.fieldsV1, ours.fieldsV1)
  const count = fieldPaths(fields).length
  if (count === 0) return undefined
  return {
    from: clientSideApplyManager,
    to: fieldManager,
    object: describeObject(live),
    apiVersion,
    fields,
    count,
    resourceVersion,
    managedFields
  }
}

/**
 * The managedFields after the takeover, from `entries`: the planned object's, or a newer one's when a status update
 * moved its resourceVersion. The plan's fields leave the client-side entry (dropped when empty) and join the Apply
 * entry of the action's field manager (created when missing). Throws when either of those two entries differs from
 * the planned ones: someone wrote the object in between, and the plan no longer says what to move.
 */
export function takeoverEntries(entries: ManagedFieldsEntry[], plan: TakeoverPlan): ManagedFieldsEntry[] {
  const pick = (list: ManagedFieldsEntry[]) => ({
    clientSide: list.find(e => isClientSide(e, plan.apiVersion)),
    own: list.find(e => isApplyOf(e, plan.to))
  })
  const now = pick(entries)
  const then = pick(plan.managedFields)
  if (
    !now.clientSide ||
    !sameValue(now.clientSide.fieldsV1, then.clientSide?.fieldsV1) ||
    !sameValue(now.own?.fieldsV1, then.own?.fieldsV1)
  ) {
    throw new Error(
      `${plan.object} changed since validation: the fields of ${plan.from} or ${plan.to} are no longer those the dry run saw, so they were not taken over. Run the deploy again.`
    )
  }
  const out: ManagedFieldsEntry[] = []
  for (const entry of entries) {
    if (entry === now.clientSide) {
      const left = fieldsDifference(entry.fieldsV1, plan.fields)
      if (fieldPaths(left).length > 0) out.push({ ...entry, fieldsV1: left })
    } else if (entry === now.own) {
      out.push({ ...entry, fieldsV1: fieldsUnion(entry.fieldsV1, plan.fields) })
    } else {
      out.push(entry)
    }
  }
  if (!now.own)
    out.push({
      manager: plan.to,
      operation: 'Apply',
      apiVersion: plan.apiVersion,
      fieldsType: 'FieldsV1',
      fieldsV1: plan.fields
    })
  return out
}

/** The run's one line about takeovers, or undefined when there was none. */
export function takeoverSummary(
  applied: Array<{ target: { object: KubeObject }; takeover?: TakeoverPlan }>,
  dryRun: boolean
): string | undefined {
  const taken = applied.filter(a => a.takeover)
  if (taken.length === 0) return undefined
  const fields = taken.reduce((sum, a) => sum + a.takeover!.count, 0)
  const objects = taken.map(a => {
    const o = a.target.object
    return `${o.kind.toLowerCase()}/${o.metadata.name}${o.metadata.namespace ? ` (${o.metadata.namespace})` : ''}`
  })
  const counted = `${fields} field${fields === 1 ? '' : 's'} of ${taken.length} object${taken.length === 1 ? '' : 's'}`
  return `${dryRun ? 'Would take' : 'Took'} over ${counted} from ${clientSideApplyManager}, as kubectl apply --server-side does: ${objects.join(', ')}`
}
