import { describe, expect, it } from '@jest/globals'
import {
  applyOrder,
  applyWave,
  applyWaves,
  comparable,
  diffObjects,
  findDuplicates,
  kindsFromCrds
} from '../../src/plan/apply-plan.js'
import { resolveNamespace } from '../../src/manifests/documents.js'
import { KubeObject } from '../../src/manifests/documents.js'

const object = (kind: string, name: string, namespace?: string, apiVersion = 'v1'): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) }
})

describe('applyOrder', () => {
  it('puts Namespaces, then CRDs, first and keeps the written order otherwise', () => {
    const items = ['Deployment/a', 'CustomResourceDefinition/c', 'Service/b', 'Namespace/n', 'ConfigMap/d'].map(s => ({
      object: object(s.split('/')[0], s.split('/')[1])
    }))
    expect(applyOrder(items).map(i => i.object.kind)).toEqual([
      'Namespace',
      'CustomResourceDefinition',
      'Deployment',
      'Service',
      'ConfigMap'
    ])
  })
})

describe('applyWaves', () => {
  const items = (...specs: string[]) => specs.map(s => ({ object: object(s.split('/')[0], s.split('/')[1]) }))
  const names = (waves: Array<Array<{ object: KubeObject }>>) =>
    waves.map(wave => wave.map(i => `${i.object.kind}/${i.object.metadata.name}`))

  it('writes what pods need before the workloads, and what refers to workloads after them (Online Boutique order)', () => {
    // As its release manifests list them: each Deployment before its ServiceAccount and Service.
    const written = items(
      'Deployment/frontend',
      'Service/frontend',
      'ServiceAccount/frontend',
      'HorizontalPodAutoscaler/frontend',
      'Deployment/redis-cart',
      'ConfigMap/settings',
      'Ingress/frontend',
      'PodDisruptionBudget/frontend'
    )
    expect(names(applyWaves(written))).toEqual([
      ['Service/frontend', 'ServiceAccount/frontend', 'ConfigMap/settings'],
      ['Deployment/frontend', 'Deployment/redis-cart'],
      ['HorizontalPodAutoscaler/frontend', 'Ingress/frontend', 'PodDisruptionBudget/frontend']
    ])
  })

  it.each([
    ['Namespace', 0],
    ['CustomResourceDefinition', 0],
    ['ServiceAccount', 1],
    ['Secret', 1],
    ['ConfigMap', 1],
    ['PersistentVolumeClaim', 1],
    ['Role', 1],
    ['ClusterRoleBinding', 1],
    ['Service', 1],
    ['PriorityClass', 1],
    ['Deployment', 2],
    ['StatefulSet', 2],
    ['DaemonSet', 2],
    ['Job', 2],
    ['CronJob', 2],
    ['Pod', 2],
    ['HorizontalPodAutoscaler', 3],
    ['PodDisruptionBudget', 3],
    ['Ingress', 3],
    ['ValidatingWebhookConfiguration', 3],
    ['ServiceMonitor', 3],
    ['Certificate', 3]
  ])('%s goes in wave %i', (kind, wave) => {
    expect(applyWave(object(kind, 'x'))).toBe(wave)
  })

  it('leaves empty waves out and keeps the written order inside a wave', () => {
    expect(names(applyWaves(items('ConfigMap/b', 'ConfigMap/a')))).toEqual([['ConfigMap/b', 'ConfigMap/a']])
    expect(applyWaves([])).toEqual([])
  })
})

describe('resolveNamespace', () => {
  it.each([
    [undefined, undefined, undefined, 'default'],
    [undefined, 'prod', undefined, 'prod'],
    [undefined, undefined, 'ctx', 'ctx'],
    [undefined, 'prod', 'ctx', 'prod'],
    ['own', undefined, 'ctx', 'own'],
    ['prod', 'prod', undefined, 'prod']
  ])('object %s, input %s, context %s → %s', (own, input, context, expected) => {
    const o = object('ConfigMap', 'c', own)
    expect(resolveNamespace(o, true, input, context)).toBeUndefined()
    expect(o.metadata.namespace).toBe(expected)
  })

  it('refuses an object in another namespace than the input', () => {
    expect(resolveNamespace(object('ConfigMap', 'c', 'staging'), true, 'prod')).toBe(
      "its namespace 'staging' does not match the namespace input 'prod'; remove one of them"
    )
  })

  it('strips the namespace of cluster-scoped objects', () => {
    const o = object('ClusterRole', 'r', 'oops')
    expect(resolveNamespace(o, false, 'prod')).toBeUndefined()
    expect(o.metadata.namespace).toBeUndefined()
  })
})

describe('findDuplicates and kindsFromCrds', () => {
  it('names both places of a duplicate object', () => {
    const sources = [
      { file: 'a.yaml', document: 1, object: object('ConfigMap', 'x', 'ns') },
      { file: 'b.yaml', document: 3, object: object('ConfigMap', 'x', 'ns') },
      { file: 'b.yaml', document: 4, object: object('ConfigMap', 'x', 'other') }
    ]
    expect(findDuplicates(sources)).toEqual([
      'b.yaml document 3: ConfigMap ns/x is already defined in a.yaml document 1'
    ])
  })

  it('lists the kinds a CRD serves', () => {
    const crd = {
      ...object('CustomResourceDefinition', 'widgets.acme.io', undefined, 'apiextensions.k8s.io/v1'),
      spec: { group: 'acme.io', names: { kind: 'Widget' }, versions: [{ name: 'v1' }, { name: 'v2' }] }
    }
    expect([...kindsFromCrds([crd])]).toEqual([
      ['acme.io/v1/Widget', true],
      ['acme.io/v2/Widget', true]
    ])
    const clusterScoped = { ...crd, spec: { ...crd.spec, scope: 'Cluster', versions: [{ name: 'v1' }] } }
    expect([...kindsFromCrds([clusterScoped])]).toEqual([['acme.io/v1/Widget', false]])
  })
})

describe('diffObjects', () => {
  it('lists changed field paths, ignoring server bookkeeping', () => {
    const live = {
      metadata: { name: 'c', resourceVersion: '1', managedFields: [] },
      data: { a: '1', b: '2' },
      status: { x: 1 }
    }
    const next = { metadata: { name: 'c', resourceVersion: '2' }, data: { a: '1', b: '3', c: '4' } }
    expect(diffObjects(comparable(live), comparable(next), false)).toEqual([
      { path: 'data.b', from: '"2"', to: '"3"' },
      { path: 'data.c', from: undefined, to: '"4"' }
    ])
  })

  it('never shows Secret values', () => {
    const changes = diffObjects(
      { data: { password: 'b2xk' }, stringData: { t: 'x' } },
      { data: { password: 'bmV3' }, stringData: { t: 'y' } },
      true
    )
    expect(changes).toEqual([
      { path: 'data.password', from: '(redacted, 3 bytes)', to: '(redacted, 3 bytes)' },
      { path: 'stringData.t', from: '(redacted, 1 byte)', to: '(redacted, 1 byte)' }
    ])
  })
})
