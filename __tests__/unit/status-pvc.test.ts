import { describe, expect, it } from '@jest/globals'
import type { WorkloadObject } from '../../src/status/reader.js'
import { rolloutVerdict } from '../../src/status/readers.js'
import { persistentVolumeClaimReader } from '../../src/status/pvc.js'

describe('PersistentVolumeClaims', () => {
  const pvc = (phase: string | undefined): WorkloadObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data' },
    status: phase ? { phase } : {}
  })
  it.each([
    { object: pvc('Bound'), bindingMode: 'Immediate', state: 'done' },
    { object: pvc('Pending'), bindingMode: 'Immediate', state: 'progressing' },
    { object: pvc('Pending'), bindingMode: undefined, state: 'progressing' },
    { object: pvc('Pending'), bindingMode: 'WaitForFirstConsumer', state: 'done' },
    { object: pvc('Lost'), bindingMode: 'Immediate', state: 'failed' }
  ])('$object.kind $object.status → $state', ({ object, bindingMode, state }) => {
    expect(rolloutVerdict(object, { ageMs: 0, bindingMode }).state).toBe(state)
  })

  it.each([
    ['Bound', 'Immediate', { state: 'done', message: 'persistentvolumeclaim/data is bound' }],
    ['Lost', 'Immediate', { state: 'failed', message: 'persistentvolumeclaim/data lost its volume' }],
    [
      'Pending',
      'WaitForFirstConsumer',
      {
        state: 'done',
        message: 'persistentvolumeclaim/data waits for its first consumer (WaitForFirstConsumer)',
        note: 'waits for its first consumer'
      }
    ],
    ['Pending', undefined, { state: 'progressing', message: 'persistentvolumeclaim/data: reading its StorageClass' }],
    ['Pending', 'unknown', { state: 'progressing', message: 'persistentvolumeclaim/data: Pending, not bound yet' }]
  ])('%s with binding mode %s', (phase, bindingMode, expected) => {
    expect(rolloutVerdict(pvc(phase), { ageMs: 0, bindingMode })).toEqual(expected)
  })

  it('asks the wait for its StorageClass binding mode', () => {
    expect(persistentVolumeClaimReader.reads).toBe('storageClassBindingMode')
  })
})
