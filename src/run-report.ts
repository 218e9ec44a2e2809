// What a run found and did, as plain data: filled in by the steps, read by the report and the outputs.
// A leaf module (types only), so the steps and the report need not import each other.
import type { BuiltImage } from './build/build-step.js'
import type { AppliedObject } from './deploy/apply.js'
import type { Target } from './deploy/apply-plan.js'
import type { PrunedObject } from './deploy/applyset.js'
import type { HookOutcome } from './deploy/hooks.js'
import type { WaitOutcome } from './status/wait.js'
import type { HistoryRow } from './rollback/rollback-plan.js'
import type { UndoResult, WorkloadRef } from './rollback/undo.js'
import type { CanaryStage } from './strategies/canary-plan.js'

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

/** Where traffic went under a strategy other than rolling. */
export type TrafficReport =
  | {
      strategy: 'blue-green'
      /** The colour the Services selected before the run, and after it. */
      before?: 'blue' | 'green'
      after?: 'blue' | 'green'
      services: string[]
      switched: boolean
      /** The Deployments written in the new colour, and those behind a Service applied as rolling (unchanged or pinned). */
      coloured?: string[]
      rolling?: string[]
      /** Services this run created for the new colour and deleted with it: nothing serves through them. */
      deletedServices?: string[]
    }
  | {
      strategy: 'canary'
      stage: CanaryStage
      /** The canaries' share of the pods, and the weight their canary Ingresses got. */
      replicaPercent: number
      weight: number
      canaries: Array<{ name: string; replicas: number; stable: string; stableReplicas: number }>
      /** Objects the canary added (Deployments, canary Services and Ingresses), or deleted on promote and abort. */
      added: string[]
      /** canary-percent, and the Deployments behind a Service applied as rolling (unchanged or pinned). */
      percent?: number
      rolling?: string[]
    }

/** What the summary's header names: the commit deployed and where it went. */
export interface RunTarget {
  commit?: string
  ref?: string
  strategy?: string
  /** The API server and kubeconfig context, once connected. */
  server?: string
  context?: string
  namespace?: string
}

export interface RunReport {
  result: 'succeeded' | 'failed' | 'rolled-back' | 'cancelled'
  mode: string
  target?: RunTarget
  dryRun: boolean
  images: BuiltImage[]
  resources: ResourceReport[]
  waits: WaitOutcome[]
  applied: AppliedObject[]
  rollback?: RollbackReport
  traffic?: TrafficReport
  history?: WorkloadHistory[]
  hooks?: HookOutcome[]
  error?: string
  durationMs: number
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
  target?: Pick<RunTarget, 'server' | 'context' | 'namespace'>
  /** The runner cancelled the run: the wait stopped (or never began). */
  cancelled?: boolean
}

export interface WorkloadHistory {
  workload: WorkloadRef
  rows: HistoryRow[]
}

