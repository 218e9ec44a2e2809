import { describe, expect, it } from '@jest/globals'
import {
  applySetId,
  groupKindOf,
  labelMembers,
  parentObject,
  parentState,
  parseGroupKind,
  pruneCandidates,
  refusedPrunes,
  scopeOf
} from '../../src/plan/applyset-plan.js'
import type { KubeObject } from '../../src/manifests/documents.js'

const parent = { kind: 'Secret' as const, name: 'web-set' }
const id = applySetId(parent, 'prod')
const object = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  labels?: Record<string, string>
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) }
})
const member = (apiVersion: string, kind: string, name: string, namespace?: string, setId = id) => ({
  object: {
    ...object(apiVersion, kind, name, namespace, { 'applyset.kubernetes.io/part-of': setId }),
    metadata: { name, namespace, uid: `${kind}-${name}`, labels: { 'applyset.kubernetes.io/part-of': setId } }
  }
})
const liveParent = (
  annotations: Record<string, string>,
  labels: Record<string, string> = { 'applyset.kubernetes.io/id': id }
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'web-set', namespace: 'prod', labels, annotations }
})

describe('ApplySet identity, as kubectl computes it', () => {
  it('hashes <name>.<namespace>.<kind>.<group> to the v1 ID format', () => {
    // Recorded from kubectl v1.36.3: apply --prune --applyset=web-set -n prod.
    expect(id).toBe('applyset-Bw04HxlC-C3i72I4iuffmbzX2Yf_2O-ZXLdVgA2H1Ts-v1')
    expect(applySetId({ kind: 'ConfigMap', name: 'web-set' }, 'prod')).not.toBe(id)
    expect(applySetId(parent, 'staging')).not.toBe(id)
  })

  it.each([
    ['v1', 'ConfigMap', 'ConfigMap'],
    ['apps/v1', 'Deployment', 'Deployment.apps'],
    ['networking.k8s.io/v1', 'Ingress', 'Ingress.networking.k8s.io']
  ])('%s %s is the group-kind %s, and back', (apiVersion, kind, text) => {
    expect(groupKindOf(apiVersion, kind)).toBe(text)
    expect(parseGroupKind(text)).toEqual({ group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '', kind })
  })
})

describe('parentState', () => {
  it('starts an empty set in the parent namespace when there is no parent', () => {
    expect(parentState(undefined, parent, 'prod')).toEqual({
      groupKinds: new Set(),
      namespaces: new Set(['prod']),
      tooling: 'build-and-deploy/v1'
    })
  })

  it("reads the kinds and namespaces, keeping kubectl's tooling value", () => {
    const live = liveParent({
      'applyset.kubernetes.io/tooling': 'kubectl/v1.36.3',
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Deployment.apps',
      'applyset.kubernetes.io/additional-namespaces': 'other'
    })
    expect(parentState(live, parent, 'prod')).toEqual({
      groupKinds: new Set(['ConfigMap', 'Deployment.apps']),
      namespaces: new Set(['prod', 'other']),
      tooling: 'kubectl/v1.36.3'
    })
  })

  // The tooling decision, by the name before the last '/' as kubectl compares it: the action's own sets and
  // kubectl's are maintained, and the value is written back as found (a set handed to kubectl stays kubectl's).
  it.each(['build-and-deploy/v1', 'build-and-deploy', 'kubectl/v1.36.3', 'kubectl/v1', 'kubectl'])(
    'maintains a set whose tooling is %s, keeping that value',
    value => {
      const live = liveParent({
        'applyset.kubernetes.io/tooling': value,
        'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap'
      })
      expect(parentState(live, parent, 'prod').tooling).toBe(value)
    }
  )

  it.each([
    ['helm/v3', 'helm'],
    ['kpt/v1.0.0', 'kpt'],
    ['kubectl/x/v1', 'kubectl/x'],
    ['kubectl-fork/v1', 'kubectl-fork'],
    ['build-and-deploy-fork/v1', 'build-and-deploy-fork']
  ])('refuses a set whose tooling is %s, naming the tool %s', (value, tool) => {
    const live = liveParent({
      'applyset.kubernetes.io/tooling': value,
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap'
    })
    expect(() => parentState(live, parent, 'prod')).toThrow(
      `ApplySet parent secret/web-set in namespace prod is managed by tooling '${tool}'; build-and-deploy maintains only its own sets and kubectl's. Name another object in applyset.`
    )
  })

  it.each([
    [liveParent({}), 'exists but has no applyset.kubernetes.io/tooling annotation'],
    [
      liveParent({ 'applyset.kubernetes.io/tooling': 'helm/v3', 'applyset.kubernetes.io/contains-group-kinds': '' }),
      "is managed by tooling 'helm'"
    ],
    [
      liveParent(
        { 'applyset.kubernetes.io/tooling': 'kubectl/v1.36.3', 'applyset.kubernetes.io/contains-group-kinds': '' },
        { 'applyset.kubernetes.io/id': 'applyset-other-v1' }
      ),
      `has label applyset.kubernetes.io/id=applyset-other-v1, expected ${id}`
    ],
    [
      liveParent({
        'applyset.kubernetes.io/tooling': 'kubectl/v1.27',
        'applyset.kubernetes.io/contains-group-resources': 'configmaps'
      }),
      'only the applyset.kubernetes.io/contains-group-resources of kubectl before 1.28'
    ]
  ])("refuses a parent that is not this set's: %#", (live, message) => {
    expect(() => parentState(live, parent, 'prod')).toThrow(message)
  })
})

describe('membership', () => {
  it('labels every object, and refuses a manifest that sets the label itself', () => {
    const { items, problems } = labelMembers(
      [
        { object: object('v1', 'ConfigMap', 'a') },
        { object: object('v1', 'ConfigMap', 'b', undefined, { 'applyset.kubernetes.io/part-of': 'x' }) }
      ],
      id,
      item => item.object.metadata.name
    )
    expect(items.map(i => i.object.metadata.labels)).toEqual([
      { 'applyset.kubernetes.io/part-of': id },
      { 'applyset.kubernetes.io/part-of': id }
    ])
    expect(problems).toEqual([
      'b: sets the label applyset.kubernetes.io/part-of itself; with prune the action sets it (remove it from the manifests)'
    ])
  })

  it('scopes the set to its labelled members only, and writes the parent as kubectl does', () => {
    const labels = { 'applyset.kubernetes.io/part-of': id }
    const scope = scopeOf(
      [
        { object: object('apps/v1', 'Deployment', 'web', 'prod', labels), namespaced: true },
        { object: object('v1', 'ConfigMap', 'cfg', 'other', labels), namespaced: true },
        {
          object: object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', undefined, labels),
          namespaced: false
        },
        // create-namespace's Namespace is not a member.
        { object: object('v1', 'Namespace', 'prod'), namespaced: false }
      ],
      id
    )
    expect(scope).toEqual({
      groupKinds: new Set(['Deployment.apps', 'ConfigMap', 'ClusterRole.rbac.authorization.k8s.io']),
      namespaces: new Set(['prod', 'other'])
    })
    expect(parentObject(parent, 'prod', 'build-and-deploy/v1', scope).metadata).toEqual({
      name: 'web-set',
      namespace: 'prod',
      labels: { 'applyset.kubernetes.io/id': id },
      annotations: {
        'applyset.kubernetes.io/tooling': 'build-and-deploy/v1',
        'applyset.kubernetes.io/contains-group-kinds':
          'ClusterRole.rbac.authorization.k8s.io,ConfigMap,Deployment.apps',
        'applyset.kubernetes.io/additional-namespaces': 'other'
      }
    })
  })
})

describe('pruneCandidates', () => {
  const listed = [
    member('v1', 'Namespace', 'extra'),
    member('v1', 'Service', 'web', 'prod'),
    member('apps/v1', 'Deployment', 'web', 'prod'),
    member('v1', 'ConfigMap', 'old', 'prod'),
    member('v1', 'ConfigMap', 'foreign', 'prod', 'applyset-someone-else-v1'),
    member('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.acme.io')
  ]
  const keep = [object('apps/v1', 'Deployment', 'web', 'prod'), object('v1', 'ConfigMap', 'cfg', 'prod')]

  it("takes the labelled members the manifests dropped, never another set's, foundations last", () => {
    expect(pruneCandidates(listed, keep, id).map(c => `${c.object.kind}/${c.object.metadata.name}`)).toEqual([
      'ConfigMap/old',
      'Service/web',
      'CustomResourceDefinition/widgets.acme.io',
      'Namespace/extra'
    ])
  })

  it('refuses Namespaces and CRDs unless allowed', () => {
    const candidates = pruneCandidates(listed, keep, id).map(c => c.object)
    expect(refusedPrunes(candidates, false)).toEqual([
      'prune would delete CustomResourceDefinition widgets.acme.io, which left the manifests, and every object of its kind; keep it in the manifests, or set prune-namespaces-and-crds: true to delete it',
      'prune would delete Namespace extra, which left the manifests, and every object in it; keep it in the manifests, or set prune-namespaces-and-crds: true to delete it'
    ])
    expect(refusedPrunes(candidates, true)).toEqual([])
  })
})
