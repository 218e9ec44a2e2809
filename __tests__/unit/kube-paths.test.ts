import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { KubeClient } from '../../src/kube/client.js'
import { builtinResource, resourcePath } from '../../src/kube/paths.js'

describe('resourcePath', () => {
  const deployments = { plural: 'deployments', namespaced: true, groupVersion: 'apps/v1' }
  const pods = { plural: 'pods', namespaced: true, groupVersion: 'v1' }
  const namespaces = { plural: 'namespaces', namespaced: false, groupVersion: 'v1' }
  const crds = { plural: 'customresourcedefinitions', namespaced: false, groupVersion: 'apiextensions.k8s.io/v1' }
  it.each([
    ['core, namespaced object', pods, 'team', 'web-1', undefined, '/api/v1/namespaces/team/pods/web-1'],
    ['core, namespaced collection', pods, 'team', undefined, undefined, '/api/v1/namespaces/team/pods'],
    ['core, namespaced across all namespaces', pods, undefined, undefined, undefined, '/api/v1/pods'],
    ['core, cluster-scoped (namespace ignored)', namespaces, 'team', 'team', undefined, '/api/v1/namespaces/team'],
    [
      'group, namespaced object',
      deployments,
      'team',
      'web',
      undefined,
      '/apis/apps/v1/namespaces/team/deployments/web'
    ],
    [
      'group, cluster-scoped',
      crds,
      undefined,
      'widgets.example.com',
      undefined,
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'
    ],
    ['subresource', deployments, 'team', 'web', 'scale', '/apis/apps/v1/namespaces/team/deployments/web/scale'],
    ['pod log', pods, 'team', 'web-1', 'log', '/api/v1/namespaces/team/pods/web-1/log'],
    ['encoded name and namespace', pods, 'a/b', 'x y#?', undefined, '/api/v1/namespaces/a%2Fb/pods/x%20y%23%3F']
  ])('%s', (_, info, namespace, name, subresource, path) => {
    expect(resourcePath(info, namespace, name, subresource)).toBe(path)
  })
})

describe('builtinResource', () => {
  it.each([
    ['apps/v1', 'Deployment', { plural: 'deployments', namespaced: true, groupVersion: 'apps/v1' }],
    ['v1', 'Namespace', { plural: 'namespaces', namespaced: false, groupVersion: 'v1' }],
    [
      'storage.k8s.io/v1',
      'StorageClass',
      { plural: 'storageclasses', namespaced: false, groupVersion: 'storage.k8s.io/v1' }
    ],
    ['coordination.k8s.io/v1', 'Lease', { plural: 'leases', namespaced: true, groupVersion: 'coordination.k8s.io/v1' }],
    // Another version of a known kind, and a custom kind, are left to discovery.
    ['apps/v1beta1', 'Deployment', undefined],
    ['example.com/v1', 'Widget', undefined]
  ])('%s %s', (apiVersion, kind, info) => {
    expect(builtinResource(apiVersion, kind)).toEqual(info)
  })
})

interface Seen {
  method: string
  url: string
  contentType?: string
  body: string
}

describe('KubeClient requests', () => {
  let server: http.Server | undefined
  let kube: KubeClient | undefined
  afterEach(async () => {
    kube?.close()
    await new Promise<void>(resolve =>
      server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve()
    )
  })

  /** A server that records every request and answers discovery of example.com/v1 (a namespaced Widget). */
  async function recording(): Promise<{ seen: Seen[]; kube: KubeClient }> {
    const seen: Seen[] = []
    server = http.createServer((request, response) => {
      let body = ''
      request.on('data', chunk => (body += chunk))
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, contentType: request.headers['content-type'], body })
        if (request.url === '/apis/example.com/v1') {
          response.writeHead(200, { 'Content-Type': 'application/json' }).end(
            JSON.stringify({
              resources: [
                { name: 'widgets', kind: 'Widget', namespaced: true },
                { name: 'widgets/status', kind: 'Widget', namespaced: true }
              ]
            })
          )
        } else if (request.url?.split('?')[0].endsWith('/log')) {
          response.writeHead(200, { 'Content-Type': 'text/plain' }).end('line 1\nline 2\n')
        } else if (request.url?.includes('/missing')) {
          response
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end('{"kind":"Status","code":404,"message":"not found"}')
        } else {
          response
            .writeHead(request.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' })
            .end('{"kind":"Answer"}')
        }
      })
    })
    await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    kube = new KubeClient({ server: new URL(origin), tls: {}, contextName: 'test', authenticate: async () => ({}) })
    return { seen, kube }
  }

  it('builds a built-in kind’s path without discovery, and a custom kind’s from discovery, asked once', async () => {
    const { seen, kube } = await recording()
    await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team', name: 'web' })
    await kube.get({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'team', name: 'a' })
    await kube.list({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'team' }, { labelSelector: 'app=web' })
    expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
      'GET /apis/apps/v1/namespaces/team/deployments/web',
      'GET /apis/example.com/v1',
      'GET /apis/example.com/v1/namespaces/team/widgets/a',
      'GET /apis/example.com/v1/namespaces/team/widgets?labelSelector=app%3Dweb'
    ])
  })

  it('answers a missing object, or a kind the server does not serve, as undefined', async () => {
    const { seen, kube } = await recording()
    expect(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team', name: 'missing' })).toBeUndefined()
    expect(
      await kube.get({ apiVersion: 'example.com/v1', kind: 'Gadget', namespace: 'team', name: 'a' })
    ).toBeUndefined()
    await expect(
      kube.delete({ apiVersion: 'example.com/v1', kind: 'Gadget', namespace: 'team', name: 'a' })
    ).rejects.toMatchObject({ statusCode: 404 })
    expect(seen.map(s => s.url)).toEqual(['/api/v1/namespaces/team/configmaps/missing', '/apis/example.com/v1'])
  })

  it('sends each write as the API expects it', async () => {
    const { seen, kube } = await recording()
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'team', name: 'web' },
      data: { a: '1' }
    }
    const statuses: number[] = []
    await kube.apply(object, {
      fieldManager: 'deployer',
      strict: true,
      force: true,
      dryRun: true,
      onStatus: code => statuses.push(code)
    })
    await kube.create(
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} },
      { onStatus: code => statuses.push(code) }
    )
    await kube.replace(object)
    await kube.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team', name: 'web' },
      { type: 'merge', body: { spec: { replicas: 2 } } },
      { fieldManager: 'scaler', subresource: 'scale' }
    )
    await kube.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team', name: 'web' },
      { type: 'json', body: [{ op: 'remove', path: '/metadata/managedFields/0' }] }
    )
    await kube.patch(
      { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'team', name: 'db' },
      { type: 'strategic', body: { spec: {} } }
    )
    await kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'team', name: 'web-1' })
    await kube.delete(
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'team', name: 'lock' },
      { propagationPolicy: 'Background', preconditions: { resourceVersion: '7' } }
    )
    const log = await kube.podLog(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'team', name: 'web-1' },
      { container: 'app', tailLines: 20, previous: true }
    )
    expect(log).toBe('line 1\nline 2\n')
    expect(statuses).toEqual([200, 201])
    expect(seen.map(s => [`${s.method} ${s.url}`, s.contentType, s.body ? JSON.parse(s.body) : undefined])).toEqual([
      [
        'PATCH /api/v1/namespaces/team/configmaps/web?fieldManager=deployer&fieldValidation=Strict&dryRun=All&force=true',
        'application/apply-patch+yaml',
        object
      ],
      [
        'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        'application/json',
        { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} }
      ],
      ['PUT /api/v1/namespaces/team/configmaps/web', 'application/json', object],
      [
        'PATCH /apis/apps/v1/namespaces/team/deployments/web/scale?fieldManager=scaler',
        'application/merge-patch+json',
        { spec: { replicas: 2 } }
      ],
      [
        'PATCH /apis/apps/v1/namespaces/team/deployments/web',
        'application/json-patch+json',
        [{ op: 'remove', path: '/metadata/managedFields/0' }]
      ],
      ['PATCH /apis/apps/v1/namespaces/team/statefulsets/db', 'application/strategic-merge-patch+json', { spec: {} }],
      ['DELETE /api/v1/namespaces/team/pods/web-1', undefined, undefined],
      [
        // The policy in the query, as kubectl sends it; preconditions only fit in the body.
        'DELETE /apis/coordination.k8s.io/v1/namespaces/team/leases/lock?propagationPolicy=Background',
        'application/json',
        { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: '7' } }
      ],
      ['GET /api/v1/namespaces/team/pods/web-1/log?container=app&tailLines=20&previous=true', undefined, undefined]
    ])
  })
})
