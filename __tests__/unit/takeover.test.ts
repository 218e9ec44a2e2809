import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  clientSideApplyManager,
  fieldPaths,
  fieldsDifference,
  fieldsIntersection,
  fieldsUnion,
  isClientSideApplyConflict,
  planTakeover,
  takeoverEntries,
  takeoverSummary
} from '../../src/deploy/takeover.js'
import { FieldsV1, ManagedFieldsEntry, writeManagedFields } from '../../src/kube/managed-fields.js'
import type { Cluster, Patch } from '../../src/kube/cluster.js'
import { KubeApiError, type KubeStatus } from '../../src/kube/errors.js'
import type { KubeObject } from '../../src/manifests/documents.js'

const data = (name: string) =>
  JSON.parse(readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../data', name), 'utf8'))
const deploymentLive: KubeObject = data('csa-deployment-live.json')
const deploymentForced: KubeObject = data('csa-deployment-forced-dry-run.json')
const configMapLive: KubeObject = data('csa-configmap-live.json')
const configMapForced: KubeObject = data('csa-configmap-forced-dry-run.json')
const entries = (o: KubeObject): ManagedFieldsEntry[] => o.metadata.managedFields as ManagedFieldsEntry[]
const entry = (o: KubeObject, manager: string): ManagedFieldsEntry => entries(o).find(e => e.manager === manager)!
const sorted = (fields: FieldsV1 | undefined): string[] => fieldPaths(fields).sort()

const container = 'f:spec f:template f:spec f:containers k:{"name":"web"}'

describe('FieldsV1 set operations', () => {
  it.each<[string, FieldsV1, FieldsV1, FieldsV1, FieldsV1, FieldsV1]>([
    // name, a, b, a ∩ b, a − b, a ∪ b
    ['disjoint leaves', { 'f:a': {} }, { 'f:b': {} }, {}, { 'f:a': {} }, { 'f:a': {}, 'f:b': {} }],
    [
      'a leaf against the same node with children: "." is the node itself',
      { 'f:x': {} },
      { 'f:x': { 'f:y': {} } },
      {},
      { 'f:x': {} },
      { 'f:x': { '.': {}, 'f:y': {} } }
    ],
    [
      'a node owned with "." and its children',
      { 'f:x': { '.': {}, 'f:y': {} } },
      { 'f:x': {} },
      { 'f:x': {} },
      { 'f:x': { 'f:y': {} } },
      { 'f:x': { '.': {}, 'f:y': {} } }
    ],
    // A map some manager created ("." on labels) keeps it when another takes one key.
    [
      'labels',
      { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:team': {} } } },
      { 'f:metadata': { 'f:labels': { 'f:app': {} } } },
      { 'f:metadata': { 'f:labels': { 'f:app': {} } } },
      { 'f:metadata': { 'f:labels': { '.': {}, 'f:team': {} } } },
      { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:team': {} } } }
    ],
    [
      'list items by key, set values and indexes',
      {
        'f:ports': { 'k:{"port":80}': { '.': {}, 'f:port': {} }, 'k:{"port":81}': {} },
        'f:finalizers': { 'v:"a"': {} },
        'f:args': { 'i:0': {} }
      },
      {
        'f:ports': { 'k:{"port":80}': { 'f:port': {} } },
        'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} },
        'f:args': { 'i:1': {} }
      },
      { 'f:ports': { 'k:{"port":80}': { 'f:port': {} } }, 'f:finalizers': { 'v:"a"': {} } },
      { 'f:ports': { 'k:{"port":80}': {}, 'k:{"port":81}': {} }, 'f:args': { 'i:0': {} } },
      {
        'f:ports': { 'k:{"port":80}': { '.': {}, 'f:port': {} }, 'k:{"port":81}': {} },
        'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} },
        'f:args': { 'i:0': {}, 'i:1': {} }
      }
    ],
    ['empty sets', {}, { 'f:a': {} }, {}, {}, { 'f:a': {} }]
  ])('%s', (_, a, b, intersection, difference, union) => {
    expect(fieldsIntersection(a, b)).toEqual(intersection)
    expect(fieldsDifference(a, b)).toEqual(difference)
    expect(fieldsUnion(a, b)).toEqual(union)
  })

  // Every pair of recorded entries (client-side, controller status, the action's forced Apply): the operations agree
  // with the same operations on the flat lists of member paths.
  const recorded = [deploymentLive, deploymentForced, configMapLive, configMapForced].flatMap(o =>
    entries(o).map(e => e.fieldsV1!)
  )
  const pairs = recorded.flatMap((a, i) => recorded.map((b, j) => [`${i}×${j}`, a, b] as const))
  it.each(pairs)('recorded entries %s', (_, a, b) => {
    const [pa, pb] = [new Set(fieldPaths(a)), new Set(fieldPaths(b))]
    expect(sorted(fieldsIntersection(a, b))).toEqual([...pa].filter(p => pb.has(p)).sort())
    expect(sorted(fieldsDifference(a, b))).toEqual([...pa].filter(p => !pb.has(p)).sort())
    expect(sorted(fieldsUnion(a, b))).toEqual([...new Set([...pa, ...pb])].sort())
    expect(sorted(fieldsUnion(fieldsDifference(a, b), fieldsIntersection(a, b)))).toEqual([...pa].sort())
  })
})

describe('isClientSideApplyConflict', () => {
  const status = (name: string): KubeStatus => data(name)
  it.each([
    [
      'a conflict with kubectl-client-side-apply alone',
      409,
      status('conflict-client-side-apply.json'),
      'apps/v1',
      true
    ],
    [
      'the same, in another apiVersion than the manifest',
      409,
      status('conflict-client-side-apply.json'),
      'apps/v1beta2',
      false
    ],
    [
      'client-side apply and another manager',
      409,
      status('conflict-client-side-apply-and-other.json'),
      'apps/v1',
      false
    ],
    ['another manager by server-side apply', 409, status('conflict-other-apply.json'), 'v1', false],
    [
      'a cause with the time of the update',
      409,
      {
        reason: 'Conflict',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: `conflict with "${clientSideApplyManager}" using v1 at 2026-12-02T18:05:59Z`
            }
          ]
        }
      },
      'v1',
      true
    ],
    [
      'client-side apply of a subresource',
      409,
      {
        reason: 'Conflict',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: `conflict with "${clientSideApplyManager}" with subresource "scale" using apps/v1`
            }
          ]
        }
      },
      'apps/v1',
      false
    ],
    [
      'a conflict of another kind (resourceVersion)',
      409,
      { reason: 'Conflict', message: 'the object has been modified' },
      'apps/v1',
      false
    ],
    ['an invalid object', 422, { ...status('conflict-client-side-apply.json'), code: 422 }, 'apps/v1', false]
  ])('%s', (_, code, body, apiVersion, expected) => {
    expect(isClientSideApplyConflict(code as number, body as KubeStatus, apiVersion as string)).toBe(expected)
  })
})

describe('planTakeover on objects kubectl apply wrote', () => {
  it('moves the fields the manifest sets from kubectl-client-side-apply to the action, and nothing else', () => {
    const plan = planTakeover(deploymentLive, deploymentForced, 'build-and-deploy')!
    expect(sorted(plan.fields)).toEqual(
      [
        'f:metadata f:labels f:app',
        'f:spec f:replicas',
        'f:spec f:selector',
        'f:spec f:template f:metadata f:labels f:app',
        container,
        `${container} f:envFrom`,
        `${container} f:image`,
        `${container} f:name`,
        `${container} f:ports k:{"containerPort":8080,"protocol":"TCP"}`,
        `${container} f:ports k:{"containerPort":8080,"protocol":"TCP"} f:containerPort`
      ].sort()
    )
    expect(plan).toMatchObject({
      from: clientSideApplyManager,
      to: 'build-and-deploy',
      object: `Deployment ${deploymentLive.metadata.namespace}/web`,
      count: 10,
      resourceVersion: '1967'
    })

    const after = takeoverEntries(entries(deploymentLive), plan)
    expect(after.map(e => e.manager)).toEqual([clientSideApplyManager, 'kube-controller-manager', 'build-and-deploy'])
    const clientSide = sorted(after[0].fieldsV1)
    // What only kubectl apply set, and the defaults it recorded, stay with it.
    expect(clientSide).toEqual(
      expect.arrayContaining([
        'f:metadata f:labels f:team',
        'f:metadata f:annotations f:owner.example/legacy',
        'f:metadata f:annotations f:kubectl.kubernetes.io/last-applied-configuration',
        `${container} f:imagePullPolicy`,
        'f:spec f:strategy f:type'
      ])
    )
    expect(clientSide).not.toContain(`${container} f:image`)
    expect(clientSide).toEqual(
      sorted(fieldsDifference(entry(deploymentLive, clientSideApplyManager).fieldsV1, plan.fields))
    )
    expect(after[0]).toMatchObject({
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: entry(deploymentLive, clientSideApplyManager).time
    })
    expect(after[1]).toBe(entries(deploymentLive)[1])
    expect(after[2]).toEqual({
      manager: 'build-and-deploy',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: plan.fields
    })
  })

  it('takes a ConfigMap value over and leaves the key only kubectl apply wrote', () => {
    const plan = planTakeover(configMapLive, configMapForced, 'build-and-deploy')!
    expect(sorted(plan.fields)).toEqual(['f:data f:GREETING', 'f:metadata f:labels f:app'])
    const after = takeoverEntries(entries(configMapLive), plan)
    expect(sorted(after[0].fieldsV1)).toEqual(
      [
        'f:data',
        'f:data f:OLD_KEY',
        'f:metadata f:annotations',
        'f:metadata f:annotations f:kubectl.kubernetes.io/last-applied-configuration',
        'f:metadata f:labels',
        'f:metadata f:labels f:legacy'
      ].sort()
    )
  })

  it('drops the client-side entry once it has nothing left, and adds to an Apply entry the action already has', () => {
    const own: ManagedFieldsEntry = {
      manager: 'build-and-deploy',
      operation: 'Apply',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:OTHER': {} } }
    }
    const clientSide: ManagedFieldsEntry = {
      manager: clientSideApplyManager,
      operation: 'Update',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:GREETING': {} } }
    }
    const live = { ...configMapLive, metadata: { ...configMapLive.metadata, managedFields: [clientSide, own] } }
    const plan = planTakeover(live, configMapForced, 'build-and-deploy')!
    expect(takeoverEntries([clientSide, own], plan)).toEqual([
      { ...own, fieldsV1: { 'f:data': { 'f:GREETING': {}, 'f:OTHER': {} } } }
    ])
  })

  it.each([
    [
      'no client-side entry in the manifest apiVersion',
      { ...deploymentLive, apiVersion: 'apps/v1beta2' },
      deploymentForced
    ],
    [
      'an own Apply entry in another apiVersion',
      withEntry(deploymentLive, {
        manager: 'build-and-deploy',
        operation: 'Apply',
        apiVersion: 'apps/v1beta2',
        fieldsV1: {}
      }),
      deploymentForced
    ],
    [
      'a forced dry run without the action entry',
      deploymentLive,
      { ...deploymentForced, metadata: { ...deploymentForced.metadata, managedFields: [] } }
    ],
    ['nothing in common', configMapLive, withFields(configMapForced, 'build-and-deploy', { 'f:data': { 'f:NEW': {} } })]
  ])('plans nothing, so the conflict stays an error: %s', (_, live, forced) => {
    expect(planTakeover(live as KubeObject, forced as KubeObject, 'build-and-deploy')).toBeUndefined()
  })

  it('writes on a newer object when only other entries changed, and refuses when the client-side entry did', () => {
    const plan = planTakeover(deploymentLive, deploymentForced, 'build-and-deploy')!
    const statusMoved = entries(deploymentLive).map(e =>
      e.subresource === 'status' ? { ...e, time: '2026-12-02T19:00:00Z' } : e
    )
    expect(takeoverEntries(statusMoved, plan)[1]).toBe(statusMoved[1])
    const reapplied = withFields(
      deploymentLive,
      clientSideApplyManager,
      fieldsUnion(entry(deploymentLive, clientSideApplyManager).fieldsV1, {
        'f:metadata': { 'f:labels': { 'f:tier': {} } }
      })
    )
    expect(() => takeoverEntries(entries(reapplied), plan)).toThrow(
      `Deployment ${deploymentLive.metadata.namespace}/web changed since validation: the fields of kubectl-client-side-apply or build-and-deploy are no longer those the dry run saw`
    )
    expect(() =>
      takeoverEntries(
        entries(deploymentLive).filter(e => e.manager !== clientSideApplyManager),
        plan
      )
    ).toThrow('changed since validation')
  })
})

describe('takeoverSummary', () => {
  const deployment = {
    target: { object: deploymentLive },
    takeover: planTakeover(deploymentLive, deploymentForced, 'build-and-deploy')
  }
  const configMap = {
    target: { object: configMapLive },
    takeover: planTakeover(configMapLive, configMapForced, 'build-and-deploy')
  }
  const ns = deploymentLive.metadata.namespace
  it.each([
    [
      [deployment, configMap, { target: { object: configMapLive } }],
      false,
      `Took over 12 fields of 2 objects from kubectl-client-side-apply, as kubectl apply --server-side does: deployment/web (${ns}), configmap/web-config (${ns})`
    ],
    [
      [configMap],
      true,
      `Would take over 2 fields of 1 object from kubectl-client-side-apply, as kubectl apply --server-side does: configmap/web-config (${ns})`
    ],
    [[{ target: { object: configMapLive } }], false, undefined]
  ])('%#', (applied, dryRun, line) => {
    expect(takeoverSummary(applied, dryRun)).toBe(line)
  })
})

function withEntry(o: KubeObject, extra: ManagedFieldsEntry): KubeObject {
  return { ...o, metadata: { ...o.metadata, managedFields: [...entries(o), extra] } }
}

function withFields(o: KubeObject, manager: string, fieldsV1: FieldsV1): KubeObject {
  return {
    ...o,
    metadata: { ...o.metadata, managedFields: entries(o).map(e => (e.manager === manager ? { ...e, fieldsV1 } : e)) }
  }
}

describe('writeManagedFields', () => {
  // A stand-in for the API server: each PATCH's test op passes only at the current resourceVersion.
  // `move` changes the object before the nth PATCH arrives; `refuse` makes the server reject the managedFields.
  function server(object: KubeObject, move: (o: KubeObject, n: number) => KubeObject, refuse = false) {
    let current = structuredClone(object)
    let patches = 0
    const sent: unknown[] = []
    const rejected = () =>
      new KubeApiError(
        422,
        { message: 'the server rejected our request due to an error in our request', reason: 'Invalid' },
        'PATCH',
        '/x'
      )
    const kube = {
      get: async () => structuredClone(current),
      patch: async (_ref: unknown, patch: Patch) => {
        expect(patch.type).toBe('json')
        const body = patch.body as Array<{ op: string; path: string; value: unknown }>
        sent.push(body)
        current = move(current, patches++)
        const [test, replace] = body
        if (test.value !== current.metadata.resourceVersion || refuse) throw rejected()
        current = {
          ...current,
          metadata: {
            ...current.metadata,
            resourceVersion: String(Number(current.metadata.resourceVersion) + 1),
            managedFields: replace.value
          }
        }
        return current
      }
    }
    return { kube: kube as unknown as Cluster, sent, current: () => current }
  }
  const plan = planTakeover(deploymentLive, deploymentForced, 'build-and-deploy')!
  const write = (s: ReturnType<typeof server>) =>
    writeManagedFields(s.kube, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'x', name: 'web' }, plan, e =>
      takeoverEntries(e, plan)
    )

  it('writes at the planned resourceVersion, and again on a newer one when only a status update came between', async () => {
    const statusUpdate = (o: KubeObject, n: number): KubeObject =>
      n > 0
        ? o
        : {
            ...o,
            metadata: {
              ...o.metadata,
              resourceVersion: '2000',
              managedFields: entries(o).map(e => (e.subresource ? { ...e, time: 'later' } : e))
            }
          }
    const s = server(deploymentLive, statusUpdate)
    await write(s)
    expect(s.sent).toHaveLength(2)
    expect((s.sent as any)[0][0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '1967' })
    expect((s.sent as any)[1][0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '2000' })
    const written = entries(s.current())
    expect(
      ownersOf(written, ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])
    ).toEqual(['build-and-deploy'])
    expect(written.find(e => e.subresource)?.time).toBe('later')
  })

  it('refuses when kubectl apply wrote the object again in between', async () => {
    const reapply = (o: KubeObject): KubeObject => {
      const again = withFields(
        o,
        clientSideApplyManager,
        fieldsUnion(entry(o, clientSideApplyManager).fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } } })
      )
      return { ...again, metadata: { ...again.metadata, resourceVersion: '2001' } }
    }
    const s = server(deploymentLive, (o, n) => (n > 0 ? o : reapply(o)))
    await expect(write(s)).rejects.toThrow('changed since validation')
    expect(s.sent).toHaveLength(1)
    expect(entries(s.current())).toEqual(entries(reapply(deploymentLive)))
  })

  it('passes on a refusal of the managedFields themselves, and gives up on an object that never holds still', async () => {
    const refused = server(deploymentLive, o => o, true)
    await expect(write(refused)).rejects.toThrow('the server rejected our request')
    expect(refused.sent).toHaveLength(1)
    const busy = server(deploymentLive, (o, n) => ({
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(3000 + n) }
    }))
    await expect(write(busy)).rejects.toThrow(
      'the object changed during each of 5 attempts to write its managedFields; run the deploy again.'
    )
    expect(busy.sent).toHaveLength(5)
    expect(entries(busy.current())).toEqual(entries(deploymentLive))
  })
})

function ownersOf(list: ManagedFieldsEntry[], keys: string[]): string[] {
  return list.filter(e => keys.reduce<any>((node, key) => node?.[key], e.fieldsV1) !== undefined).map(e => e.manager!)
}
