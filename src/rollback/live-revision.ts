import type { WorkloadHistory } from './rollback-plan.js'
import type { HistoryRow } from './rollback-plan.js'

export const workloadName = ({ workload }: WorkloadHistory): string => `${workload.kind.toLowerCase()}/${workload.name}`

/**
 * The revision of a workload that runs after a rollback. The undo renumbers (kubectl's rule: the restored revision
 * becomes the newest), so the number alone would not say what runs: the image and the commit do.
 */
export const liveRow = (history: WorkloadHistory): HistoryRow | undefined => history.rows.find(row => row.live)

/** The log line: deployment/web: live revision 4, image registry/web:sha, commit 0123456789ab. */
export function describeLive(history: WorkloadHistory): string {
  const live = liveRow(history)
  if (!live) return `${workloadName(history)}: no live revision in its history`
  const commit = live.commit ? `commit ${live.commit.slice(0, 12)}` : 'no commit recorded'
  return `${workloadName(history)}: live revision ${live.revision}, image ${live.images.join(', ') || '(none)'}, ${commit}`
}
