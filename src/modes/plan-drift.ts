import type { KubeObject } from '../manifests/documents.js'
import { isRecordedSecret, secretMatchesRecord } from '../releases/record.js'
import { comparable, diffObjects, FieldChange } from '../plan/apply-plan.js'
import { scaleOwners } from '../deploy/scale-owners.js'

/**
 * The fields the last release set that the live object no longer holds as set: a hand edit, or another manager's
 * write. Fields only the live object has (server defaults, status, other managers' own fields) are not drift; a
 * Secret is compared by the hashes the record keeps, never by value.
 */
export function driftOf(
  recorded: KubeObject,
  live: KubeObject | undefined,
  fieldManager = 'build-and-deploy'
): FieldChange[] {
  if (!live) return [{ path: '(object)', from: 'as recorded', to: 'deleted' }]
  if (isRecordedSecret(recorded))
    return secretMatchesRecord(recorded, live as { data?: Record<string, string> })
      ? []
      : [{ path: 'data', from: '(recorded values, by hash)', to: '(other values)' }]
  // Replicas that an autoscaler (or kubectl scale) owns through the scale subresource are theirs: a deploy leaves
  // them alone, so they are not drift.
  const scaled = scaleOwners(live, fieldManager).length > 0
  return diffObjects(comparable(recorded), comparable(live), false).filter(
    change => change.from !== undefined && !(scaled && change.path === 'spec.replicas')
  )
}
