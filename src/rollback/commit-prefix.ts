/**
 * `rollback-to: <short SHA>`: the commits the workloads' revisions recorded (build-and-deploy/commit on each
 * ReplicaSet's or ControllerRevision's template) are the only ones a prefix can name, as the registry cannot be
 * searched by tag prefix. Pure, so each outcome is table-tested.
 */
import type { WorkloadHistory } from './rollback-plan.js'

const workloadName = (h: WorkloadHistory): string => `${h.workload.kind.toLowerCase()}/${h.workload.name}`

/** Each commit of the histories, newest revision first, with where it was seen (deployment/web revision 3). */
function knownCommits(histories: WorkloadHistory[]): Map<string, string[]> {
  const commits = new Map<string, string[]>()
  for (const history of histories) {
    for (const row of history.rows) {
      if (!row.commit) continue
      const seen = commits.get(row.commit) ?? []
      seen.push(`${workloadName(history)} revision ${row.revision}${row.live ? ', live' : ''}`)
      commits.set(row.commit, seen)
    }
  }
  return commits
}

const listed = (commits: Map<string, string[]>, limit = 10): string => {
  const entries = [...commits].map(([commit, seen]) => `${commit} (${seen.join('; ')})`)
  return entries.slice(0, limit).join(', ') + (entries.length > limit ? `, and ${entries.length - limit} more` : '')
}

/** The full SHA of the one recorded commit that starts with `prefix`; throws, listing the commits, otherwise. */
export function resolveCommitPrefix(prefix: string, histories: WorkloadHistory[]): string {
  const commits = knownCommits(histories)
  const matches = new Map([...commits].filter(([commit]) => commit.startsWith(prefix)))
  if (matches.size === 1) return [...matches.keys()][0]
  const where = histories.map(workloadName).join(', ')
  // Said where it matters: someone who meant a revision number learns why it was not read as one.
  const digits = /^\d+$/.test(prefix) ? ` (read as a commit: a revision number has at most 6 digits)` : ''
  if (matches.size > 1) {
    throw new Error(
      `rollback-to '${prefix}' is ambiguous: ${matches.size} commits in the history of ${where} start with it: ${listed(matches)}. Give more characters.`
    )
  }
  if (commits.size === 0) {
    throw new Error(
      `rollback-to '${prefix}'${digits}: the history of ${where} records no commit (no revision was deployed by build-and-deploy). Give the full 40-character SHA, whose image tag is then looked up in the registry.`
    )
  }
  throw new Error(
    `rollback-to '${prefix}'${digits} matches no commit in the history of ${where}. Known commits: ${listed(commits)}. Give one of them, or the full 40-character SHA of another, whose image tag is then looked up in the registry.`
  )
}
