/**
 * mode history's table for the log. The summary's table has room for the change-cause; a log line does not, and
 * the change-cause repeats the image, the commit and the run URL, so here it is left out and images and commits
 * are shortened: the history output has them in full.
 */
import type { WorkloadHistory } from './rollback-plan.js'
import { workloadName } from './live-revision.js'

/** registry/team/web:0123…(40) → web:0123abc; a digest keeps its first 7 hex digits; another tag stays. */
export function shortImage(reference: string): string {
  const [withoutDigest, digest] = reference.split('@')
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1)
  const colon = lastSegment.indexOf(':')
  const name = colon < 0 ? lastSegment : lastSegment.slice(0, colon)
  const tag = colon < 0 ? undefined : lastSegment.slice(colon + 1)
  const shortTag = tag && /^[0-9a-f]{40}$/.test(tag) ? tag.slice(0, 7) : tag
  const shortDigest = digest ? `@${digest.replace(/^(sha256:[0-9a-f]{7})[0-9a-f]*$/, '$1')}` : ''
  return `${name}${shortTag ? `:${shortTag}` : ''}${shortDigest}`
}

/** 2026-12-03T14:30:05Z → 2026-12-03 14:30:05 (UTC, as the API gives it). */
export const shortTime = (created?: string): string =>
  created ? created.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : ''

export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(row => row[i].length)))
  return rows.map(row => `  ${row.map((value, i) => value.padEnd(widths[i])).join('  ')}`.trimEnd())
}

/** Per workload: a heading line, then revision, commit, image, created and live, newest first. */
export function historyLogLines(histories: WorkloadHistory[]): string[] {
  return histories.flatMap(history => [
    `History of ${workloadName(history)} (namespace ${history.workload.namespace}):`,
    ...(history.rows.length === 0
      ? ['  no revisions']
      : table([
          ['REVISION', 'COMMIT', 'IMAGE', 'CREATED', ''],
          ...history.rows.map(row => [
            String(row.revision),
            row.commit?.slice(0, 7) ?? '-',
            row.images.map(shortImage).join(', ') || '-',
            shortTime(row.created),
            row.live ? 'live' : ''
          ])
        ]))
  ])
}
