import { formatDuration } from '../format/duration.js'
import { AppliedObject } from '../deploy/apply.js'
import { takeoverSummary } from '../deploy/takeover.js'
import { BuiltImage } from '../build/build-step.js'
import type { RunReport } from './run-report.js'
import { formatDiagnosis } from '../status/diagnosis-lines.js'
import { code, fenced, html, inline as cell } from '../format/markdown.js'
import { liveRow, workloadName } from '../rollback/live-revision.js'
import { annotationKeys } from '../manifests/annotate.js'
import { strategyNamed } from '../strategies/registry.js'
import { changeSummary } from '../releases/record.js'

/** The built-images output: every image of the run by name, for fromJSON(...).<name>.imageRef in a workflow. */
export function builtImagesOutput(
  images: BuiltImage[]
): Record<string, { image: string; digest: string | null; imageRef: string | null; tags: string[]; reused: boolean }> {
  return Object.fromEntries(
    images.map(image => [
      image.name,
      {
        image: image.reference,
        digest: image.digest ?? null,
        imageRef: image.digest ? `${image.repository}@${image.digest}` : null,
        tags: image.tags.all.map(tag => `${image.repository}:${tag}`),
        reused: image.reused
      }
    ])
  )
}

/** The containers' images of a workload's pod template (a CronJob's, a Pod's own). */
function templateImages(object: { kind: string; spec?: unknown } | undefined): string[] {
  const spec = object?.spec as
    | ({ template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } & PodSpec)
    | undefined
  const pod =
    object?.kind === 'Pod'
      ? spec
      : object?.kind === 'CronJob'
        ? spec?.jobTemplate?.spec?.template?.spec
        : spec?.template?.spec
  return (pod?.containers ?? []).map(c => c.image ?? '')
}
interface PodSpec {
  containers?: Array<{ image?: string }>
}

/** A workload's images, `before → after` where this run changed them, as a summary cell. */
function imageChange(applied: AppliedObject | undefined): string {
  const after = templateImages(applied?.result)
  if (after.length === 0) return ''
  const before = templateImages(applied?.before)
  return after
    .map((image, i) =>
      before[i] && before[i] !== image
        ? `${code(shortImage(before[i]))} → ${code(shortImage(image))}`
        : code(shortImage(image))
    )
    .join('<br>')
}

/** An image reference with a commit-long tag cut to 12 characters, so that the table stays readable. */
const shortImage = (image: string): string =>
  image.replace(/:([0-9a-f]{40})(@|$)/, (_, tag: string, end: string) => `:${tag.slice(0, 12)}${end}`)

/** A revision a rollback went to, with the image and commit it brings back, so that "revision 4" says what it is. */
function restoredRevision(plan: {
  revision: number
  template?: { metadata?: { annotations?: Record<string, string> }; spec?: unknown }
}): string {
  const images = templateImages({ kind: 'Pod', spec: plan.template?.spec }).map(image => code(shortImage(image)))
  const commit = plan.template?.metadata?.annotations?.[annotationKeys.commit]
  return [
    `revision ${cell(plan.revision)}`,
    images.length > 0 ? `: ${images.join(', ')}` : '',
    commit ? ` (commit ${code(commit.slice(0, 12))})` : ''
  ].join('')
}

/** One line under the heading: the commit, where it went (cluster, context, namespace) and how (strategy). */
export function targetLine(report: RunReport): string | undefined {
  const t = report.target
  if (!t) return undefined
  const parts = [
    t.commit ? `**Commit** ${code(t.commit.slice(0, 12))}${t.ref ? ` (${code(t.ref)})` : ''}` : undefined,
    t.server ? `**Cluster** ${code(t.server)}${t.context ? ` (context ${code(t.context)})` : ''}` : undefined,
    t.namespace ? `**Namespace** ${code(t.namespace)}` : undefined,
    ['deploy', 'apply', 'promote'].includes(report.mode) && t.strategy ? `**Strategy** ${cell(t.strategy)}` : undefined
  ].filter(Boolean)
  return parts.length > 0 ? parts.join(' · ') : undefined
}

/** The job summary, as Markdown: what was built, what was applied, how each rollout went, and why it failed. */
export function renderSummary(report: RunReport): string {
  return [
    ...headline(report),
    ...imagesSection(report),
    ...resourcesSection(report),
    ...hooksSection(report),
    ...planSection(report),
    ...dryRunChanges(report),
    ...(report.traffic ? strategyNamed(report.traffic.strategy).summary(report.traffic) : []),
    ...rolloutProblems(report),
    ...liveRevisions(report),
    ...historySections(report),
    ...rollbackSection(report)
  ].join('\n')
}

function headline(report: RunReport): string[] {
  const out: string[] = []
  const icon =
    report.result === 'succeeded'
      ? '✅'
      : report.result === 'rolled-back'
        ? '↩️'
        : report.result === 'cancelled'
          ? '⏹️'
          : '❌'
  out.push(
    `## ${icon} build-and-deploy: ${report.dryRun ? 'dry run ' : ''}${report.result} in ${formatDuration(report.durationMs)}`,
    ''
  )
  const header = targetLine(report)
  if (header) out.push(header, '')
  // A diagnosis is shown once, under Rollout problems, not again in the error that repeats it for the log.
  const diagnosed = new Set(
    report.waits.flatMap(w => (w.state !== 'succeeded' && w.diagnosis ? formatDiagnosis(w.diagnosis) : []))
  )
  if (report.error)
    out.push(
      ...fenced('text', [
        report.error
          .split('\n')
          .filter(line => !diagnosed.has(line))
          .join('\n')
      ]),
      ''
    )
  return out
}

/** How the image came to be, and what its index holds: built or reused, signature, platforms, attestations. */
function buildCell(image: BuiltImage): string {
  const parts = [image.reused ? 'reused (tag existed)' : 'built']
  if (image.signature) parts.push(image.signature)
  if (image.platforms?.length) parts.push(`platforms ${image.platforms.join(', ')}`)
  if (image.attestations) parts.push(`attestations: ${image.attestations.join('; ') || 'none'}`)
  return parts.map(cell).join(', ')
}

function imagesSection(report: RunReport): string[] {
  const out: string[] = []
  if (report.images.length > 0) {
    out.push(
      report.images.length === 1 ? '### Image' : '### Images',
      '',
      '| Image | Tags | Digest | Build |',
      '| --- | --- | --- | --- |'
    )
    for (const image of report.images) {
      out.push(
        `| ${code(image.repository)} | ${image.tags.all.map(code).join(', ') || 'none (pushed by digest)'} | ${code(image.digest ?? 'not pushed')} | ${buildCell(image)} |`
      )
    }
    out.push('')
  }
  return out
}

/** What changed (or has something to say) in a table, with each workload's image before → after; the rest folded. */
function resourcesSection(report: RunReport): string[] {
  const out: string[] = []
  if (report.resources.length > 0) {
    const changed = report.resources.filter(
      r => r.action !== 'unchanged' || r.note || (r.rollout !== undefined && r.rollout !== 'succeeded')
    )
    const unchanged = report.resources.filter(r => !changed.includes(r))
    out.push('### Resources', '')
    if (changed.length > 0) {
      out.push('| Resource | Namespace | Apply | Rollout | Time | Image |', '| --- | --- | --- | --- | --- | --- |')
      for (const r of changed) {
        const images = imageChange(
          report.applied.find(
            a =>
              a.target.object.kind === r.kind &&
              a.target.object.metadata.name === r.name &&
              a.target.object.metadata.namespace === r.namespace
          )
        )
        out.push(
          `| ${cell(r.kind)}/${cell(r.name)} | ${cell(r.namespace ?? '')} | ${cell(r.action)}${report.dryRun ? ' (dry run)' : ''}${r.note ? ` (${cell(r.note)})` : ''} | ${cell(r.rollout)} | ${r.durationMs === undefined ? '' : formatDuration(r.durationMs)} | ${images} |`
        )
      }
      out.push('')
    }
    if (unchanged.length > 0) {
      out.push(
        `<details><summary>${unchanged.length} unchanged</summary>`,
        '',
        unchanged.map(r => `${cell(r.kind)}/${cell(r.name)}${r.namespace ? ` (${cell(r.namespace)})` : ''}`).join(', '),
        '',
        '</details>',
        ''
      )
    }
    const takeover = takeoverSummary(report.applied, report.dryRun)
    if (takeover) out.push(`${cell(takeover)}.`, '')
  }
  return out
}

function hooksSection(report: RunReport): string[] {
  const out: string[] = []
  if (report.hooks && report.hooks.length > 0) {
    out.push(
      '### Hooks',
      '',
      '| Step | Hook | Namespace | Declared by | Result | Time |',
      '| --- | --- | --- | --- | --- | --- |'
    )
    for (const h of report.hooks) {
      const result = `${h.state}${h.deleted ? ' (deleted)' : ''}`
      out.push(
        `| ${cell(h.phase)}-deploy, weight ${cell(h.weight)} | ${cell(h.kind)}/${cell(h.name)} | ${cell(h.namespace ?? '')} | ${cell(h.declaredAs)} | ${cell(result)} | ${h.durationMs === undefined ? '' : formatDuration(h.durationMs)} |`
      )
    }
    out.push('')
  }
  return out
}

export function dryRunChanges(report: Pick<RunReport, 'dryRun' | 'applied'>): string[] {
  const out: string[] = []
  if (report.dryRun) {
    const changed = report.applied.filter(a => a.changes.length > 0)
    if (changed.length > 0) {
      out.push('### Changes the apply would make', '')
      for (const item of changed) {
        const o = item.target.object
        const lines = item.changes
          .slice(0, 200)
          .flatMap(change => [
            ...(change.from !== undefined ? [`- ${change.path}: ${change.from}`] : []),
            ...(change.to !== undefined ? [`+ ${change.path}: ${change.to}`] : [])
          ])
        out.push(
          `<details><summary>${html(o.kind)}/${html(o.metadata.name)}: ${item.changes.length} field${item.changes.length === 1 ? '' : 's'}</summary>`,
          '',
          ...fenced('diff', lines),
          '</details>',
          ''
        )
      }
    }
  }
  return out
}

const objectList = (items: Array<{ kind: string; name: string }>): string =>
  items.map(r => `${cell(r.kind)}/${cell(r.name)}`).join(', ') || '–'

/** mode plan: what the deploy would do, what would roll, and what drifted since the last release. */
export function planSection(report: Pick<RunReport, 'resources' | 'plan'>): string[] {
  const plan = report.plan
  if (!plan) return []
  const by = (...actions: string[]) => report.resources.filter(r => actions.includes(r.action))
  const out = [
    '### Plan',
    '',
    '| | Objects |',
    '| --- | --- |',
    `| Would create | ${objectList(by('created'))} |`,
    `| Would change | ${objectList(by('configured', 'replaced'))} |`,
    `| Would prune | ${objectList(by('pruned'))} |`,
    `| Would roll | ${plan.wouldRoll.map(cell).join(', ') || '–'} |`,
    `| Unchanged | ${by('unchanged').length} |`,
    ''
  ]
  if (plan.sinceRelease === undefined) out.push('Drift: no release recorded yet to compare with.', '')
  else if (plan.drift.length === 0) out.push(`No drift since release ${plan.sinceRelease}.`, '')
  else {
    out.push(`**Drift** since release ${plan.sinceRelease}: changed in the cluster by hand or by another manager.`, '')
    const lines = plan.drift.flatMap(d =>
      d.changes.flatMap(change => [
        ...(change.from !== undefined ? [`- ${d.kind}/${d.name} ${change.path}: ${change.from}`] : []),
        ...(change.to !== undefined ? [`+ ${d.kind}/${d.name} ${change.path}: ${change.to}`] : [])
      ])
    )
    out.push(...fenced('diff', lines.slice(0, 200)), '')
  }
  return out
}

function rolloutProblems(report: RunReport): string[] {
  const out: string[] = []
  const failures = report.waits.filter(w => w.state !== 'succeeded')
  if (failures.length > 0) {
    out.push('### Rollout problems', '')
    for (const failure of failures) {
      const name = `${failure.item.kind.toLowerCase()}/${failure.item.name}`
      const message = failure.message.startsWith(`${name}: `) ? failure.message.slice(name.length + 2) : failure.message
      out.push(`- **${cell(name)}**: ${cell(message)}`)
      if (failure.diagnosis) out.push('', ...fenced('text', formatDiagnosis(failure.diagnosis)))
    }
    out.push('')
  }
  return out
}

function liveRevisions(report: RunReport): string[] {
  const out: string[] = []
  if (report.mode === 'rollback' && report.history && report.history.length > 0) {
    out.push(
      '### Rollback: live revisions',
      '',
      '| Workload | Revision | Image | Commit |',
      '| --- | --- | --- | --- |'
    )
    for (const history of report.history) {
      const live = liveRow(history)
      out.push(
        `| ${cell(workloadName(history))} | ${live ? cell(live.revision) : '(none live)'} | ${(live?.images ?? []).map(code).join('<br>')} | ${live?.commit ? code(live.commit.slice(0, 12)) : ''} |`
      )
    }
    out.push('')
  }
  return out
}

function releasesSection(report: RunReport): string[] {
  if (!report.releases) return []
  const out = ['### Releases', '']
  if (report.releases.length === 0) return [...out, 'None recorded yet.', '']
  out.push('| Release | Commit | Result | Time | Images | Changes |', '| --- | --- | --- | --- | --- | --- |')
  for (const release of [...report.releases].reverse())
    out.push(
      `| ${cell(release.number)} | ${code(release.commit.slice(0, 12))} | ${cell(release.result)} | ${cell(release.time)} | ${release.images.map(code).join('<br>')} | ${cell(changeSummary(release.changes))} |`
    )
  return [...out, '']
}

function historySections(report: RunReport): string[] {
  const out: string[] = [...releasesSection(report)]
  for (const { workload, rows } of report.history ?? []) {
    out.push(
      `### History of ${cell(workload.kind.toLowerCase())}/${cell(workload.name)} (${cell(workload.namespace)})`,
      ''
    )
    out.push('| Revision | Commit | Image | Change cause | Created | Live |', '| --- | --- | --- | --- | --- | --- |')
    for (const row of rows) {
      out.push(
        `| ${cell(row.revision)} | ${row.commit ? code(row.commit.slice(0, 12)) : ''} | ${row.images.map(code).join('<br>')} | ${cell(row.changeCause)} | ${cell(row.created)} | ${row.live ? '✅ live' : ''} |`
      )
    }
    out.push('')
  }
  return out
}

function rollbackSection(report: RunReport): string[] {
  const out: string[] = []
  if (report.rollback) {
    const rollback = report.rollback
    out.push(
      `### Rollback ${rollback.succeeded ? 'completed' : 'did not complete'} in ${formatDuration(rollback.durationMs)}`,
      ''
    )
    out.push('| Workload | Restored to | Rollout |', '| --- | --- | --- |')
    for (const r of rollback.restored) {
      const wait = rollback.waits.find(
        w =>
          w.item.kind === r.workload.kind &&
          w.item.name === r.workload.name &&
          w.item.namespace === r.workload.namespace
      )
      out.push(
        `| ${cell(r.workload.kind)}/${cell(r.workload.name)} | ${r.plan.action === 'skip' ? cell(r.plan.reason) : restoredRevision(r.plan)} | ${cell(wait?.state)} |`
      )
    }
    out.push('')
    if (rollback.created.length > 0)
      out.push(
        `Created by this run${rollback.deleted ? ' and deleted again' : ', left in place (rollback-delete-new: false)'}: ${rollback.created.map(cell).join(', ')}.`,
        ''
      )
    if (rollback.notRestored.length > 0)
      out.push(
        `Changed by this run and not restored (rollback restores workloads only): ${rollback.notRestored.map(cell).join(', ')}.`,
        ''
      )
  }
  return out
}
