import { describe, expect, it } from '@jest/globals'
import { FakeCluster } from '../../../__fixtures__/fake-cluster.js'
import type { ApplyObject } from '../../../src/kube/cluster.js'
import { describeUndo, undoToBefore, undoWorkload } from '../../../src/rollback/undo.js'
import { deployment, ns, refOf } from './harness.js'

const web = (image: string): ApplyObject => deployment('web', image, { replicas: 2 })
const workload = { kind: 'Deployment', namespace: ns, name: 'web' }

async function rolledOut(fake: FakeCluster, object: ApplyObject): Promise<any> {
  await fake.apply(object, { fieldManager: 'build-and-deploy' })
  await fake.settle()
  return fake.object(refOf(object))
}

const image = (o: any): string => o.spec.template.spec.containers[0].image

describe('undo against the in-process cluster', () => {
  it('rolls a Deployment back to the previous ReplicaSet’s template, as kubectl rollout undo, and hands the fields back', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const before = await rolledOut(fake, web('web:1'))
    await rolledOut(fake, web('web:2'))
    const result = await undoToBefore(fake, workload, before, 'build-and-deploy')
    expect(describeUndo(result)).toBe('deployment/web: rolled back to revision 1')
    await fake.settle()
    const live = fake.object(refOf(web('web:1')))
    expect(image(live)).toBe('web:1')
    // The old ReplicaSet is reused and takes the next revision number.
    expect(live.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3')
    const replicaSets = fake.objectsOf('apps/v1', 'ReplicaSet', ns).map(rs => [image(rs), rs.spec.replicas])
    expect(replicaSets.sort()).toEqual([
      ['web:1', 2],
      ['web:2', 0]
    ])
    // The undo patch, then the managedFields rewrite that drops its manager.
    expect(fake.requests.filter(r => r.verb === 'patch').map(r => r.fieldManager)).toEqual([
      'build-and-deploy-rollback',
      undefined
    ])
    expect(live.metadata.managedFields.map((e: { manager: string }) => e.manager)).not.toContain(
      'build-and-deploy-rollback'
    )
    // With the rollback's fields released, the next deploy applies without a conflict.
    expect(image(await rolledOut(fake, web('web:3')))).toBe('web:3')
  })

  it('a Deployment with no revision before this run is left, saying so', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await rolledOut(fake, web('web:1'))
    const result = await undoToBefore(fake, workload, { metadata: {} }, 'build-and-deploy')
    expect(describeUndo(result)).toBe('deployment/web: no revision recorded before this run')
    expect(fake.requests.filter(r => r.verb === 'patch')).toEqual([])
  })

  it('a workload that does not exist is an error naming it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await expect(undoWorkload(fake, workload, 0, 'build-and-deploy')).rejects.toThrow(
      'deployment/web does not exist in namespace shop.'
    )
  })
})
