import type { RollbackTarget } from '../settings/types.js'
import type { ReleaseRecord } from './record.js'

export type { RollbackTarget }

/** The release a rollback restores as a whole, or why it falls back to the per-workload way (and which). */
export type ReleaseChoice = { release: ReleaseRecord; why: string } | { release?: undefined; why: string }

const shortCommit = (sha: string): string => sha.slice(0, 12)
const described = (record: ReleaseRecord): string =>
  `release ${record.number} (commit ${shortCommit(record.commit)}, ${record.time})`

/**
 * Which release record `target` names, from the target's records (oldest first). `previous` is the newest release
 * that succeeded before the newest one, whatever that one's result: after a release that failed and was rolled back
 * (its ConfigMaps and Services stay applied), that is the last good one. A commit is its newest successful release.
 * Throws when the target is a release that cannot be restored; returns a reason when records do not decide it.
 */
export function chooseRelease(records: ReleaseRecord[], target: RollbackTarget, recordsName: string): ReleaseChoice {
  const succeeded = records.filter(record => record.result === 'succeeded')
  const newest = records.at(-1)
  if (target.kind === 'revision')
    return { why: `rollback-to ${target.revision} is a revision number: each workload goes to that revision.` }
  if (target.kind === 'release') {
    const record = records.find(r => r.number === target.number)
    if (!record)
      throw new Error(
        `rollback-to release-${target.number}: no such release of ${recordsName}; kept: ${records.map(r => r.number).join(', ') || 'none'}.`
      )
    if (record.result !== 'succeeded')
      throw new Error(
        `rollback-to release-${target.number}: that release was ${record.result}; pick one that succeeded.`
      )
    return { release: record, why: `rollback-to release-${target.number}: ${described(record)}.` }
  }
  if (!newest)
    return {
      why: `No release records of ${recordsName} (deploys before this version kept none): ${target.kind === 'previous' ? 'each workload goes one revision back, as kubectl rollout undo does' : "today's manifests are deployed with that commit's images"}.`
    }
  if (target.kind === 'previous') {
    const before = succeeded.filter(record => record.number < newest.number).at(-1)
    if (!before)
      return {
        why: `No successful release of ${recordsName} before release ${newest.number} is recorded: each workload goes one revision back, as kubectl rollout undo does.`
      }
    return {
      release: before,
      why: `rollback-to previous: ${described(before)}, the last good one before release ${newest.number}.`
    }
  }
  const matching = succeeded.filter(record => record.commit.startsWith(target.sha))
  const commits = [...new Set(matching.map(record => record.commit))]
  if (commits.length > 1)
    throw new Error(
      `rollback-to ${target.sha} names several recorded commits: ${commits.map(shortCommit).join(', ')}. Give more characters.`
    )
  const release = matching.at(-1)
  if (!release)
    return {
      why: `No successful release of ${recordsName} has commit ${target.sha}: today's manifests are deployed with that commit's images.`
    }
  return { release, why: `rollback-to ${target.sha}: commit ${release.commit}, ${described(release)}.` }
}
