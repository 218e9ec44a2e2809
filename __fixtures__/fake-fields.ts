/**
 * Server-side apply's bookkeeping for the fake API server (fake-cluster.ts): the field paths an object sets, in
 * managedFields' FieldsV1 keys (`f:<field>`, `k:<list key as JSON>`, `.` for a list item itself), the merge of an
 * applied object into the live one, and the message of a conflict as the real fieldmanager words it
 * (k8s.io/apimachinery managedfields, sigs.k8s.io/structured-merge-diff). Ownership is always read back from the
 * stored managedFields, so a JSON patch that rewrites them (src/kube/managed-fields.ts does) is honoured.
 */
import type { FieldsV1, ManagedFieldsEntry } from '../src/kube/managed-fields.js'

export type Obj = Record<string, unknown>

export const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T))

/** JSON with sorted keys, to compare objects whatever the order their keys were written in. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (isObj(value)) {
    const keys = Object.keys(value)
      .filter(k => value[k] !== undefined)
      .sort()
    return `{${keys.map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}

/**
 * Lists the API merges by key (the +listType=map / strategic merge keys of the built-in schemas); every other list is
 * atomic, owned and replaced as a whole.
 */
export function listItemKey(field: string, item: unknown): Obj | undefined {
  if (!isObj(item)) return undefined
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
      return typeof item.name === 'string' ? { name: item.name } : undefined
    case 'volumeMounts':
      return typeof item.mountPath === 'string' ? { mountPath: item.mountPath } : undefined
    case 'ports':
      // Container ports are keyed by containerPort and protocol, Service ports by port and protocol (TCP by default).
      if (item.containerPort !== undefined)
        return { containerPort: item.containerPort, protocol: item.protocol ?? 'TCP' }
      if (item.port !== undefined) return { port: item.port, protocol: item.protocol ?? 'TCP' }
      return undefined
    case 'conditions':
      return typeof item.type === 'string' ? { type: item.type } : undefined
    case 'ownerReferences':
      return typeof item.uid === 'string' ? { uid: item.uid } : undefined
    default:
      return undefined
  }
}

const keyedList = (field: string, value: unknown): value is Obj[] =>
  Array.isArray(value) && value.length > 0 && value.every(item => listItemKey(field, item) !== undefined)

/** Maps the API treats as one value (`+structType=atomic`): a LabelSelector is owned and replaced whole. */
const atomicMap = (field: string): boolean => field === 'selector'

const keySegment = (key: Obj): string => `k:${JSON.stringify(key)}`
const sep = '\u0000'

/** A field path, its FieldsV1 keys joined, so sets of paths are plain Sets of strings. */
export type FieldPath = string

export const pathKeys = (path: FieldPath): string[] => path.split(sep)

/**
 * Every field path `object` sets, with the JSON of its value (an empty string for a list item's `.`). `scope` picks
 * what a write covers: the main resource (metadata's labels, annotations, ownerReferences, finalizers and every
 * top-level field but status) or the status subresource (status, and the annotations it may write). An Update also owns the string maps and keyed lists it
 * sets (`.`); the real server marks a few struct fields so too (strategy.rollingUpdate), which this leaves out.
 */
export function fieldValues(
  object: Obj,
  scope: 'main' | 'status',
  operation: 'Apply' | 'Update'
): Map<FieldPath, string> {
  const out = new Map<FieldPath, string>()
  const walk = (value: unknown, path: string[], field: string): void => {
    if (isObj(value) && Object.keys(value).length > 0 && !atomicMap(field)) {
      // An Update owns a string map itself (labels, annotations, data: `.`), as recorded from a real server.
      if (operation === 'Update' && Object.values(value).every(v => typeof v === 'string'))
        out.set([...path, '.'].join(sep), '')
      for (const [k, v] of Object.entries(value)) if (v !== undefined) walk(v, [...path, `f:${k}`], k)
    } else if (keyedList(field, value)) {
      if (operation === 'Update') out.set([...path, '.'].join(sep), '')
      for (const item of value) {
        const itemPath = [...path, keySegment(listItemKey(field, item)!)]
        out.set([...itemPath, '.'].join(sep), '')
        for (const [k, v] of Object.entries(item)) if (v !== undefined) walk(v, [...itemPath, `f:${k}`], k)
      }
    } else out.set(path.join(sep), canonical(value))
  }
  for (const [key, value] of Object.entries(object)) {
    if (scope === 'status') {
      if (key === 'status') walk(value, ['f:status'], key)
      if (key === 'metadata' && isObj(value) && value.annotations !== undefined)
        walk(value.annotations, ['f:metadata', 'f:annotations'], 'annotations')
    } else if (key === 'metadata' && isObj(value)) {
      for (const m of ['labels', 'annotations', 'ownerReferences', 'finalizers'])
        if (value[m] !== undefined) walk(value[m], ['f:metadata', `f:${m}`], m)
    } else if (key !== 'apiVersion' && key !== 'kind' && key !== 'status') walk(value, [`f:${key}`], key)
  }
  return out
}

export function toFieldsV1(paths: Iterable<FieldPath>): FieldsV1 {
  const root: FieldsV1 = {}
  for (const path of paths) {
    let node = root
    for (const key of pathKeys(path)) node = node[key] ??= {}
  }
  return root
}

export function fromFieldsV1(fields: FieldsV1 | undefined): Set<FieldPath> {
  const out = new Set<FieldPath>()
  const walk = (node: FieldsV1, path: string[]): void => {
    const keys = Object.keys(node)
    if (keys.length === 0 && path.length > 0) out.add(path.join(sep))
    for (const key of keys) walk(node[key], [...path, key])
  }
  if (fields) walk(fields, [])
  return out
}

/** `.spec.template.spec.containers[name="web"].image`, as the server names a field in a conflict. */
export function formatPath(path: FieldPath): string {
  let out = ''
  for (const key of pathKeys(path)) {
    if (key === '.') continue
    if (key.startsWith('f:')) out += `.${key.slice(2)}`
    else if (key.startsWith('k:')) {
      const parsed = JSON.parse(key.slice(2)) as Obj
      out += `[${Object.entries(parsed)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`
    }
  }
  return out
}

/** The identity of a managedFields entry: a manager may have one Apply entry and one Update entry per subresource. */
export const entryId = (e: ManagedFieldsEntry): string => `${e.manager}${sep}${e.operation}${sep}${e.subresource ?? ''}`

export interface Conflict {
  entry: ManagedFieldsEntry
  paths: FieldPath[]
}

/**
 * `conflict with "m" [with subresource "s"] using apps/v1`, one manager's part of the 409 (fieldmanager's
 * NewConflictError). The manager identifier it prints carries no time: a real server's answer to a conflict with
 * kubectl-client-side-apply's Update says none (__tests__/data/conflict-client-side-apply.json).
 */
export function conflictWith(entry: ManagedFieldsEntry, plural: boolean): string {
  const subresource = entry.subresource ? ` with subresource "${entry.subresource}"` : ''
  return `conflict${plural ? 's' : ''} with "${entry.manager}"${subresource} using ${entry.apiVersion}`
}

export function conflictMessage(conflicts: Conflict[]): string {
  const count = conflicts.reduce((n, c) => n + c.paths.length, 0)
  if (count === 1) {
    const [c] = conflicts
    return `Apply failed with 1 conflict: ${conflictWith(c.entry, false)}: ${formatPath(c.paths[0])}`
  }
  const parts = conflicts.map(
    c => `${conflictWith(c.entry, true)}:\n${c.paths.map(p => `- ${formatPath(p)}`).join('\n')}`
  )
  return `Apply failed with ${count} conflicts: ${parts.join('\n')}`
}

/** The applied object merged into the live one: maps by key, keyed lists by item key, everything else replaced. */
export function mergeApplied(live: unknown, applied: unknown, field = ''): unknown {
  if (isObj(live) && isObj(applied) && !atomicMap(field)) {
    const out: Obj = { ...live }
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(live[k], v, k)
    return out
  }
  if (Array.isArray(live) && keyedList(field, applied) && keyedList(field, live)) {
    const out = [...live]
    for (const item of applied) {
      const key = canonical(listItemKey(field, item))
      const at = out.findIndex(l => canonical(listItemKey(field, l)) === key)
      if (at >= 0) out[at] = mergeApplied(out[at], item, '') as Obj
      else out.push(clone(item))
    }
    return out
  }
  return clone(applied)
}

/**
 * Removes one owned path from `object` (a field the applier dropped from its config and nobody else owns), and the
 * maps and lists it leaves empty on the way up.
 */
export function removePath(object: Obj, path: FieldPath): void {
  const keys = pathKeys(path)
  const item = keys[keys.length - 1] === '.'
  const target = item ? keys.slice(0, -1) : keys
  const parents: Array<{ container: Obj | unknown[]; at: string | number }> = []
  let node: unknown = object
  for (const key of target) {
    if (key.startsWith('f:') && isObj(node)) {
      parents.push({ container: node, at: key.slice(2) })
      node = node[key.slice(2)]
    } else if (key.startsWith('k:') && Array.isArray(node)) {
      const wanted = canonical(JSON.parse(key.slice(2)))
      const field = parents.length ? String(parents[parents.length - 1].at) : ''
      const at = node.findIndex(i => canonical(listItemKey(field, i)) === wanted)
      if (at < 0) return
      parents.push({ container: node, at })
      node = node[at]
    } else return
    if (node === undefined) return
  }
  // A map's own `.` in an Update entry is no value of its own: the map goes when its last field goes.
  if (item && target[target.length - 1]?.startsWith('f:')) return
  for (let i = parents.length - 1; i >= 0; i--) {
    const { container, at } = parents[i]
    if (Array.isArray(container)) container.splice(at as number, 1)
    else delete container[at as string]
    const emptied = Array.isArray(container) ? container.length === 0 : Object.keys(container).length === 0
    if (!emptied || i === 0) break
  }
}

/**
 * A strategic merge patch (k8s.io/apimachinery strategicpatch) as far as the action sends one: maps merged, lists
 * with a merge key merged by it, other lists replaced, null deletes, and the `$patch: replace` / `$patch: delete`
 * directives (a ControllerRevision's data replaces the pod template with `$patch: replace`).
 */
export function strategicMerge(target: unknown, patch: unknown, field = ''): unknown {
  if (isObj(patch)) {
    const { $patch: directive, ...rest } = patch
    if (directive === 'delete') return undefined
    const out: Obj = directive === 'replace' || !isObj(target) ? {} : { ...target }
    for (const [k, v] of Object.entries(rest)) {
      if (v === null) delete out[k]
      else {
        const merged = strategicMerge(out[k], v, k)
        if (merged === undefined) delete out[k]
        else out[k] = merged
      }
    }
    return out
  }
  if (
    Array.isArray(patch) &&
    Array.isArray(target) &&
    patch.every(item => listItemKey(field, item) !== undefined) &&
    target.every(item => listItemKey(field, item) !== undefined)
  ) {
    const out: unknown[] = [...target]
    for (const item of patch) {
      const key = canonical(listItemKey(field, item))
      const at = out.findIndex(l => canonical(listItemKey(field, l)) === key)
      const merged = strategicMerge(at >= 0 ? out[at] : undefined, item, '')
      if (at >= 0) {
        if (merged === undefined) out.splice(at, 1)
        else out[at] = merged
      } else if (merged !== undefined) out.push(merged)
    }
    return out
  }
  return clone(patch)
}
