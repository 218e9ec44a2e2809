import { describe, expect, it } from '@jest/globals'
import { FakeCluster } from '../../../__fixtures__/fake-cluster.js'
import { Applier, ApplyOptions, ApplyValidationError, ApplyWriteError } from '../../../src/deploy/apply.js'
import type { ApplyObject } from '../../../src/kube/cluster.js'
import { configMap, deployment, job, ns, refOf, service, sourced } from './harness.js'

const options = (extra: Partial<ApplyOptions> = {}): ApplyOptions => ({
  fieldManager: 'build-and-deploy',
  force: false,
  createNamespace: false,
  dryRun: false,
  ...extra
})

const hpa = (target: string): ApplyObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: target, namespace: ns },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 1, maxReplicas: 5 }
})

const app = (image = 'web:1'): ApplyObject[] => [
  hpa('web'),
  deployment('web', image, { replicas: 2 }),
  service('web', { app: 'web' }),
  configMap('web-config', { mode: 'fast' })
]

/** What the applier wrote for real, in order, as kind/name. */
const writes = (fake: FakeCluster): string[] =>
  fake.requests
    .filter(r => ['apply', 'create', 'replace', 'patch', 'delete'].includes(r.verb) && !r.dryRun)
    .map(r => `${r.verb} ${r.kind}/${r.name}`)

async function failure<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`)
  return error
}

describe('Applier against the in-process cluster', () => {
  it('dry-runs every object before the first write, then writes in waves (config before workloads, autoscalers last)', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const applied = await new Applier(fake, options()).apply(sourced(app()))
    const applies = fake.requests.filter(r => r.verb === 'apply')
    const firstWrite = applies.findIndex(r => !r.dryRun)
    expect(
      applies
        .slice(0, firstWrite)
        .map(r => r.kind)
        .sort()
    ).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Service'])
    expect(applies.slice(firstWrite).every(r => !r.dryRun)).toBe(true)
    const order = writes(fake)
    expect(order.indexOf('apply ConfigMap/web-config')).toBeLessThan(order.indexOf('apply Deployment/web'))
    expect(order.indexOf('apply Deployment/web')).toBeLessThan(order.indexOf('apply HorizontalPodAutoscaler/web'))
    expect(applied.map(a => [a.target.object.kind, a.action]).sort()).toEqual([
      ['ConfigMap', 'created'],
      ['Deployment', 'created'],
      ['HorizontalPodAutoscaler', 'created'],
      ['Service', 'created']
    ])
    expect(
      fake.object(refOf(deployment('web', 'web:1'))).metadata.managedFields.map((e: { manager: string }) => e.manager)
    ).toContain('build-and-deploy')
  })

  it('a second run: created (201) only for what is new, configured for a change, unchanged objects not written at all', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await new Applier(fake, options()).apply(sourced(app()))
    await fake.settle()
    fake.requests.splice(0)
    const applied = await new Applier(fake, options()).apply(sourced([...app('web:2'), configMap('extra', { a: '1' })]))
    expect(
      Object.fromEntries(applied.map(a => [`${a.target.object.kind}/${a.target.object.metadata.name}`, a.action]))
    ).toEqual({
      'ConfigMap/web-config': 'unchanged',
      'ConfigMap/extra': 'created',
      'Deployment/web': 'configured',
      'Service/web': 'unchanged',
      'HorizontalPodAutoscaler/web': 'unchanged'
    })
    expect(writes(fake).sort()).toEqual(['apply ConfigMap/extra', 'apply Deployment/web'])
    expect(fake.object(refOf(deployment('web', 'web:2'))).spec.template.spec.containers[0].image).toBe('web:2')
  })

  it('a dry run writes nothing and reports the field changes it would make', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await new Applier(fake, options()).apply(sourced(app()))
    const rv = fake.resourceVersion
    const applied = await new Applier(fake, options({ dryRun: true })).apply(sourced(app('web:2')))
    expect(fake.resourceVersion).toBe(rv)
    const web = applied.find(a => a.target.object.kind === 'Deployment')!
    expect(web.action).toBe('configured')
    expect(web.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'spec.template.spec.containers[0].image', from: '"web:1"', to: '"web:2"' })
      ])
    )
  })

  it('a field another manager owns stops the run before any write, naming the manager and the way out; force takes it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(configMap('web-config', { mode: 'slow' }), { fieldManager: 'ops-team' })
    fake.requests.splice(0)
    const error = await failure(new Applier(fake, options()).apply(sourced(app())), ApplyValidationError)
    expect(error.problems).toEqual([
      'manifests/app.yaml document 4 (ConfigMap shop/web-config): Apply failed with 1 conflict: conflict with "ops-team" using v1: .data.mode. ' +
        'Another field manager owns these fields: change them there, or set force-conflicts: true to take them over.'
    ])
    expect(writes(fake)).toEqual([])
    expect(fake.object(refOf(deployment('web', 'web:1')))).toBeUndefined()

    await new Applier(fake, options({ force: true })).apply(sourced(app()))
    const live = fake.object(refOf(configMap('web-config', {})))
    expect(live.data.mode).toBe('fast')
    expect(
      fake.requests.filter(r => r.kind === 'ConfigMap' && r.verb === 'apply' && !r.dryRun).map(r => r.force)
    ).toEqual([true])
  })

  it('a write failing half-way: what was written stays, with the failed object and those not tried', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failNext({
      verb: 'apply',
      kind: 'Deployment',
      dryRun: false,
      status: 500,
      message: 'etcdserver: request timed out'
    })
    const error = await failure(new Applier(fake, options()).apply(sourced(app())), ApplyWriteError)
    expect(error.written.map(w => `${w.target.object.kind}/${w.action}`).sort()).toEqual([
      'ConfigMap/created',
      'Service/created'
    ])
    expect(error.failed.map(f => f.message)).toEqual([
      'manifests/app.yaml document 2 (Deployment shop/web): etcdserver: request timed out'
    ])
    expect(error.notAttempted.map(t => t.object.kind)).toEqual(['HorizontalPodAutoscaler'])
    expect([fake.object(refOf(configMap('web-config', {}))) !== undefined, fake.object(refOf(hpa('web')))]).toEqual([
      true,
      undefined
    ])
  })

  it('a namespace that does not exist is refused without create-namespace, and created first with it', async () => {
    const fake = new FakeCluster()
    const error = await failure(
      new Applier(fake, options()).apply(sourced([configMap('cfg', { a: '1' }, 'fresh')])),
      ApplyValidationError
    )
    expect(error.problems).toEqual([
      "namespace 'fresh' does not exist; add a Namespace to the manifests or set create-namespace: true"
    ])
    expect(writes(fake)).toEqual([])

    const applied = await new Applier(fake, options({ createNamespace: true })).apply(
      sourced([configMap('cfg', { a: '1' }, 'fresh')])
    )
    expect(applied.map(a => `${a.target.object.kind}/${a.target.object.metadata.name} ${a.action}`)).toEqual([
      'Namespace/fresh created',
      'ConfigMap/cfg created'
    ])
    expect(writes(fake)).toEqual(['apply Namespace/fresh', 'apply ConfigMap/cfg'])
    // The ConfigMap could not be dry-run before its namespace existed: it is, once it does, before its write.
    const cm = fake.requests.filter(r => r.kind === 'ConfigMap' && r.verb === 'apply').map(r => r.dryRun)
    expect(cm).toEqual([true, false])
  })

  it('a Job whose template changed is deleted and created anew; one unchanged is left alone', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await new Applier(fake, options()).apply(sourced([job('migrate', 'm:1')]))
    await fake.settle()
    const first = fake.object(refOf(job('migrate', 'm:1')))
    const same = await new Applier(fake, options()).apply(sourced([job('migrate', 'm:1')]))
    expect(same.map(a => a.action)).toEqual(['unchanged'])

    fake.requests.splice(0)
    const applied = await new Applier(fake, options()).apply(sourced([job('migrate', 'm:2')]))
    expect(applied.map(a => a.action)).toEqual(['replaced'])
    const second = fake.object(refOf(job('migrate', 'm:2')))
    expect(second.metadata.uid).not.toBe(first.metadata.uid)
    expect(second.spec.template.spec.containers[0].image).toBe('m:2')
    expect(writes(fake)).toEqual(['delete Job/migrate', 'apply Job/migrate'])
    // The replacement was validated under another name before the old Job was deleted.
    expect(fake.requests.some(r => r.verb === 'apply' && r.dryRun && r.name === 'migrate-bnd-dry-run')).toBe(true)
  })

  it('replicas an autoscaler owns through the scale subresource are left out of the apply', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await new Applier(fake, options()).apply(sourced([deployment('web', 'web:1', { replicas: 2 })]))
    await fake.patch(
      refOf(deployment('web', 'web:1')),
      { type: 'merge', body: { spec: { replicas: 4 } } },
      { fieldManager: 'kube-controller-manager', subresource: 'scale' }
    )
    const applied = await new Applier(fake, options()).apply(sourced([deployment('web', 'web:2', { replicas: 2 })]))
    expect(applied[0].scaleOwners).toEqual(['kube-controller-manager'])
    const live = fake.object(refOf(deployment('web', 'web:2')))
    expect([live.spec.replicas, live.spec.template.spec.containers[0].image]).toEqual([4, 'web:2'])
  })

  it('a CRD and its custom resource in one run: the CRD is written and Established before the resource is dry-run', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const crd: ApplyObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [{ name: 'v1', served: true, storage: true }]
      }
    }
    const widget: ApplyObject = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 3 }
    }
    const applied = await new Applier(fake, options({ namespace: ns })).apply(sourced([widget, crd]))
    expect(applied.map(a => `${a.target.object.kind} ${a.action}`)).toEqual([
      'CustomResourceDefinition created',
      'Widget created'
    ])
    expect(fake.object({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: ns, name: 'w' }).spec.size).toBe(3)
    const applies = fake.requests.filter(r => r.verb === 'apply').map(r => `${r.kind}${r.dryRun ? ' dry' : ''}`)
    expect(applies).toEqual(['CustomResourceDefinition dry', 'CustomResourceDefinition', 'Widget dry', 'Widget'])
  })
})
