import * as core from '@actions/core'
import { plannedSubstitutions } from '../build/build-step.js'
import { deployManifests, readManifests } from '../deploy/deploy-step.js'
import type { AppliedObject } from '../deploy/apply.js'
import type { SourcedObject } from '../manifests/documents.js'
import { driftOf } from './plan-drift.js'
import { readReleasesOfTarget } from '../releases/record-step.js'
import type { Drift, PlanReport } from '../report/run-report.js'
import { withCluster } from '../run/context.js'
import type { Settings } from '../settings/types.js'
import { attempt, ModeOutcome } from '../run/outcome.js'
import { withEarlyConnection } from './deploy.js'
import { dryRunChanges, planSection } from '../report/summary.js'
import { fenced } from '../format/markdown.js'
import { upsertPlanComment } from '../github/pr-comment.js'

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet'])

/** The workloads whose pods a deploy would replace: a changed pod template, or a new workload. */
export function wouldRoll(applied: AppliedObject[]): string[] {
  return applied
    .filter(a => workloadKinds.has(a.target.object.kind))
    .filter(a => a.action === 'created' || a.changes.some(change => change.path.startsWith('spec.template')))
    .map(
      a =>
        `${a.target.object.kind.toLowerCase()}/${a.target.object.metadata.name}${a.action === 'created' ? ' (new)' : ''}`
    )
}

/** What changed in the cluster since the last successful release, field by field, object by object. */
async function driftSinceLastRelease(
  settings: Settings,
  objects: SourcedObject[]
): Promise<Pick<PlanReport, 'drift' | 'sinceRelease'> & { namespace?: string }> {
  const releases = await readReleasesOfTarget(settings, objects)
  const last = releases?.records.filter(record => record.result === 'succeeded').at(-1)
  if (!last) return { drift: [], namespace: releases?.namespace }
  const drift = await withCluster(settings, ({ kube }) =>
    Promise.all(
      last.objects.map(async (recorded): Promise<Drift | undefined> => {
        const { kind, apiVersion, metadata } = recorded
        const named = `${kind}/${metadata.name}`
        // One object that cannot be read (no get on it) leaves the rest of the plan standing.
        try {
          const live = await kube.get<typeof recorded>({
            apiVersion,
            kind,
            namespace: metadata.namespace,
            name: metadata.name
          })
          return {
            kind,
            namespace: metadata.namespace,
            name: metadata.name,
            changes: driftOf(recorded, live, settings.fieldManager)
          }
        } catch (error) {
          core.warning(`Drift of ${named} not checked: ${(error as Error).message}`)
          return undefined
        }
      })
    )
  )
  return {
    sinceRelease: last.number,
    namespace: releases?.namespace,
    drift: drift.filter((d): d is Drift => d !== undefined && d.changes.length > 0)
  }
}

/** A comment holds 65,536 characters; the summary keeps the whole diff. */
const commentLimit = 60_000
const truncated = (body: string): string =>
  body.length <= commentLimit
    ? body
    : `${body.slice(0, commentLimit)}\n\n… cut here: the job summary has the whole plan.`

/**
 * mode plan, for pull requests: the manifests rendered and patched as a deploy would (the images as they would be
 * tagged, nothing built), dry-run against the live cluster with strict validation; what would change, roll and be
 * pruned, and what drifted since the last release; in the summary and one pull-request comment. Writes nothing to the
 * cluster or the registry.
 */
export const runPlan = (settings: Settings, cancel: AbortSignal): Promise<ModeOutcome> =>
  withEarlyConnection(true, settings, kube =>
    attempt(async outcome => {
      const manifests = await readManifests(settings, plannedSubstitutions(settings), kube)
      outcome.manifestsFile = manifests.file
      // A refused dry run (a field conflict, a bad field) fails the plan as it would fail the deploy, after the drift.
      let refused: Error | undefined
      const dryRun = await deployManifests({ ...settings, dryRun: true }, manifests, kube, cancel).catch(
        (error: Error) => {
          refused = error
          return undefined
        }
      )
      Object.assign(outcome.report, dryRun?.report)
      // Drift also when the dry run fails: a hand edit is often why (another manager owns the field now).
      const { namespace, ...found } =
        settings.releases.historyMax > 0 ? await driftSinceLastRelease(settings, manifests.objects) : { drift: [] }
      const plan: PlanReport = { wouldRoll: wouldRoll(outcome.report.applied ?? []), ...found }
      outcome.report.plan = plan
      for (const line of planLogLines(plan)) core.info(line)
      const shown = {
        resources: outcome.report.resources ?? [],
        applied: outcome.report.applied ?? [],
        dryRun: true,
        plan
      }
      const failure = refused?.message ?? dryRun?.failure?.message
      const body = [
        `## build-and-deploy plan: \`${settings.releases.name}\` at \`${settings.run.sha.slice(0, 12)}\``,
        '',
        // A refused plan replaces the last good one in the comment: a stale comment would say the merge is fine.
        ...(failure ? ['**The deploy would fail:**', '', ...fenced('', failure.split('\n')), ''] : []),
        ...planSection(shown),
        ...dryRunChanges(shown)
      ].join('\n')
      const target = `${settings.releases.name} in ${namespace ?? outcome.report.target?.namespace ?? settings.namespace ?? 'default'}`
      plan.comment = (await upsertPlanComment(truncated(body), target, settings.githubToken))?.action
      if (refused || !dryRun) throw refused
      if (dryRun.failure) return dryRun.failure
      return undefined
    })
  )

function planLogLines(plan: PlanReport): string[] {
  const lines = [`Would roll: ${plan.wouldRoll.join(', ') || 'nothing'}.`]
  if (plan.sinceRelease === undefined) lines.push('Drift: no release recorded yet to compare with.')
  else if (plan.drift.length === 0) lines.push(`Drift since release ${plan.sinceRelease}: none.`)
  else {
    lines.push(`Drift since release ${plan.sinceRelease} (changed in the cluster by hand or by another manager):`)
    for (const d of plan.drift)
      for (const change of d.changes)
        lines.push(`  ${d.kind}/${d.name}: ${change.path}: ${change.from ?? '(absent)'} → ${change.to ?? '(absent)'}`)
  }
  return lines
}
