import type { ModeFailure, ModeOutcome } from '../run-report.js'

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
