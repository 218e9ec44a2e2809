import { describe, expect, it } from '@jest/globals'
import { daemonSetReader } from '../../src/status/daemonset.js'
import { rolloutVerdict } from '../../src/status/readers.js'
import { variant } from './recorded-status.js'

describe('DaemonSet', () => {
  it.each([
    ['complete', {}, 'done', 'daemonset/agent successfully rolled out'],
    [
      'not observed',
      { 'metadata.generation': 3 },
      'progressing',
      'daemonset/agent: waiting for the spec update to be observed'
    ],
    [
      'scheduling',
      { 'status.updatedNumberScheduled': 1 },
      'progressing',
      'daemonset/agent: 1 of 3 updated pods have been scheduled'
    ],
    [
      'not available',
      { 'status.numberAvailable': 2 },
      'progressing',
      'daemonset/agent: 2 of 3 updated pods are available'
    ],
    [
      'OnDelete',
      { 'spec.updateStrategy': { type: 'OnDelete' } },
      'failed',
      'daemonset/agent: rollout status is only available for RollingUpdate strategy type'
    ]
  ])('%s', (_, changes, state, message) => {
    expect(rolloutVerdict(variant('daemonset-complete', changes))).toEqual({ state, message })
  })
})

describe('DaemonSet pods of the new revision', () => {
  const set = { kind: 'DaemonSet', metadata: { name: 'agent', generation: 4 } }
  const pod = (generation: string) => ({
    metadata: {
      name: 'agent-x',
      labels: { 'pod-template-generation': generation },
      ownerReferences: [{ kind: 'DaemonSet', name: 'agent' }]
    }
  })
  const lookup = { replicaSetRevision: async () => undefined }
  it.each([
    ['4', true],
    ['3', false]
  ])('pod-template-generation %s → %s', async (generation, expected) => {
    expect(await daemonSetReader.pods!.isNewRevision(set, pod(generation), lookup)).toBe(expected)
  })
  it('belongs to the DaemonSet its owner reference names', () => {
    expect(daemonSetReader.pods!.ownersOf(pod('4'))).toEqual([{ kind: 'DaemonSet', name: 'agent' }])
  })
})
