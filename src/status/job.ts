import { conditionsOf, num, ofKind, ownersOfKind, StatusReader, Verdict, WorkloadObject } from './reader.js'

/** Jobs follow kstatus: Complete=True is done, Failed=True is failed. */
export function jobVerdict(object: WorkloadObject): Verdict {
  const name = `job/${object.metadata.name}`
  const conditions = conditionsOf(object)
  const failed = conditions.find(c => c.type === 'Failed' && c.status === 'True')
  if (failed)
    return {
      state: 'failed',
      message: `${name} failed: ${failed.reason ?? ''}${failed.message ? ` (${failed.message})` : ''}`
    }
  if (conditions.some(c => c.type === 'Complete' && c.status === 'True'))
    return { state: 'done', message: `${name} completed` }
  const status = object.status ?? {}
  return {
    state: 'progressing',
    message: `${name}: ${num(status.succeeded)} succeeded, ${num(status.active)} active, ${num(status.failed)} failed`
  }
}

/**
 * Jobs, waited on when the workflow asks. A Job retries a failed pod up to its backoffLimit, so its pods never
 * fail it fast: its Failed condition does, explained by its last failed pod.
 */
export const jobReader: StatusReader = {
  supports: ofKind('Job'),
  waitable: (_object, choice) => choice.waitForJobs,
  verdict: jobVerdict,
  plural: 'jobs',
  pods: {
    failFast: false,
    ownersOf: pod => ownersOfKind('Job', pod),
    isNewRevision: async () => true,
    explainedByLastPod: name => `batch.kubernetes.io/job-name=${name}`
  }
}
