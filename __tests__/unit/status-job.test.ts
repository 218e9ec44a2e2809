import { describe, expect, it } from '@jest/globals'
import type { WorkloadObject } from '../../src/status/reader.js'
import { rolloutVerdict } from '../../src/status/readers.js'
import { jobReader } from '../../src/status/job.js'

describe('Job (kstatus: Complete / Failed conditions)', () => {
  const job = (conditions: unknown[]): WorkloadObject => ({
    kind: 'Job',
    metadata: { name: 'migrate' },
    status: { conditions, active: 1 }
  })
  it.each([
    [job([]), 'progressing'],
    [job([{ type: 'Complete', status: 'True' }]), 'done'],
    [job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }]), 'failed']
  ])('job %#', (object, state) => {
    expect(rolloutVerdict(object).state).toBe(state)
  })

  it.each([
    [
      {
        type: 'Failed',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit'
      },
      'job/migrate failed: BackoffLimitExceeded (Job has reached the specified backoff limit)'
    ],
    [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }, 'job/migrate failed: DeadlineExceeded'],
    [{ type: 'Complete', status: 'True' }, 'job/migrate completed'],
    [{ type: 'Failed', status: 'False' }, 'job/migrate: 0 succeeded, 1 active, 0 failed']
  ])('%j says %s', (condition, message) => {
    expect(rolloutVerdict(job([condition])).message).toBe(message)
  })

  it('its pods never fail it fast; it is explained by its last pod, read by its job-name label', () => {
    expect(jobReader.pods?.failFast).toBe(false)
    expect(jobReader.pods?.explainedByLastPod?.('migrate')).toBe('batch.kubernetes.io/job-name=migrate')
    const pod = { metadata: { name: 'migrate-x', ownerReferences: [{ kind: 'Job', name: 'migrate' }] } }
    expect(jobReader.pods?.ownersOf(pod)).toEqual([{ kind: 'Job', name: 'migrate' }])
  })
})
