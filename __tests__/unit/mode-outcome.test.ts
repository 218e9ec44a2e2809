import { describe, expect, it } from '@jest/globals'
import { attempt } from '../../src/run/outcome.js'

describe('attempt', () => {
  it('keeps what the steps found before one threw, and turns the error into the failure', async () => {
    const outcome = await attempt(async o => {
      o.report.waits = []
      o.manifestsFile = '/tmp/manifests.yaml'
      throw new Error('the registry has no image for commit 0123abc')
    })
    expect(outcome).toEqual({
      report: { waits: [] },
      manifestsFile: '/tmp/manifests.yaml',
      failure: { message: 'the registry has no image for commit 0123abc' }
    })
  })

  it('takes a failure the steps return, and none when they return nothing', async () => {
    await expect(attempt(async () => ({ message: 'Rollout failed', result: 'rolled-back' }))).resolves.toEqual({
      report: {},
      failure: { message: 'Rollout failed', result: 'rolled-back' }
    })
    await expect(attempt(async () => undefined)).resolves.toEqual({ report: {}, failure: undefined })
  })
})
