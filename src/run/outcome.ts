import type { RunReport } from '../report/run-report.js'

/** Why a mode failed, and how the run ended when that is more than failed. */
export interface ModeFailure {
  message: string
  result?: 'rolled-back' | 'cancelled'
}

/** What a mode found and did, as far as it got, and why it failed if it did: main reports it once. */
export interface ModeOutcome {
  report: Partial<
    Pick<
      RunReport,
      | 'target'
      | 'images'
      | 'resources'
      | 'waits'
      | 'applied'
      | 'rollback'
      | 'traffic'
      | 'history'
      | 'hooks'
      | 'release'
      | 'releases'
      | 'plan'
    >
  >
  manifestsFile?: string
  failure?: ModeFailure
}

/**
 * Runs a mode's steps over the outcome they fill in; a step's error becomes the failure, and what the steps
 * before it found stays in the outcome.
 */
export async function attempt(steps: (outcome: ModeOutcome) => Promise<ModeFailure | void>): Promise<ModeOutcome> {
  const outcome: ModeOutcome = { report: {} }
  try {
    outcome.failure = (await steps(outcome)) ?? undefined
  } catch (error) {
    outcome.failure = { message: (error as Error).message }
  }
  return outcome
}
