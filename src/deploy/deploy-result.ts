import type { ReleaseRecord } from '../releases/record.js'
// What a deploy did, as plain data for the report and the outputs.
import type { AppliedObject } from './apply.js'
import type { Target } from '../plan/apply-plan.js'
import type { PrunedObject } from './applyset.js'
import type { HookOutcome } from './hooks.js'
import type { WaitOutcome } from '../status/wait.js'
import type { UndoResult } from '../rollback/undo.js'
import type { TrafficReport } from '../strategies/traffic.js'

export interface ResourceReport {
  kind: string
  namespace?: string
  name: string
  action: AppliedObject['action'] | 'pruned' | 'failed' | 'not applied'
  /** Why a member to prune was left (already gone, or replaced since it was listed), or who kept the scale. */
  note?: string
  rollout?: WaitOutcome['state']
  durationMs?: number
}

export interface RollbackReport {
  restored: UndoResult[]
  /** Objects this run created: deleted when rollback-delete-new, otherwise left and reported. */
  created: string[]
  deleted: boolean
  /** Objects this run changed that rollback does not restore (ConfigMaps, Services, ...). */
  notRestored: string[]
  waits: WaitOutcome[]
  /** From the moment the failure was known to the rolled-back workloads being available again. */
  durationMs: number
  succeeded: boolean
}

export interface DeployResult {
  applied: AppliedObject[]
  waits: WaitOutcome[]
  rollback?: RollbackReport
  traffic?: TrafficReport
  /** Why a strategy did not switch traffic although every rollout succeeded (its health gate failed). */
  strategyFailure?: string
  /** Members of the ApplySet deleted (or, in a dry run, that would be) because the manifests dropped them. */
  pruned: PrunedObject[]
  /** Hooks and phase steps run (or, in a dry run, that would run), in order. */
  hooks?: HookOutcome[]
  /** Why a post-deploy hook failed the step after the rollout succeeded. */
  hookFailure?: string
  /** A write failed after validation passed: its message, and the objects not written (failed, or not tried). */
  writeFailure?: { message: string; unwritten: Array<{ target: Target; fate: 'failed' | 'not applied' }> }
  /** The cluster and namespace the deploy went to. */
  target?: { server?: string; context?: string; namespace?: string }
  /** The runner cancelled the run: the wait stopped (or never began). */
  cancelled?: boolean
  /** The release record written after it (succeeded or rolled back), when history-max allows one. */
  release?: ReleaseRecord
}

/** One row per object applied or pruned, with its rollout's state and time. */
export function resourceReports(
  applied: AppliedObject[],
  waits: WaitOutcome[],
  pruned: PrunedObject[] = []
): ResourceReport[] {
  const reports = applied.map((a): ResourceReport => {
    const o = a.target.object
    const wait = waits.find(
      w => w.item.kind === o.kind && w.item.name === o.metadata.name && w.item.namespace === o.metadata.namespace
    )
    const note =
      [a.scaleOwners ? `scale left to ${a.scaleOwners.join(', ')}` : undefined, wait?.note]
        .filter(Boolean)
        .join('; ') || undefined
    return {
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      action: a.action,
      ...(note ? { note } : {}),
      rollout: wait?.state,
      durationMs: wait?.durationMs
    }
  })
  for (const p of pruned)
    reports.push({
      kind: p.kind,
      namespace: p.namespace,
      name: p.name,
      action: 'pruned',
      ...(p.skipped ? { note: p.skipped } : {})
    })
  return reports
}
