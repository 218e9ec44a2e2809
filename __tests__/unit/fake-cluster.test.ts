import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { FakeCluster } from '../../__fixtures__/fake-cluster.js'
import type { ApplyObject, WatchEvent } from '../../src/kube/cluster.js'
import { KubeApiError } from '../../src/kube/errors.js'

const ns = 'shop'
const deployRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' }

const deployment = (image = 'web:1', extra: Record<string, unknown> = {}): ApplyObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }] }
    },
    ...extra
  }
})

const configMap = (data: Record<string, string>, name = 'cfg'): ApplyObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data
})

async function rejection(promise: Promise<unknown>): Promise<KubeApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof KubeApiError) return error
    throw error
  }
  throw new Error('expected a KubeApiError')
}

/** The events of a watch until `until` says stop (or the stream ends). */
async function collect<T>(
  stream: AsyncGenerator<WatchEvent<T>>,
  until: (e: WatchEvent<T>, all: WatchEvent<T>[]) => boolean
): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = []
  for await (const event of stream) {
    out.push(event)
    if (until(event, out)) break
  }
  return out
}

describe('server-side apply', () => {
  it('creates (201), then updates (200); a repeated identical apply changes nothing', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const statuses: number[] = []
    const created = await fake.apply<any>(configMap({ a: '1' }), {
      fieldManager: 'ci',
      onStatus: s => statuses.push(s)
    })
    const again = await fake.apply<any>(configMap({ a: '1' }), { fieldManager: 'ci', onStatus: s => statuses.push(s) })
    const changed = await fake.apply<any>(configMap({ a: '2' }), {
      fieldManager: 'ci',
      onStatus: s => statuses.push(s)
    })
    expect(statuses).toEqual([201, 200, 200])
    expect(again.metadata.resourceVersion).toBe(created.metadata.resourceVersion)
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion))
    expect(changed.metadata.uid).toBe(created.metadata.uid)
    expect(changed.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'ci',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} } }
      })
    ])
  })

  it('refuses a namespaced object whose namespace does not exist', async () => {
    const fake = new FakeCluster()
    const error = await rejection(fake.apply(configMap({ a: '1' }), { fieldManager: 'ci' }))
    expect([error.statusCode, error.status.reason, error.status.message]).toEqual([
      404,
      'NotFound',
      'namespaces "shop" not found'
    ])
    await expect(
      fake.apply({ ...configMap({}), metadata: { name: 'x', namespace: 'default' } }, { fieldManager: 'ci' })
    ).resolves.toBeDefined()
  })

  it('merges maps, keyed lists by key, and removes what the applier no longer sends', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(deployment('web:1', { replicas: 2 }), { fieldManager: 'ci' })
    await fake.patch(
      deployRef,
      { type: 'merge', body: { metadata: { labels: { team: 'ops' } } } },
      { fieldManager: 'ops' }
    )
    const second = deployment('web:2')
    ;(second.metadata as any).labels = {}
    const live = await fake.apply<any>(second, { fieldManager: 'ci' })
    expect(live.metadata.labels).toEqual({ team: 'ops' })
    expect(live.spec.replicas).toBe(1) // defaulted again once nobody owns it
    expect(live.spec.template.spec.containers).toEqual([
      expect.objectContaining({
        name: 'web',
        image: 'web:2',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 8080, protocol: 'TCP' }]
      })
    ])
    const ci = live.metadata.managedFields.find((e: any) => e.manager === 'ci')
    expect(ci.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']).toEqual({
      '.': {},
      'f:name': {},
      'f:image': {},
      'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } }
    })
  })

  it.each([
    ['same value: shared, no conflict', '1', false, undefined],
    [
      'other value: 409 naming the manager and field',
      '2',
      false,
      'Apply failed with 1 conflict: conflict with "ops" using v1: .data.a'
    ],
    ['other value with force: taken over', '2', true, undefined]
  ])('a field another manager owns, %s', async (_, value, force, conflict) => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(configMap({ a: '1', b: '1' }), { fieldManager: 'ops' })
    const result = fake.apply<any>(configMap({ a: value }), { fieldManager: 'ci', force })
    if (conflict) {
      const error = await rejection(result)
      expect([error.statusCode, error.status.reason, error.status.message]).toEqual([409, 'Conflict', conflict])
      expect(error.status.details?.causes).toEqual([
        { reason: 'FieldManagerConflict', message: 'conflict with "ops" using v1', field: '.data.a' }
      ])
      return
    }
    const live = await result
    expect(live.data).toEqual({ a: value, b: '1' })
    const owners = Object.fromEntries(
      live.metadata.managedFields.map((e: any) => [e.manager, Object.keys(e.fieldsV1['f:data']).sort()])
    )
    expect(owners).toEqual(force ? { ops: ['f:b'], ci: ['f:a'] } : { ops: ['f:a', 'f:b'], ci: ['f:a'] })
  })

  it('words several conflicts as the API server does (recorded in __tests__/data), a subresource by name', async () => {
    const fake = new FakeCluster({ namespaces: [ns], controllers: { deployment: false } })
    await fake.create(deployment('web:1', { replicas: 2 }), { fieldManager: 'kubectl-client-side-apply' })
    await fake.patch(
      deployRef,
      { type: 'merge', body: { spec: { replicas: 5 } } },
      { fieldManager: 'hpa', subresource: 'scale' }
    )
    const error = await rejection(fake.apply(deployment('web:2', { replicas: 3 }), { fieldManager: 'ci' }))
    expect(error.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.template.spec.containers[name="web"].image\n' +
        'conflicts with "hpa" with subresource "scale" using apps/v1:\n- .spec.replicas'
    )
  })

  const recorded = (file: string): any => JSON.parse(readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8'))
  /** A FieldsV1 tree's leaves, without the `.` markers of the maps and lists themselves. */
  const leaves = (fields: any, prefix = ''): string[] =>
    Object.entries(fields).flatMap(([k, v]) =>
      k === '.' ? [] : Object.keys(v as object).length === 0 ? [`${prefix}${k}`] : leaves(v, `${prefix}${k} `)
    )

  it('a client-side kubectl apply owns the fields a real server gives it (defaults included)', async () => {
    const live = recorded('csa-deployment-live.json')
    const lastApplied = JSON.parse(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])
    const fake = new FakeCluster({ namespaces: [lastApplied.metadata.namespace] })
    lastApplied.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = 'x'
    const created = await fake.create<any>(lastApplied, { fieldManager: 'kubectl-client-side-apply' })
    const entry = (o: any): any => o.metadata.managedFields.find((e: any) => e.manager === 'kubectl-client-side-apply')
    expect(leaves(entry(created).fieldsV1).sort()).toEqual(leaves(entry(live).fieldsV1).sort())
    expect(created.spec).toEqual(live.spec)
  })

  it('a client-side kubectl apply of a ConfigMap owns exactly what a real server records', async () => {
    const live = recorded('csa-configmap-live.json')
    const lastApplied = JSON.parse(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])
    lastApplied.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = 'x'
    const fake = new FakeCluster({ namespaces: [lastApplied.metadata.namespace] })
    const created = await fake.create<any>(lastApplied, { fieldManager: 'kubectl-client-side-apply' })
    expect(created.metadata.managedFields.map((e: any) => e.fieldsV1)).toEqual(
      live.metadata.managedFields.map((e: any) => e.fieldsV1)
    )
  })

  it('answers the conflict a real server answered (recorded)', async () => {
    const fake = new FakeCluster({ namespaces: [ns], controllers: { deployment: false } })
    const image = (name: string, replicas: number): ApplyObject => {
      const d = deployment(name, { replicas })
      ;(d.metadata as any).labels = undefined
      ;(d.spec as any).template.spec.containers[0].name = 'web'
      return d
    }
    await fake.create(image('web:dev', 2), { fieldManager: 'kubectl-client-side-apply' })
    await fake.apply(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 3 } },
      { fieldManager: 'other', force: true }
    )
    const error = await rejection(fake.apply(image('web:new', 2), { fieldManager: 'build-and-deploy' }))
    expect(error.status).toEqual(recorded('conflict-client-side-apply-and-other.json'))
  })

  it('refuses a field the schema does not declare, as the real server words it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const service: ApplyObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { selector: { app: 'web' }, typo: 'ClusterIP', ports: [{ port: 80 }] }
    }
    const applied = await rejection(fake.apply(service, { fieldManager: 'ci', dryRun: true }))
    expect([applied.statusCode, applied.status.message]).toEqual([
      500,
      'failed to create typed patch object (shop/web; /v1, Kind=Service): .spec.typo: field not declared in schema'
    ])
    const created = await rejection(fake.create(service, { strict: true }))
    expect([created.statusCode, created.status.reason, created.status.message]).toEqual([
      400,
      'BadRequest',
      'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.typo"'
    ])
    expect((await fake.create<any>(service)).spec.typo).toBeUndefined()
  })

  it('a dry run answers the result and stores nothing', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const statuses: number[] = []
    const rv = fake.resourceVersion
    const dry = await fake.apply<any>(configMap({ a: '1' }), {
      fieldManager: 'ci',
      dryRun: true,
      onStatus: s => statuses.push(s)
    })
    expect(dry.data).toEqual({ a: '1' })
    expect(dry.metadata.resourceVersion).toBeUndefined()
    expect(fake.object({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cfg' })).toBeUndefined()
    expect(fake.resourceVersion).toBe(rv)
    expect(statuses).toEqual([201])
    expect(fake.requests.map(r => [r.verb, r.dryRun])).toEqual([['apply', true]])
  })
})

describe('generation and resourceVersion', () => {
  it.each([
    ['a spec change', { spec: { replicas: 4 } }, 2],
    ['a label change', { metadata: { labels: { x: 'y' } } }, 1],
    ['a status change (main resource: ignored)', { status: { replicas: 9 } }, 1]
  ])('%s', async (_, body, generation) => {
    const fake = new FakeCluster({ namespaces: [ns], controllers: { deployment: false } })
    const before = await fake.apply<any>(deployment(), { fieldManager: 'ci' })
    const after = await fake.patch<any>(deployRef, { type: 'merge', body }, { fieldManager: 'other' })
    expect(after.metadata.generation).toBe(generation)
    expect(after.status).toBeUndefined()
    const moved = JSON.stringify(body).includes('status')
      ? before.metadata.resourceVersion
      : String(Number(before.metadata.resourceVersion) + 1)
    expect(after.metadata.resourceVersion).toBe(moved)
  })

  it('a ConfigMap has no generation; every write moves the one global counter', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const a = await fake.apply<any>(configMap({ a: '1' }, 'a'), { fieldManager: 'ci' })
    const b = await fake.apply<any>(configMap({ a: '1' }, 'b'), { fieldManager: 'ci' })
    expect(a.metadata.generation).toBeUndefined()
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1)
  })
})

describe('create, replace, patch, delete', () => {
  const lease = (holder: string, resourceVersion?: string): ApplyObject => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'deploy-lock', namespace: ns, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: { holderIdentity: holder }
  })
  const leaseRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns, name: 'deploy-lock' }

  it('create answers 409 AlreadyExists the second time', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.create(lease('a'))
    const error = await rejection(fake.create(lease('b')))
    expect([error.statusCode, error.status.reason, error.status.message]).toEqual([
      409,
      'AlreadyExists',
      'leases.coordination.k8s.io "deploy-lock" already exists'
    ])
  })

  it('replace with a stale resourceVersion is a 409 Conflict; with the current one it passes', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const first = await fake.create<any>(lease('a'))
    const second = await fake.replace<any>(lease('b', first.metadata.resourceVersion))
    const error = await rejection(fake.replace(lease('c', first.metadata.resourceVersion)))
    expect([error.statusCode, error.status.reason]).toEqual([409, 'Conflict'])
    expect(error.status.message).toBe(
      'Operation cannot be fulfilled on leases.coordination.k8s.io "deploy-lock": the object has been modified; please apply your changes to the latest version and try again'
    )
    expect(fake.object(leaseRef).spec.holderIdentity).toBe('b')
    expect(second.metadata.uid).toBe(first.metadata.uid)
  })

  it('a JSON patch test that fails is a 422 and writes nothing', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const live = await fake.create<any>(lease('a'))
    const error = await rejection(
      fake.patch(leaseRef, {
        type: 'json',
        body: [
          { op: 'test', path: '/metadata/resourceVersion', value: '1' },
          { op: 'replace', path: '/spec/holderIdentity', value: 'b' }
        ]
      })
    )
    expect([error.statusCode, error.status.reason]).toEqual([422, 'Invalid'])
    const ok = await fake.patch<any>(leaseRef, {
      type: 'json',
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion },
        { op: 'replace', path: '/spec/holderIdentity', value: 'b' }
      ]
    })
    expect(ok.spec.holderIdentity).toBe('b')
  })

  it('a JSON patch that rewrites managedFields is taken as written', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(configMap({ a: '1' }), { fieldManager: 'ci' })
    await fake.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cfg' },
      { type: 'merge', body: { data: { b: '2' } } },
      { fieldManager: 'rollback' }
    )
    const cmRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cfg' }
    expect(fake.object(cmRef).metadata.managedFields.map((e: any) => e.manager)).toEqual(['ci', 'rollback'])
    await fake.patch(cmRef, {
      type: 'json',
      body: [
        { op: 'test', path: '/metadata/managedFields/1/manager', value: 'rollback' },
        { op: 'remove', path: '/metadata/managedFields/1' }
      ]
    })
    expect(fake.object(cmRef).metadata.managedFields.map((e: any) => e.manager)).toEqual(['ci'])
  })

  it('delete honours uid and resourceVersion preconditions, and 404s when gone', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const live = await fake.create<any>(lease('a'))
    const wrongUid = await rejection(fake.delete(leaseRef, { preconditions: { uid: 'other' } }))
    expect([wrongUid.statusCode, wrongUid.status.message]).toEqual([
      409,
      `Precondition failed: UID in precondition: other, UID in object meta: ${live.metadata.uid}`
    ])
    const wrongRv = await rejection(fake.delete(leaseRef, { preconditions: { resourceVersion: '1' } }))
    expect(wrongRv.statusCode).toBe(409)
    await fake.delete(leaseRef, {
      preconditions: { uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion }
    })
    expect(await fake.get(leaseRef)).toBeUndefined()
    expect((await rejection(fake.delete(leaseRef))).statusCode).toBe(404)
  })

  it('the scale subresource sets replicas and owns them for its manager', async () => {
    const fake = new FakeCluster({ namespaces: [ns], controllers: { deployment: false } })
    await fake.apply(deployment('web:1', { replicas: 2 }), { fieldManager: 'ci' })
    const scale = await fake.patch<any>(
      deployRef,
      { type: 'merge', body: { spec: { replicas: 6 } } },
      { fieldManager: 'hpa', subresource: 'scale' }
    )
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 6 },
      status: { selector: 'app=web' }
    })
    const live = fake.object(deployRef)
    expect(live.spec.replicas).toBe(6)
    expect(live.metadata.managedFields.find((e: any) => e.manager === 'hpa')).toMatchObject({
      operation: 'Update',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } }
    })
    expect(
      live.metadata.managedFields.find((e: any) => e.manager === 'ci').fieldsV1['f:spec']['f:replicas']
    ).toBeUndefined()
  })

  it('a strategic merge patch merges containers by name and honours $patch: replace', async () => {
    const fake = new FakeCluster({ namespaces: [ns], controllers: { deployment: false } })
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    const strategic = (body: unknown): any => ({ type: 'strategic', body })
    const merged = await fake.patch<any>(
      deployRef,
      strategic({ spec: { template: { spec: { containers: [{ name: 'side', image: 's:1' }] } } } })
    )
    expect(merged.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'side'])
    const replaced = await fake.patch<any>(
      deployRef,
      strategic({
        spec: {
          template: {
            $patch: 'replace',
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'web:0' }] }
          }
        }
      })
    )
    expect(replaced.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'web', image: 'web:0' })])
  })

  it('the status subresource writes status only, owned by its own entry', async () => {
    const fake = new FakeCluster({ namespaces: [ns], controllers: { deployment: false } })
    const before = await fake.apply<any>(deployment(), { fieldManager: 'ci' })
    const after = await fake.patch<any>(
      deployRef,
      { type: 'merge', body: { spec: { replicas: 7, paused: true }, status: { replicas: 3 } } },
      { fieldManager: 'ctl', subresource: 'status' }
    )
    expect([after.spec, after.status, after.metadata.generation]).toEqual([before.spec, { replicas: 3 }, 1])
    expect(after.metadata.managedFields.find((e: any) => e.manager === 'ctl')).toMatchObject({
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:replicas': {} } }
    })
  })

  it('injects a failure on the Nth matching request only', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failNext({ verb: 'apply', kind: 'ConfigMap', status: 500, skip: 1 })
    await fake.apply(configMap({ a: '1' }), { fieldManager: 'ci' })
    const error = await rejection(fake.apply(configMap({ a: '2' }), { fieldManager: 'ci' }))
    expect([error.statusCode, error.status.reason]).toEqual([500, 'InternalError'])
    await fake.apply(configMap({ a: '3' }), { fieldManager: 'ci' })
    expect(fake.object({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cfg' }).data.a).toBe('3')
  })
})

describe('list and selectors', () => {
  const fake = new FakeCluster({ namespaces: [ns], controllers: { garbageCollector: false } }).seed(
    [
      ['a', { app: 'web', tier: 'front' }],
      ['b', { app: 'web', tier: 'back' }],
      ['c', { app: 'db' }]
    ].map(([name, labels]) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: name as string, namespace: ns, labels: labels as Record<string, string> }
    }))
  )
  it.each([
    ['app=web', ['a', 'b']],
    ['app==web,tier!=front', ['b']],
    ['tier in (front, back)', ['a', 'b']],
    ['app notin (web)', ['c']],
    ['tier', ['a', 'b']],
    ['!tier', ['c']],
    ['', ['a', 'b', 'c']]
  ])('labelSelector %p', async (labelSelector, names) => {
    const list = await fake.list<any>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }, { labelSelector })
    expect(list.items.map(i => i.metadata.name)).toEqual(names)
    expect(list.metadata.resourceVersion).toBe(fake.resourceVersion)
  })

  it.each([
    ['metadata.name=b', ['b']],
    ['metadata.name!=b', ['a', 'c']],
    [`metadata.namespace=${ns}`, ['a', 'b', 'c']]
  ])('fieldSelector %p', async (fieldSelector, names) => {
    const list = await fake.list<any>({ apiVersion: 'v1', kind: 'ConfigMap' }, { fieldSelector })
    expect(list.items.map(i => i.metadata.name)).toEqual(names)
  })

  it('selects Events by involvedObject.name and type; refuses an unknown field', async () => {
    const events = new FakeCluster({ namespaces: [ns] }).seed(
      ['Warning', 'Normal'].map((type, i) => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `e${i}`, namespace: ns },
        involvedObject: { kind: 'Pod', name: 'web-1' },
        type
      }))
    )
    const list = await events.list<any>(
      { apiVersion: 'v1', kind: 'Event', namespace: ns },
      { fieldSelector: 'involvedObject.name=web-1,type=Warning' }
    )
    expect(list.items.map(i => i.metadata.name)).toEqual(['e0'])
    const error = await rejection(events.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { fieldSelector: 'data.x=1' }))
    expect([error.statusCode, error.status.message]).toEqual([400, 'field label not supported: data.x'])
  })

  it('pages with limit and continue', async () => {
    const first = await fake.list<any>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }, { limit: 2 })
    const rest = await fake.list<any>(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns },
      { limit: 2, continue: first.metadata.continue }
    )
    expect([
      first.items.map(i => i.metadata.name),
      rest.items.map(i => i.metadata.name),
      rest.metadata.continue
    ]).toEqual([['a', 'b'], ['c'], undefined])
  })
})

describe('watch', () => {
  const cmRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }

  it('replays the events after a resourceVersion, then streams live ones, and ends on abort', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(configMap({ a: '1' }), { fieldManager: 'ci' })
    const { metadata } = await fake.list(cmRef)
    await fake.apply(configMap({ a: '2' }), { fieldManager: 'ci' })
    const controller = new AbortController()
    const stream = fake.watch<any>(cmRef, { resourceVersion: metadata.resourceVersion }, controller.signal)
    setImmediate(() => void fake.delete({ ...cmRef, name: 'cfg' }))
    const events = await collect(stream, e => e.type === 'DELETED')
    expect(events.map(e => [e.type, e.object.data?.a])).toEqual([
      ['MODIFIED', '2'],
      ['DELETED', '2']
    ])
    const live = collect(fake.watch<any>(cmRef, {}, controller.signal), () => false)
    setImmediate(() => controller.abort())
    expect(await live).toEqual([])
  })

  it('a label-selected watch sees objects enter (ADDED) and leave (DELETED) the selection', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const rv = fake.resourceVersion
    await fake.apply(
      { ...configMap({}), metadata: { name: 'cfg', namespace: ns, labels: { app: 'web' } } },
      { fieldManager: 'ci' }
    )
    await fake.apply(
      { ...configMap({}), metadata: { name: 'cfg', namespace: ns, labels: { app: 'db' } } },
      { fieldManager: 'ci' }
    )
    const events = await collect(
      fake.watch<any>(cmRef, { resourceVersion: rv, labelSelector: 'app=web' }, new AbortController().signal),
      (_, all) => all.length === 2
    )
    expect(events.map(e => e.type)).toEqual(['ADDED', 'DELETED'])
  })

  it('a resourceVersion older than the kept history is an ERROR event with a 410 Status', async () => {
    const fake = new FakeCluster({ namespaces: [ns], historyLimit: 2 })
    const rv = fake.resourceVersion
    for (const a of ['1', '2', '3']) await fake.apply(configMap({ a }), { fieldManager: 'ci' })
    const events = await collect(
      fake.watch<any>(cmRef, { resourceVersion: rv }, new AbortController().signal),
      () => false
    )
    expect(events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }
    ])
  })

  it('close ends open watches', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const stream = fake.watch<any>(cmRef, { resourceVersion: fake.resourceVersion }, new AbortController().signal)
    setImmediate(() => fake.close())
    expect(await collect(stream, () => false)).toEqual([])
  })
})

describe('Deployment controller', () => {
  const replicaSets = (fake: FakeCluster): Array<[string, string | undefined, number]> =>
    fake
      .objectsOf('apps/v1', 'ReplicaSet', ns)
      .map(rs => [
        rs.spec.template.spec.containers[0].image,
        rs.metadata.annotations['deployment.kubernetes.io/revision'],
        rs.spec.replicas
      ])

  it('rolls out in steps a watch sees, ending as kubectl calls complete', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const stream = fake.watch<any>(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns },
      { fieldSelector: 'metadata.name=web', resourceVersion: fake.resourceVersion },
      new AbortController().signal
    )
    await fake.apply(deployment('web:1', { replicas: 2 }), { fieldManager: 'ci' })
    const events = await collect(stream, e =>
      e.object.status?.conditions?.some((c: any) => c.reason === 'NewReplicaSetAvailable')
    )
    expect(events.length).toBeGreaterThan(3)
    expect(events.some(e => e.object.status?.updatedReplicas === 2 && !e.object.status?.availableReplicas)).toBe(true)
    const done = events[events.length - 1].object
    expect(done.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2
    })
    expect(done.status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable']
    ])
    // As the recorded csa-deployment-live.json: the controller's one entry, through status, owns the revision annotation too.
    const controllerEntry = done.metadata.managedFields.find((e: any) => e.manager === 'kube-controller-manager')
    expect([
      done.metadata.managedFields.length,
      controllerEntry.subresource,
      Object.keys(controllerEntry.fieldsV1).sort()
    ]).toEqual([2, 'status', ['f:metadata', 'f:status']])
    const [rs] = fake.objectsOf('apps/v1', 'ReplicaSet', ns)
    const hash = rs.metadata.labels['pod-template-hash']
    expect(rs.metadata.name).toBe(`web-${hash}`)
    expect(rs.metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true })
    expect(fake.objectsOf('v1', 'Pod', ns).map(p => [p.metadata.labels['pod-template-hash'], p.status.phase])).toEqual([
      [hash, 'Running'],
      [hash, 'Running']
    ])
  })

  it('numbers revisions, and a rollback to an old template reuses its ReplicaSet with the next revision', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    await fake.settle()
    await fake.apply(deployment('web:2'), { fieldManager: 'ci' })
    await fake.settle()
    expect(replicaSets(fake).sort()).toEqual([
      ['web:1', '1', 0],
      ['web:2', '2', 1]
    ])
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    await fake.settle()
    expect(replicaSets(fake).sort()).toEqual([
      ['web:1', '3', 1],
      ['web:2', '2', 0]
    ])
    const rs1 = fake
      .objectsOf('apps/v1', 'ReplicaSet', ns)
      .find(rs => rs.spec.template.spec.containers[0].image === 'web:1')
    expect(rs1.metadata.annotations['deployment.kubernetes.io/revision-history']).toBe('1')
    expect(fake.object(deployRef).metadata.annotations['deployment.kubernetes.io/revision']).toBe('3')
  })

  it('failing pods keep the rollout from completing; the deadline switch reports ProgressDeadlineExceeded', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('app=web', { reason: 'CrashLoopBackOff', log: 'panic: boom\n' })
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    await fake.settle()
    const [pod] = fake.objectsOf('v1', 'Pod', ns)
    expect(pod.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff')
    expect(
      await fake.podLog(
        { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod.metadata.name },
        { previous: true, tailLines: 1 }
      )
    ).toBe('panic: boom\n')
    const warnings = await fake.list<any>(
      { apiVersion: 'v1', kind: 'Event', namespace: ns },
      { fieldSelector: `involvedObject.name=${pod.metadata.name},type=Warning` }
    )
    expect(warnings.items.map(e => e.reason)).toEqual(['BackOff'])
    expect(fake.object(deployRef).status.availableReplicas).toBeUndefined()
    fake.exceedProgressDeadline(deployRef)
    await fake.settle()
    expect(fake.object(deployRef).status.conditions.find((c: any) => c.type === 'Progressing').reason).toBe(
      'ProgressDeadlineExceeded'
    )
    fake.healPods()
    await fake.settle()
    expect(fake.object(deployRef).status.conditions.find((c: any) => c.type === 'Progressing').reason).toBe(
      'NewReplicaSetAvailable'
    )
  })

  it('deleting a Deployment takes its ReplicaSets and Pods with it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    await fake.settle()
    await fake.delete(deployRef)
    await fake.settle()
    expect([fake.objectsOf('apps/v1', 'ReplicaSet', ns), fake.objectsOf('v1', 'Pod', ns)]).toEqual([[], []])
  })
})

describe('other controllers', () => {
  it('StatefulSet: ControllerRevisions numbered, current and update revisions', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const sts = (image: string): ApplyObject => ({
      ...deployment(image, { replicas: 2, serviceName: 'db' }),
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: ns }
    })
    await fake.apply(sts('db:1'), { fieldManager: 'ci' })
    await fake.settle()
    await fake.apply(sts('db:2'), { fieldManager: 'ci' })
    await fake.settle()
    const live = fake.object({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: ns, name: 'db' })
    const revisions = fake.objectsOf('apps/v1', 'ControllerRevision', ns).map(r => [r.metadata.name, r.revision])
    expect(revisions.map(r => r[1]).sort()).toEqual([1, 2])
    expect(live.status).toMatchObject({ observedGeneration: 2, replicas: 2, readyReplicas: 2, updatedReplicas: 2 })
    expect(live.status.currentRevision).toBe(live.status.updateRevision)
    expect(revisions.find(r => r[1] === 2)![0]).toBe(live.status.updateRevision)
    expect(live.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } })
  })

  it('DaemonSet: one pod per node, rolled out', async () => {
    const fake = new FakeCluster({ namespaces: [ns], nodes: ['n1', 'n2', 'n3'] })
    await fake.apply(
      { ...deployment('agent:1'), kind: 'DaemonSet', metadata: { name: 'agent', namespace: ns } },
      { fieldManager: 'ci' }
    )
    await fake.settle()
    const ds = fake.object({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: ns, name: 'agent' })
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      observedGeneration: 1
    })
    expect(
      fake
        .objectsOf('v1', 'Pod', ns)
        .map(p => p.spec.nodeName)
        .sort()
    ).toEqual(['n1', 'n2', 'n3'])
    expect(fake.objectsOf('apps/v1', 'ControllerRevision', ns).map(r => r.revision)).toEqual([1])
  })

  it.each([
    [{ reason: 'ErrImagePull' }, (p: any) => p.status.containerStatuses[0].state.waiting.reason, 'ErrImagePull'],
    [{ reason: 'OOMKilled' }, (p: any) => p.status.containerStatuses[0].lastState.terminated.reason, 'OOMKilled'],
    [{ reason: 'Unschedulable' }, (p: any) => p.status.conditions[0].reason, 'Unschedulable'],
    [
      { reason: 'Unhealthy' },
      (p: any) => [p.status.phase, p.status.containerStatuses[0].ready].join(' '),
      'Running false'
    ]
  ])('failPods %p', async (failure, read, expected) => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('app=web', failure)
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    await fake.settle()
    const [pod] = fake.objectsOf('v1', 'Pod', ns)
    expect(read(pod)).toBe(expected)
    expect(fake.object(deployRef).status.conditions.find((c: any) => c.type === 'Progressing').reason).toBe(
      'ReplicaSetUpdated'
    )
  })

  it('an Orphan delete leaves the dependents, without their owner reference', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    await fake.settle()
    await fake.delete(deployRef, { propagationPolicy: 'Orphan' })
    await fake.settle()
    const [rs] = fake.objectsOf('apps/v1', 'ReplicaSet', ns)
    expect([rs.metadata.ownerReferences, fake.objectsOf('v1', 'Pod', ns).length]).toEqual([undefined, 1])
  })

  it('Job: Complete once its pod succeeded', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: ns },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:1' }] } } }
      },
      { fieldManager: 'ci' }
    )
    await fake.settle()
    const job = fake.object({ apiVersion: 'batch/v1', kind: 'Job', namespace: ns, name: 'migrate' })
    expect(job.status.succeeded).toBe(1)
    expect(job.status.conditions.map((c: any) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete'])
  })

  it("Job: a failing pod ends Failed (not restarted), its log read as the current container's", async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('batch.kubernetes.io/job-name=migrate', {
      reason: 'Error',
      exitCode: 3,
      log: 'migration 42 failed\n'
    })
    await fake.apply(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: ns },
        spec: {
          backoffLimit: 0,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:1' }] } }
        }
      },
      { fieldManager: 'ci' }
    )
    await fake.settle()
    const [pod] = fake.objectsOf('v1', 'Pod', ns)
    const podRef = { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod.metadata.name }
    expect([pod.status.phase, pod.status.containerStatuses[0].state.terminated.exitCode]).toEqual(['Failed', 3])
    expect(await fake.podLog(podRef, { container: 'm' })).toBe('migration 42 failed\n')
    expect((await rejection(fake.podLog(podRef, { container: 'm', previous: true }))).statusCode).toBe(400)
    expect(
      fake
        .object({ apiVersion: 'batch/v1', kind: 'Job', namespace: ns, name: 'migrate' })
        .status.conditions.map((c: any) => c.reason)
    ).toContain('BackoffLimitExceeded')
  })

  it('a Job template is immutable: 422 with the causes job-replace.ts looks for, on a dry run too', async () => {
    const fake = new FakeCluster({ namespaces: [ns], controllers: { job: false } })
    const job = (image: string): ApplyObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: ns },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image }] } } }
    })
    await fake.apply(job('m:1'), { fieldManager: 'ci' })
    const error = await rejection(fake.apply(job('m:2'), { fieldManager: 'ci', dryRun: true }))
    expect([
      error.statusCode,
      error.status.reason,
      error.status.details?.causes?.map(c => [c.field, /field is immutable/.test(c.message ?? '')])
    ]).toEqual([422, 'Invalid', [['spec.template', true]]])
    expect(error.status.message).toMatch(
      /^Job.batch "migrate" is invalid: spec.template: Invalid value: .*: field is immutable$/
    )
  })

  it('a CustomResourceDefinition serves its kind once Established', async () => {
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
    await fake.apply(crd, { fieldManager: 'ci' })
    expect(await fake.resourceFor('example.com/v1', 'Widget')).toBeUndefined()
    await fake.settle()
    expect(await fake.resourceFor('example.com/v1', 'Widget')).toEqual({
      plural: 'widgets',
      namespaced: true,
      groupVersion: 'example.com/v1'
    })
    const rv = fake.resourceVersion
    const widget = await fake.apply<any>(
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: { size: 1 } },
      { fieldManager: 'ci' }
    )
    expect(widget.metadata.generation).toBe(1)
    const watched = await collect(
      fake.watch<any>(
        { apiVersion: 'example.com/v1', kind: 'Widget', namespace: ns },
        { resourceVersion: rv },
        new AbortController().signal
      ),
      () => true
    )
    expect(watched.map(e => [e.type, e.object.kind, e.object.metadata.name])).toEqual([['ADDED', 'Widget', 'w']])
    expect((await fake.list<any>({ apiVersion: 'example.com/v1', kind: 'Widget' })).items[0].kind).toBe('Widget')
    expect((await fake.serverCapabilities()).apiVersions).toEqual(
      expect.arrayContaining(['example.com/v1', 'example.com/v1/Widget', 'apps/v1/Deployment', 'apps/v1/Scale'])
    )
    await fake.delete({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'widgets.example.com'
    })
    expect(await fake.resourceFor('example.com/v1', 'Widget')).toBeUndefined()
    expect(fake.requests.filter(r => r.verb === 'apply').map(r => r.kind)).toEqual([
      'CustomResourceDefinition',
      'Widget'
    ])
  })
})
