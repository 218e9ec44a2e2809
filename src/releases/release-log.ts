import { shortImage, shortTime, table } from '../rollback/history-log.js'
import { changeSummary, ReleaseRecord } from './record.js'

/** mode history's list of releases for the log, newest first (commits and images shortened, as for revisions). */
export function releaseLogLines(records: ReleaseRecord[], name: string, namespace: string): string[] {
  if (records.length === 0)
    return [`Releases of ${name} (namespace ${namespace}): none recorded yet (they are written from this version on).`]
  return [
    `Releases of ${name} (namespace ${namespace}):`,
    ...table([
      ['RELEASE', 'COMMIT', 'RESULT', 'TIME', 'IMAGES', 'CHANGES'],
      ...[...records]
        .reverse()
        .map(record => [
          String(record.number),
          record.commit.slice(0, 7),
          record.result,
          shortTime(record.time),
          record.images.map(shortImage).join(', ') || '-',
          changeSummary(record.changes)
        ])
    ])
  ]
}

/** The releases output: each record without its objects (they are the manifests as applied). */
export const releasesOutput = (records: ReleaseRecord[]) =>
  records.map(({ objects: _objects, ...rest }) => ({ ...rest, summary: changeSummary(rest.changes) }))
