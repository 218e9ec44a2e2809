/**
 * The last line of the log: how the run ended and what it left running, for whoever reads only the end of a long
 * log (issue 20.6). The summary has the detail; this line is the answer.
 */
import { formatDuration } from '../format/duration.js'
import type { RunReport } from './run-report.js'
import { liveRow, workloadName } from '../rollback/live-revision.js'
import { strategyNamed } from '../strategies/registry.js'

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet'])

/** At most `limit` names, then how many more, so that the line stays one line. */
function names(list: string[], limit = 3): string {
  if (list.length <= limit) return list.join(', ')
  return `${list.slice(0, limit).join(', ')} and ${list.length - limit} more`
}

/** An error's first line; a heading line ("Rollout failed:", "... 2 problems; nothing was applied:") with the next one. */
const firstLine = (text: string, limit = 200): string => {
  const lines = text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
  const line =
    lines.length > 1 && /[:]$/.test(lines[0]) ? `${lines[0]} ${lines[1].replace(/^- /, '')}` : (lines[0] ?? '')
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line
}

function imagesPart(report: RunReport): string {
  if (report.images.length === 0) return ''
  return ` (image${report.images.length === 1 ? '' : 's'} ${names(
    report.images.map(i => i.reference),
    2
  )})`
}

/** What a successful run did, by mode. */
function successDetail(report: RunReport): string {
  if (report.mode === 'build')
    return report.images.length > 0
      ? `${names(
          report.images.map(i => i.reference),
          2
        )} ${report.dryRun ? 'built' : 'pushed'}`
      : 'nothing built'
  if (report.mode === 'history') {
    const histories = report.history ?? []
    return histories.length === 0
      ? 'no history'
      : `history of ${names(histories.map(h => `${workloadName(h)} (${h.rows.length} revision${h.rows.length === 1 ? '' : 's'})`))}`
  }
  if (report.mode === 'rollback' && report.history && report.history.length > 0) {
    const live = report.history.map(h => {
      const row = liveRow(h)
      return row
        ? `${workloadName(h)} at revision ${row.revision}${row.commit ? ` (commit ${row.commit.slice(0, 7)})` : ''}`
        : `${workloadName(h)} (none live)`
    })
    return `live: ${names(live)}`
  }
  if (report.mode === 'plan' && report.plan) {
    const changed = report.resources.filter(r => r.action !== 'unchanged').length
    const drifted = report.plan.drift.length
    return `${changed} of ${report.resources.length} object${report.resources.length === 1 ? '' : 's'} would change, ${report.plan.wouldRoll.length} workload${report.plan.wouldRoll.length === 1 ? '' : 's'} would roll${drifted > 0 ? `, ${drifted} drifted since release ${report.plan.sinceRelease}` : ''}`
  }
  const traffic = report.traffic && strategyNamed(report.traffic.strategy).resultDetail(report.traffic)
  if (traffic) return `${traffic}${imagesPart(report)}`
  if (report.dryRun) {
    const changed = report.applied.filter(a => a.changes.length > 0).length
    return `${changed} of ${report.applied.length} object${report.applied.length === 1 ? '' : 's'} would change${imagesPart(report)}`
  }
  const rolled = report.waits
    .filter(w => w.state === 'succeeded' && workloadKinds.has(w.item.kind))
    .map(w => `${w.item.kind.toLowerCase()}/${w.item.name}`)
  if (rolled.length > 0) return `${names(rolled)} rolled out${imagesPart(report)}`
  const unchanged = report.resources.filter(r => r.action === 'unchanged').length
  return `${report.resources.length} object${report.resources.length === 1 ? '' : 's'} applied${unchanged > 0 ? ` (${unchanged} unchanged)` : ''}${imagesPart(report)}`
}

/** The one line written at the end of the run, e.g. "build-and-deploy: succeeded in 12.3s — deployment/web rolled out (image r/web:0123abc…)". */
export function resultLine(report: RunReport): string {
  const head = `build-and-deploy${report.mode === 'deploy' ? '' : ` ${report.mode}`}: ${report.dryRun ? 'dry run ' : ''}${report.result} in ${formatDuration(report.durationMs)}`
  let detail: string
  if (report.result === 'succeeded') detail = successDetail(report)
  else if (report.result === 'rolled-back') {
    const restored = (report.rollback?.restored ?? [])
      .filter(r => r.plan.action === 'patch')
      .map(r => `${r.workload.kind.toLowerCase()}/${r.workload.name} to revision ${r.plan.revision}`)
    detail = `${restored.length > 0 ? `restored ${names(restored)}` : 'nothing restored'}${report.error ? `; ${firstLine(report.error)}` : ''}`
  } else detail = report.error ? firstLine(report.error) : report.result
  return `${head} — ${detail}`
}
