import { describe, expect, it } from '@jest/globals'
import { namespacesNeeded, neededPermissions } from '../../src/deploy/cluster-check.js'
import type { SourcedObject } from '../../src/manifests/documents.js'

const item = (apiVersion: string, kind: string, name: string, namespace?: string): SourcedObject => ({
  file: 'app.yaml',
  document: 1,
  object: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }
})
const resources = new Map([
  ['v1/ConfigMap', { plural: 'configmaps', namespaced: true }],
  ['apps/v1/Deployment', { plural: 'deployments', namespaced: true }],
  ['v1/Namespace', { plural: 'namespaces', namespaced: false }],
  ['rbac.authorization.k8s.io/v1/ClusterRole', { plural: 'clusterroles', namespaced: false }]
])
const objects = [
  item('v1', 'ConfigMap', 'config'),
  item('apps/v1', 'Deployment', 'web'),
  item('apps/v1', 'Deployment', 'worker'),
  item('example.com/v1', 'Widget', 'w')
]

describe('neededPermissions', () => {
  it.each<[string, Parameters<typeof neededPermissions>[0], string | undefined, string[]]>([
    [
      'one patch per resource and namespace, and the Lease',
      { objects, namespace: 'shop', createNamespace: false, lock: true },
      undefined,
      ['patch configmaps. shop', 'patch deployments.apps shop', 'create leases.coordination.k8s.io shop']
    ],
    [
      'the context namespace without the input; no lock',
      { objects, createNamespace: false, lock: false },
      'ctx',
      ['patch configmaps. ctx', 'patch deployments.apps ctx']
    ],
    [
      'a cluster-scoped kind has no namespace',
      {
        objects: [item('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r'), item('v1', 'Namespace', 'n')],
        createNamespace: false,
        lock: false
      },
      undefined,
      ['patch clusterroles.rbac.authorization.k8s.io ', 'patch namespaces. ']
    ],
    [
      'an object naming its namespace',
      {
        objects: [item('apps/v1', 'Deployment', 'web', 'other')],
        namespace: undefined,
        createNamespace: false,
        lock: true
      },
      'ctx',
      ['patch deployments.apps other', 'create leases.coordination.k8s.io other']
    ]
  ])('%s', (_, input, context, expected) => {
    expect(
      neededPermissions(input, context, resources).map(p => `${p.verb} ${p.resource}.${p.group} ${p.namespace ?? ''}`)
    ).toEqual(expected)
  })
})

describe('namespacesNeeded', () => {
  it('lists the namespaces objects go to, but those the manifests create', () => {
    const input = {
      objects: [
        item('v1', 'Namespace', 'made'),
        item('v1', 'ConfigMap', 'a', 'made'),
        item('v1', 'ConfigMap', 'b', 'there'),
        item('apps/v1', 'Deployment', 'web')
      ],
      createNamespace: false,
      lock: false
    }
    expect(namespacesNeeded(input, 'ctx', resources)).toEqual(['there', 'ctx'])
  })
})
