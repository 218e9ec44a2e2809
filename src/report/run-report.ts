import type { FieldChange } from '../plan/apply-plan.js'
import type { ReleaseRecord } from '../releases/record.js'
// What a run found and did, as plain data: filled in by the mode runners, read by the summary and the outputs.
// Each part's type lives with the code that fills it; this module only composes them.
import type { BuiltImage } from '../build/build-step.js'
import type { HookOutcome } from '../deploy/hooks.js'
import type { AppliedObject } from '../deploy/apply.js'
import type { ResourceReport, RollbackReport } from '../deploy/deploy-result.js'
import type { WaitOutcome } from '../status/wait.js'
import type { WorkloadHistory } from '../rollback/rollback-plan.js'
import type { TrafficReport } from '../strategies/traffic.js'

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

/** One object the cluster no longer holds as the last release left it. */
export interface Drift {
  kind: string
  namespace?: string
  name: string
  changes: FieldChange[]
}

/** mode plan's own findings, beside the dry run's applied objects and prune candidates. */
export interface PlanReport {
  wouldRoll: string[]
  /** The release drift is measured against; undefined when none is recorded. */
  sinceRelease?: number
  drift: Drift[]
  /** The sticky pull-request comment, when one was written. */
  comment?: 'created' | 'updated'
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
  /** The release record this run wrote (name and number). */
  release?: { name: string; number: number }
  /** mode plan: what would roll, and what drifted since the last release. */
  plan?: PlanReport
  /** mode history: the target's release records, oldest first. */
  releases?: ReleaseRecord[]
  hooks?: HookOutcome[]
  error?: string
  durationMs: number
}
