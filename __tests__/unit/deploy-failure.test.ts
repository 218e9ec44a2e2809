import { describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'
import type { DeployResult, RollbackReport } from '../../src/deploy/deploy-result.js'
import type { WaitOutcome } from '../../src/status/wait.js'

jest.unstable_mockModule('@actions/core', () => core)
const { deployFailure } = await import('../../src/deploy/deploy-step.js')

const failedWait = { state: 'failed', message: 'deployment/web: 0 of 2 pods ready' } as WaitOutcome
const rollback = (succeeded: boolean, revisions: number[]): RollbackReport => ({
  restored: revisions.map(revision => ({
    workload: { kind: 'Deployment', namespace: 'shop', name: 'web' },
    plan: { action: 'patch', revision }
  })) as RollbackReport['restored'],
  created: [],
  deleted: false,
  notRestored: [],
  waits: succeeded ? [] : [failedWait],
  durationMs: 1,
  succeeded
})
const result = (rest: Partial<DeployResult>): DeployResult => ({ applied: [], waits: [], pruned: [], ...rest })

describe('deployFailure', () => {
  it.each([
    ['succeeded', result({}), undefined],
    [
      'rolled back',
      result({ waits: [failedWait], rollback: rollback(true, [4]) }),
      {
        result: 'rolled-back',
        message: 'Rollout failed:\ndeployment/web: 0 of 2 pods ready\nRolled back: deployment/web to revision 4.'
      }
    ],
    [
      'nothing to roll back',
      result({ waits: [failedWait], rollback: rollback(true, []) }),
      {
        message:
          'Rollout failed:\ndeployment/web: 0 of 2 pods ready\nNothing to roll back: no workload this run changed had an earlier revision.'
      }
    ],
    [
      'rollback unfinished',
      result({ waits: [failedWait], rollback: rollback(false, [4]) }),
      {
        message:
          'Rollout failed:\ndeployment/web: 0 of 2 pods ready\nThe rollback did not complete: deployment/web: 0 of 2 pods ready'
      }
    ],
    [
      'cancelled, being restored',
      result({ waits: [failedWait], rollback: rollback(false, [4]), cancelled: true }),
      {
        result: 'cancelled',
        message:
          'Cancelled after the apply, with 1 rollout unfinished.\ndeployment/web: 0 of 2 pods ready\nThe workloads this run changed are being restored (rollback-on-cancel): deployment/web to revision 4.'
      }
    ],
    [
      'cancelled, left',
      result({ cancelled: true }),
      {
        result: 'cancelled',
        message: 'Cancelled after the apply.\nWhat was applied stays as it is (rollback-on-cancel: false).'
      }
    ],
    [
      'post hook',
      result({ hookFailure: 'post-deploy hook job/smoke failed' }),
      { message: 'post-deploy hook job/smoke failed' }
    ]
  ] as const)('%s', (_, deployed, failure) => {
    expect(deployFailure(deployed)).toEqual(failure)
  })
})
