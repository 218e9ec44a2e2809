import type { Cluster, ObjectRef } from './cluster.js'
import { KubeApiError } from './errors.js'

/**
 * A field set as managedFields serialise it (FieldsV1): keys `f:<field>`, `k:<list key as JSON>`, `v:<set value as
 * JSON>`, `i:<index>`; below a key, `.` marks the node itself as a member, and an empty object is a member leaf.
 */
export interface FieldsV1 {
  [key: string]: FieldsV1
}

/** One entry of metadata.managedFields. */
export interface ManagedFieldsEntry {
  manager?: string
  operation?: string
  apiVersion?: string
  time?: string
  fieldsType?: string
  fieldsV1?: FieldsV1
  subresource?: string
}

interface ManagedState {
  resourceVersion?: string
  managedFields?: ManagedFieldsEntry[]
}

/**
 * Hands back the fields an Update by `manager` took (a rollback's patch, a scale): its managedFields entry is
 * removed, so the next server-side apply by the action's own field manager does not conflict on them.
 */
export async function releaseFields(kube: Cluster, object: ObjectRef, manager: string): Promise<void> {
  // Controllers rewrite managedFields as they update status, so the entry's index can move under us: the test
  // op refuses a stale index (422) and the loop reads it again.
  for (let attempt = 0; ; attempt++) {
    const live = await kube.get<{ metadata: { managedFields?: Array<{ manager?: string; operation?: string }> } }>(
      object
    )
    const index = live?.metadata.managedFields?.findIndex(f => f.manager === manager && f.operation === 'Update') ?? -1
    if (index < 0) return
    try {
      await kube.patch(object, {
        type: 'json',
        body: [
          { op: 'test', path: `/metadata/managedFields/${index}/manager`, value: manager },
          { op: 'test', path: `/metadata/managedFields/${index}/operation`, value: 'Update' },
          { op: 'remove', path: `/metadata/managedFields/${index}` }
        ]
      })
      return
    } catch (error) {
      if (!(error instanceof KubeApiError && (error.statusCode === 422 || error.statusCode === 409)) || attempt >= 9)
        throw error
      await new Promise(resolve => setTimeout(resolve, 100 * (attempt + 1)))
    }
  }
}

/**
 * Writes an object's managedFields as `rewrite` makes them from the ones read, only while the object is still at the
 * resourceVersion they were read at (a JSON patch `test` op; the write is refused, 422, if it has moved on). Starts
 * from `read` (what the caller already has); when the object has moved on, it is read again and `rewrite` decides,
 * from the newer entries, whether the write still holds (it throws if not): a controller's status update moves the
 * resourceVersion without touching the entries that matter.
 */
export async function writeManagedFields(
  kube: Cluster,
  object: ObjectRef,
  read: ManagedState,
  rewrite: (entries: ManagedFieldsEntry[]) => ManagedFieldsEntry[],
  signal?: AbortSignal
): Promise<void> {
  let state: ManagedState = read
  for (let attempt = 0; ; attempt++) {
    try {
      await kube.patch(
        object,
        {
          type: 'json',
          body: [
            { op: 'test', path: '/metadata/resourceVersion', value: state.resourceVersion },
            { op: 'replace', path: '/metadata/managedFields', value: rewrite(state.managedFields ?? []) }
          ]
        },
        { signal }
      )
      return
    } catch (error) {
      // A failed test op is a bare 422 ("the server rejected our request"): only a newer resourceVersion tells it apart
      // from managedFields the server refused.
      if (!(error instanceof KubeApiError && (error.statusCode === 422 || error.statusCode === 409))) throw error
      const live = await kube.get<{ metadata: ManagedState }>(object, { signal })
      if (!live) throw new Error(`the object was deleted before its managedFields could be written.`, { cause: error })
      if (live.metadata.resourceVersion === state.resourceVersion) throw error
      if (attempt >= 4)
        throw new Error(
          `the object changed during each of 5 attempts to write its managedFields; run the deploy again.`,
          { cause: error }
        )
      state = live.metadata
    }
  }
}
