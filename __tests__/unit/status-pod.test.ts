import { describe, expect, it } from '@jest/globals'
import type { WorkloadObject } from '../../src/status/reader.js'
import { rolloutVerdict } from '../../src/status/readers.js'
import { podReader } from '../../src/status/pod.js'
import { recorded } from './recorded-status.js'

describe('Pod', () => {
  it('pods', () => {
    expect(rolloutVerdict({ ...(recorded('pod-never-ready') as WorkloadObject), kind: 'Pod' }).state).toBe(
      'progressing'
    )
    expect(rolloutVerdict({ kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Succeeded' } }).state).toBe('done')
  })

  it.each([
    [{ phase: 'Succeeded' }, { state: 'done', message: 'pod/p succeeded' }],
    [{ phase: 'Failed' }, { state: 'failed', message: 'pod/p failed' }],
    [
      { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      { state: 'done', message: 'pod/p is ready' }
    ],
    [
      { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
      { state: 'progressing', message: 'pod/p: Running, not ready' }
    ],
    [{}, { state: 'progressing', message: 'pod/p: Pending, not ready' }]
  ])('%j', (status, expected) => {
    expect(rolloutVerdict({ kind: 'Pod', metadata: { name: 'p' }, status } as WorkloadObject)).toEqual(expected)
  })

  it('is its own pod, judged from the pod watch', () => {
    expect(podReader.pods?.ownersOf({ metadata: { name: 'p' } })).toEqual([{ kind: 'Pod', name: 'p' }])
    expect(podReader.pods?.isThePod).toBe(true)
  })
})
