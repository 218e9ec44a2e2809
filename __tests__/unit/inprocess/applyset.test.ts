import { describe, expect, it } from '@jest/globals'
import { FakeCluster } from '../../../__fixtures__/fake-cluster.js'
import type { Target } from '../../../src/plan/apply-plan.js'
import { Applier } from '../../../src/deploy/apply.js'
import { ApplySet, PruneCandidate } from '../../../src/deploy/applyset.js'
import { applySetKeys, labelMembers } from '../../../src/plan/applyset-plan.js'
import type { ApplyObject } from '../../../src/kube/cluster.js'
import { describeSource } from '../../../src/manifests/documents.js'
import type { PruneSettings } from '../../../src/settings/types.js'
import { configMap, deployment, ns, refOf, sourced } from './harness.js'

const prune: PruneSettings = { parent: { kind: 'Secret', name: 'web-set' }, namespacesAndCrds: false }
const parentRef = { apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'web-set' }

/** One deploy with prune, in the order deploy-step.ts runs it: open, label, plan once validated, widen before writes, apply. */
async function deployWithSet(
  fake: FakeCluster,
  objects: ApplyObject[]
): Promise<{ set: ApplySet; candidates: PruneCandidate[]; targets: Target[] }> {
  const set = await ApplySet.open(fake, prune, ns, 'build-and-deploy')
  const { items, problems } = labelMembers(sourced(objects), set.id, describeSource)
  expect(problems).toEqual([])
  let candidates: PruneCandidate[] = []
  const applier = new Applier(fake, {
    fieldManager: 'build-and-deploy',
    force: false,
    createNamespace: false,
    dryRun: false,
    namespace: ns,
    validated: async targets => void (candidates = await set.plan(targets)),
    beforeWrite: async targets => void (await set.widen(targets))
  })
  const applied = await applier.apply(items)
  await fake.settle()
  return { set, candidates, targets: applied.map(a => a.target) }
}

describe('ApplySet against the in-process cluster', () => {
  it('writes the parent before any member, records the kinds, and labels every member', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const { set, candidates } = await deployWithSet(fake, [configMap('a', { x: '1' }), deployment('web', 'web:1')])
    expect(candidates).toEqual([])
    const parent = fake.object(parentRef)
    expect(parent.metadata.labels[applySetKeys.id]).toBe(set.id)
    expect(parent.metadata.annotations[applySetKeys.tooling]).toBe('build-and-deploy/v1')
    expect(parent.metadata.annotations[applySetKeys.groupKinds]).toBe('ConfigMap,Deployment.apps')
    const writes = fake.requests.filter(r => r.verb === 'apply' && !r.dryRun).map(r => r.kind)
    expect(writes[0]).toBe('Secret')
    expect(
      fake.objectsOf('v1', 'ConfigMap', ns).map(o => [o.metadata.name, o.metadata.labels[applySetKeys.partOf]])
    ).toEqual([['a', set.id]])
    expect(fake.object(refOf(deployment('web', 'web:1'))).metadata.labels[applySetKeys.partOf]).toBe(set.id)
  })

  it('a member the manifests leave out is pruned under its UID, the parent narrowed; an unlabelled object is never touched', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(configMap('not-ours', { x: '1' }), { fieldManager: 'someone' })
    await deployWithSet(fake, [configMap('a', { x: '1' }), configMap('b', { x: '1' }), deployment('web', 'web:1')])
    const b = fake.object(refOf(configMap('b', {})))
    const { set, candidates, targets } = await deployWithSet(fake, [configMap('a', { x: '1' })])
    expect(candidates.map(c => `${c.object.kind}/${c.object.metadata.name}`).sort()).toEqual([
      'ConfigMap/b',
      'Deployment/web'
    ])
    // The parent still spans the dropped kinds until the prune has run (an interrupted run leaks nothing).
    expect(fake.object(parentRef).metadata.annotations[applySetKeys.groupKinds]).toBe('ConfigMap,Deployment.apps')

    const pruned = await set.prune(candidates)
    await set.narrow(targets)
    await fake.settle()
    expect(pruned.map(p => [p.kind, p.name, p.skipped]).sort()).toEqual([
      ['ConfigMap', 'b', undefined],
      ['Deployment', 'web', undefined]
    ])
    const deletes = fake.requests.filter(r => r.verb === 'delete')
    expect(deletes.find(r => r.name === 'b')?.preconditions).toEqual({ uid: b.metadata.uid })
    expect(fake.objectsOf('v1', 'ConfigMap', ns).map(o => o.metadata.name)).toEqual(['a', 'not-ours'])
    expect([fake.objectsOf('apps/v1', 'Deployment', ns), fake.objectsOf('v1', 'Pod', ns)]).toEqual([[], []])
    expect(fake.object(parentRef).metadata.annotations[applySetKeys.groupKinds]).toBe('ConfigMap')
  })

  it('an object re-created under the same name since it was listed (another UID) is not pruned', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await deployWithSet(fake, [configMap('a', { x: '1' }), configMap('b', { x: '1' })])
    const { set, candidates } = await deployWithSet(fake, [configMap('a', { x: '1' })])
    const listed = fake.object(refOf(configMap('b', {})))
    await fake.delete(refOf(configMap('b', {})))
    await fake.create({
      ...configMap('b', { x: 'new' }),
      metadata: { ...listed.metadata, uid: undefined, resourceVersion: undefined, managedFields: undefined }
    })
    const pruned = await set.prune(candidates)
    expect(pruned).toEqual([
      {
        kind: 'ConfigMap',
        namespace: ns,
        name: 'b',
        skipped: 'replaced by another object of that name since it was listed'
      }
    ])
    const b = fake.object(refOf(configMap('b', {})))
    expect([b.data.x, b.metadata.uid === listed.metadata.uid]).toEqual(['new', false])
  })
})
