import { describe, expect, it } from '@jest/globals'
import { pinnedRolling, strategyGroups, templateChanged } from '../../src/strategies/selection.js'
import type { KubeObject, SourcedObject } from '../../src/manifests/documents.js'

const deployment = (
  name: string,
  image: string,
  extra: {
    labels?: Record<string, string>
    annotations?: Record<string, string>
    objectAnnotations?: Record<string, string>
  } = {}
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, ...(extra.objectAnnotations ? { annotations: extra.objectAnnotations } : {}) },
  spec: {
    replicas: 1,
    template: {
      metadata: {
        labels: { app: name, ...extra.labels },
        ...(extra.annotations ? { annotations: extra.annotations } : {})
      },
      spec: { containers: [{ name, image, imagePullPolicy: 'IfNotPresent' }] }
    }
  }
})
const commit = (sha: string) => ({ 'build-and-deploy/commit': sha })

describe('templateChanged', () => {
  it.each([
    ['not live yet', deployment('web', 'web:2'), undefined, true],
    ['the dry run failed', undefined, deployment('web', 'web:1'), true],
    ['a new image', deployment('web', 'web:2'), deployment('web', 'web:1'), true],
    [
      'a new template annotation',
      deployment('web', 'web:1', { annotations: { a: 'b' } }),
      deployment('web', 'web:1'),
      true
    ],
    ['the same template', deployment('redis', 'base:1'), deployment('redis', 'base:1'), false],
    [
      'only the recorded commit differs',
      deployment('redis', 'base:1', { annotations: commit('b') }),
      deployment('redis', 'base:1', { annotations: commit('a') }),
      false
    ],
    [
      'a commit where live had none',
      deployment('redis', 'base:1', { annotations: commit('b') }),
      deployment('redis', 'base:1'),
      false
    ],
    [
      'only the colour label differs',
      deployment('redis', 'base:1', { labels: { 'build-and-deploy/colour': 'green' } }),
      deployment('redis', 'base:1', { labels: { 'build-and-deploy/colour': 'blue' } }),
      false
    ],
    [
      'only the object annotations differ',
      deployment('redis', 'base:1', { objectAnnotations: commit('b') }),
      deployment('redis', 'base:1', { objectAnnotations: commit('a') }),
      false
    ]
  ])('%s: %s', (_, wanted, live, expected) => {
    expect(templateChanged(wanted as KubeObject | undefined, live as KubeObject | undefined)).toBe(expected)
  })
})

describe('pinnedRolling', () => {
  it.each([
    [{ 'build-and-deploy/strategy': 'rolling' }, true],
    [{ 'build-and-deploy/strategy': 'blue-green' }, false],
    [undefined, false]
  ])('%j: %s', (annotations, expected) => {
    expect(pinnedRolling(deployment('redis', 'base:1', { objectAnnotations: annotations }))).toBe(expected)
  })
})

describe('strategyGroups', () => {
  const item = (object: KubeObject, document: number): SourcedObject => ({ file: 'app.yaml', document, object })
  const web = item(deployment('web', 'web:2'), 1)
  const worker = item(deployment('worker', 'web:2'), 2)
  const redis = item(deployment('redis', 'base:1'), 3)
  const pinned = item(
    deployment('cache', 'base:1', { objectAnnotations: { 'build-and-deploy/strategy': 'rolling' } }),
    4
  )
  const svc = (name: string, document: number): SourcedObject =>
    item({ apiVersion: 'v1', kind: 'Service', metadata: { name } }, document)
  const [webSvc, redisSvc, sharedSvc, cacheSvc] = [svc('web', 5), svc('redis', 6), svc('shared', 7), svc('cache', 8)]

  it.each([
    [
      'only the changed Deployment and its Service',
      new Map([
        [webSvc, [web]],
        [redisSvc, [redis]]
      ]),
      [web],
      ['web'],
      []
    ],
    [
      'nothing changes',
      new Map([
        [webSvc, [web]],
        [redisSvc, [redis]]
      ]),
      [],
      [],
      []
    ],
    [
      'a Deployment that shares a Service with a changed one follows it',
      new Map([
        [webSvc, [web]],
        [sharedSvc, [web, worker]],
        [redisSvc, [redis]]
      ]),
      [web],
      ['web', 'shared'],
      []
    ],
    ['a pinned Deployment never does', new Map([[cacheSvc, [pinned]]]), [pinned], [], []],
    [
      'a pinned Deployment sharing a Service with a changed one is a problem',
      new Map([[sharedSvc, [web, pinned]]]),
      [web],
      ['shared'],
      [
        'Deployment cache is pinned with build-and-deploy/strategy: rolling, and Service shared also selects a Deployment that changes'
      ]
    ]
  ])('%s', (_, behind, changed, services, problems) => {
    const found: string[] = []
    const groups = strategyGroups(behind, d => changed.includes(d), found)
    expect([...groups.keys()].map(s => s.object.metadata.name)).toEqual(services)
    expect(found.map(p => p.split(';')[0])).toEqual(problems)
  })
})
