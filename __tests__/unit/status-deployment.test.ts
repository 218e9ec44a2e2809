import { describe, expect, it } from '@jest/globals'
import type { WorkloadObject } from '../../src/status/reader.js'
import { deploymentReader } from '../../src/status/deployment.js'
import { rolloutVerdict } from '../../src/status/readers.js'
import { recorded, variant } from './recorded-status.js'

describe('Deployment (kubectl rules, in order)', () => {
  it.each([
    ['complete', {}, 'done', 'deployment/web successfully rolled out'],
    [
      'spec not yet observed',
      { 'metadata.generation': 2 },
      'progressing',
      'deployment/web: waiting for the spec update to be observed'
    ],
    [
      'updating',
      { 'status.updatedReplicas': 1 },
      'progressing',
      'deployment/web: 1 of 3 new replicas have been updated'
    ],
    [
      'old pods terminating',
      { 'status.replicas': 4 },
      'progressing',
      'deployment/web: 1 old replicas are pending termination'
    ],
    [
      'not available yet',
      { 'status.availableReplicas': 2 },
      'progressing',
      'deployment/web: 2 of 3 updated replicas are available'
    ],
    ['readyReplicas is not consulted', { 'status.readyReplicas': 0 }, 'done', 'deployment/web successfully rolled out'],
    [
      'scaled to zero',
      { 'spec.replicas': 0, 'status.replicas': 0, 'status.updatedReplicas': 0, 'status.availableReplicas': 0 },
      'done',
      'deployment/web successfully rolled out'
    ],
    [
      'paused mid-update',
      { 'spec.paused': true, 'status.updatedReplicas': 1 },
      'failed',
      'deployment/web is paused with an update pending; resume it (kubectl rollout resume deployment/web) to roll out'
    ],
    ['paused, nothing pending', { 'spec.paused': true }, 'done', 'deployment/web successfully rolled out']
  ])('%s', (_, changes, state, message) => {
    expect(rolloutVerdict(variant('deployment-complete', changes))).toEqual({ state, message })
  })

  it('fails on ProgressDeadlineExceeded, checking only the reason', () => {
    const verdict = rolloutVerdict(recorded('deployment-progress-deadline'))
    expect(verdict.state).toBe('failed')
    expect(verdict.message).toMatch(
      /^deployment\/nr exceeded its progress deadline: ReplicaSet "nr-[a-z0-9]+" has timed out progressing\.$/
    )
  })

  it('does not report the deadline before the generation is observed', () => {
    expect(rolloutVerdict(variant('deployment-progress-deadline', { 'metadata.generation': 5 })).state).toBe(
      'progressing'
    )
  })
})

describe('Deployment pods of the new revision', () => {
  const deployment = (generation: number, observedGeneration: number, revision?: string): WorkloadObject => ({
    kind: 'Deployment',
    metadata: {
      name: 'web',
      generation,
      annotations: revision ? { 'deployment.kubernetes.io/revision': revision } : {}
    },
    status: { observedGeneration }
  })
  const pod = (owner?: string, hash = 'abc12') => ({
    metadata: {
      name: 'web-abc12-x',
      labels: { 'pod-template-hash': hash },
      ownerReferences: owner ? [{ kind: 'ReplicaSet', name: owner }] : []
    }
  })
  const replicaSets: Record<string, string> = { 'web-abc12': '3', 'web-old99': '2' }
  const asked: string[] = []
  const lookup = {
    replicaSetRevision: async (name: string, asOf: string) => (asked.push(`${name}@${asOf}`), replicaSets[name])
  }

  it.each([
    ['its ReplicaSet has the revision', deployment(2, 2, '3'), pod('web-abc12'), true],
    ['an old ReplicaSet', deployment(2, 2, '3'), pod('web-old99', 'old99'), false],
    ['the spec is not observed yet', deployment(3, 2, '3'), pod('web-abc12'), false],
    ['no revision recorded yet', deployment(2, 2), pod('web-abc12'), false],
    ['no ReplicaSet owner', deployment(2, 2, '3'), pod(), false]
  ])('%s', async (_, object, candidate, expected) => {
    expect(await deploymentReader.pods!.isNewRevision(object, candidate, lookup)).toBe(expected)
  })

  it('asks for a ReplicaSet as of the Deployment revision', async () => {
    asked.length = 0
    await deploymentReader.pods!.isNewRevision(deployment(2, 2, '3'), pod('web-abc12'), lookup)
    expect(asked).toEqual(['web-abc12@3'])
  })

  it.each([
    ['named <deployment>-<pod-template-hash>', pod('web-abc12'), [{ kind: 'Deployment', name: 'web' }]],
    ['a ReplicaSet named otherwise', pod('standalone'), []],
    ['no owner', pod(), []]
  ])('owner: %s', (_, candidate, owners) => {
    expect(deploymentReader.pods!.ownersOf(candidate)).toEqual(owners)
  })
})
