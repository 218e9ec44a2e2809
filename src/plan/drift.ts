import type { KubeObject } from '../manifests/documents.js'
import { isRecordedSecret, secretMatchesRecord } from '../releases/record.js'
import { comparable, diffObjects, FieldChange } from './apply-plan.js'

/** One object the cluster no longer holds as the last release left it. */
export interface Drift {
  kind: string
  namespace?: string
  name: string
  changes: FieldChange[]
}

/**
 * The fields the last release set that the live object no longer holds as set: a hand edit, or another manager's
 * write. Fields only the live object has (server defaults, status, other managers' own fields) are not drift; a
 * Secret is compared by the hashes the record keeps, never by value.
 */
export function driftOf(recorded: KubeObject, live: KubeObject | undefined): FieldChange[] {
  if (!live) return [{ path: '(object)', from: 'as recorded', to: 'deleted' }]
  if (isRecordedSecret(recorded))
    return secretMatchesRecord(recorded, live as { data?: Record<string, string> })
      ? []
      : [{ path: 'data', from: '(recorded values, by hash)', to: '(other values)' }]
  return diffObjects(comparable(recorded), comparable(live), false).filter(change => change.from !== undefined)
}
