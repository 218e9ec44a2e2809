import { describe, expect, it } from '@jest/globals'
import {
  ControllerRevisionLike,
  DeploymentLike,
  historyRows,
  planControllerRevisionUndo,
  planDeploymentUndo,
  podsBlockingRollback,
  ReplicaSetLike,
  unchangedByLastDeploy
} from '../../src/rollback/rollback-plan.js'

const owner = { uid: 'd-uid', controller: true }
const template = (image: string, hash?: string) => ({
  metadata: {
    labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) },
    annotations: { 'build-and-deploy/commit': image }
  },
  spec: { containers: [{ name: 'web', image }] }
})
const deployment = (image: string, extra: Partial<DeploymentLike['spec']> = {}): DeploymentLike => ({
  metadata: {
    name: 'web',
    uid: 'd-uid',
    annotations: {
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'kubernetes.io/change-cause': 'now'
    }
  },
  spec: { template: template(image), ...extra }
})
const rs = (revision: number, image: string, ownerRefs = [owner]): ReplicaSetLike => ({
  metadata: {
    name: `web-${revision}`,
    ownerReferences: ownerRefs,
    annotations: {
      'deployment.kubernetes.io/revision': String(revision),
      'kubernetes.io/change-cause': `deploy ${image}`,
      'build-and-deploy/commit': image
    },
    creationTimestamp: `2026-01-0${revision}T00:00:00Z`
  },
  spec: { template: template(image, `h${revision}`) }
})
const history = [rs(1, 'v1'), rs(2, 'v2'), rs(3, 'v3'), rs(9, 'other', [{ uid: 'x', controller: true }])]

describe('planDeploymentUndo (kubectl rollout undo)', () => {
  it('goes to the second-highest revision, replacing template and annotations as kubectl does', () => {
    const plan = planDeploymentUndo(deployment('v3'), history)
    expect(plan).toMatchObject({ action: 'patch', revision: 2, patchType: 'json' })
    if (plan.action !== 'patch' || plan.patchType !== 'json') throw new Error('expected a JSON patch')
    expect(plan.template.metadata?.labels).toEqual({ app: 'web' })
    expect(plan.annotations).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'kubernetes.io/change-cause': 'deploy v2',
      'build-and-deploy/commit': 'v2'
    })
    expect(plan.patch.map(op => op.path)).toEqual(['/spec/template', '/metadata/annotations'])
  })

  it('goes to a given revision', () => {
    expect(planDeploymentUndo(deployment('v3'), history, 1)).toMatchObject({ action: 'patch', revision: 1 })
  })

  it('skips when the template already matches, ignoring pod-template-hash', () => {
    expect(planDeploymentUndo(deployment('v2'), history)).toEqual({
      action: 'skip',
      revision: 2,
      reason: 'deployment/web: skipped rollback (current template already matches revision 2)'
    })
  })

  it.each([
    [
      deployment('v3', { paused: true }),
      history,
      0,
      'deployment/web is paused; resume it (kubectl rollout resume deployment/web) before rolling back.'
    ],
    [
      deployment('v3'),
      [rs(3, 'v3')],
      0,
      'deployment/web has no previous revision to roll back to (no rollout history).'
    ],
    [deployment('v3'), history, 9, 'deployment/web has no revision 9 in its history (revisions: 1, 2, 3).']
  ])('refuses %#', (d, sets, to, message) => {
    expect(() => planDeploymentUndo(d, sets, to)).toThrow(message)
  })
})

describe('planControllerRevisionUndo', () => {
  const revision = (n: number, image: string): ControllerRevisionLike => ({
    metadata: { name: `db-${n}`, ownerReferences: [owner] },
    revision: n,
    data: { spec: { template: { ...template(image), $patch: 'replace' } } }
  })
  const sts = {
    metadata: { name: 'db', uid: 'd-uid' },
    spec: { template: template('v3') },
    status: { updateRevision: 'db-3' }
  }
  const revisions = [revision(3, 'v3'), revision(1, 'v1'), revision(2, 'v2')]

  it("patches with the previous revision data, and puts that revision's commit back on the object", () => {
    const plan = planControllerRevisionUndo('StatefulSet', sts, revisions)
    expect(plan).toMatchObject({
      action: 'patch',
      revision: 2,
      patchType: 'strategic',
      patch: { ...revisions[2].data, metadata: { annotations: { 'build-and-deploy/commit': 'v2' } } }
    })
  })

  it('patches with the data alone when the revision records no commit', () => {
    const bare = revision(2, 'v2')
    delete bare.data!.spec!.template!.metadata!.annotations
    expect(planControllerRevisionUndo('DaemonSet', sts, [revisions[0], bare])).toMatchObject({
      action: 'patch',
      patch: bare.data
    })
  })

  it('skips a matching revision and refuses a missing one', () => {
    expect(planControllerRevisionUndo('StatefulSet', sts, revisions, 3).action).toBe('skip')
    expect(() => planControllerRevisionUndo('DaemonSet', sts, [revision(3, 'v3')])).toThrow(
      'daemonset/db has no previous revision to roll back to'
    )
  })

  it('lists history newest first with commit, image and the live revision', () => {
    expect(historyRows('StatefulSet', sts, [], revisions).map(r => [r.revision, r.commit, r.live])).toEqual([
      [3, 'v3', true],
      [2, 'v2', false],
      [1, 'v1', false]
    ])
    expect(
      historyRows('Deployment', deployment('v3'), history, []).map(r => [r.revision, r.images[0], r.live])
    ).toEqual([
      [3, 'v3', true],
      [2, 'v2', false],
      [1, 'v1', false]
    ])
  })
})

describe('unchangedByLastDeploy (rollback-to: previous)', () => {
  const a = 'a'.repeat(40)
  const b = 'b'.repeat(40)
  const commit = (value?: string): Record<string, string> => (value ? { 'build-and-deploy/commit': value } : {})
  const workload = (objectCommit?: string, templateCommit?: string) => ({
    metadata: { name: 'db', annotations: commit(objectCommit) },
    spec: { template: { metadata: { annotations: commit(templateCommit) } } }
  })
  it.each([
    ['changed by the last deploy', workload(b, b), undefined],
    ["never deployed by the action: kubectl's rule", workload(undefined, undefined), undefined],
    ['applied by kubectl over an action deploy', workload(undefined, a), undefined],
    [
      'not changed by the last deploy',
      workload(b, a),
      `statefulset/db: skipped, the last deploy (commit ${b.slice(0, 12)}) did not change it; its pods are still those of commit ${a.slice(0, 12)}`
    ],
    [
      'adopted without a template commit',
      workload(b, undefined),
      `statefulset/db: skipped, the last deploy (commit ${b.slice(0, 12)}) did not change it; its pods predate build-and-deploy`
    ]
  ])('%s', (_, live, reason) => {
    expect(unchangedByLastDeploy('StatefulSet', live)).toBe(reason)
  })
})

describe('podsBlockingRollback (StatefulSet forced rollback)', () => {
  const set = (policy?: string) => ({ metadata: { name: 'db', uid: 'd-uid' }, spec: { podManagementPolicy: policy } })
  const pod = (name: string, revision: string, ready: boolean, uid = 'd-uid') => ({
    metadata: { name, labels: { 'controller-revision-hash': revision }, ownerReferences: [{ uid, controller: true }] },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }
  })
  const pods = [
    pod('db-0', 'db-good', true),
    pod('db-1', 'db-bad', false),
    pod('db-2', 'db-bad', true),
    pod('other-0', 'db-bad', false, 'x')
  ]

  it('names the unready pods of other revisions under OrderedReady', () => {
    expect(podsBlockingRollback(set(), pods, 'db-good')).toEqual(['db-1'])
    expect(podsBlockingRollback(set('OrderedReady'), pods, 'db-good')).toEqual(['db-1'])
  })

  it('names none under Parallel, which replaces them itself', () => {
    expect(podsBlockingRollback(set('Parallel'), pods, 'db-good')).toEqual([])
  })
})
