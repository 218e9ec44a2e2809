import { describe, expect, it } from '@jest/globals'
import { rolloutVerdict } from '../../src/status/readers.js'
import { statefulSetReader } from '../../src/status/statefulset.js'
import { variant } from './recorded-status.js'

describe('StatefulSet', () => {
  it.each([
    [
      'complete (partition 0 defaulted)',
      {},
      'done',
      'statefulset/db: partitioned roll out complete: 2 new pods have been updated'
    ],
    [
      'never observed',
      { 'status.observedGeneration': 0 },
      'progressing',
      'statefulset/db: waiting for the spec update to be observed'
    ],
    ['not ready', { 'status.readyReplicas': 1 }, 'progressing', 'statefulset/db: 1 of 2 pods are ready'],
    [
      'partition 1, one updated',
      { 'spec.updateStrategy.rollingUpdate.partition': 1, 'status.updatedReplicas': 1 },
      'done',
      'statefulset/db: partitioned roll out complete: 1 new pods have been updated'
    ],
    [
      'partition 0, one updated',
      { 'status.updatedReplicas': 1 },
      'progressing',
      'statefulset/db: 1 of 2 pods updated (partition 0)'
    ],
    [
      'no rollingUpdate: revisions differ',
      { 'spec.updateStrategy.rollingUpdate': undefined, 'status.updateRevision': 'db-new' },
      'progressing',
      'statefulset/db: waiting for the update to revision db-new to complete'
    ],
    [
      'OnDelete',
      { 'spec.updateStrategy': { type: 'OnDelete' } },
      'failed',
      'statefulset/db: rollout status is only available for RollingUpdate strategy type'
    ]
  ])('%s', (_, changes, state, message) => {
    expect(rolloutVerdict(variant('statefulset-complete', changes))).toEqual({ state, message })
  })

  it('with no rollingUpdate and equal revisions is done', () => {
    const verdict = rolloutVerdict(variant('statefulset-complete', { 'spec.updateStrategy.rollingUpdate': undefined }))
    expect(verdict.state).toBe('done')
    expect(verdict.message).toMatch(/rolling update complete 2 pods at revision db-/)
  })
})

describe('StatefulSet pods of the new revision', () => {
  const set = (generation: number, observedGeneration: number, updateRevision?: string) => ({
    kind: 'StatefulSet',
    metadata: { name: 'db', generation },
    status: { observedGeneration, updateRevision }
  })
  const pod = (hash: string) => ({
    metadata: {
      name: 'db-0',
      labels: { 'controller-revision-hash': hash },
      ownerReferences: [{ kind: 'StatefulSet', name: 'db' }]
    }
  })
  const lookup = { replicaSetRevision: async () => undefined }
  it.each([
    ['labelled with the updateRevision', set(2, 2, 'db-new'), pod('db-new'), true],
    ['labelled with an older revision', set(2, 2, 'db-new'), pod('db-old'), false],
    ['the spec is not observed yet', set(3, 2, 'db-new'), pod('db-new'), false],
    ['no updateRevision yet', set(2, 2), pod('db-new'), false]
  ])('%s', async (_, object, candidate, expected) => {
    expect(await statefulSetReader.pods!.isNewRevision(object, candidate, lookup)).toBe(expected)
    expect(statefulSetReader.pods!.ownersOf(candidate)).toEqual([{ kind: 'StatefulSet', name: 'db' }])
  })
})
