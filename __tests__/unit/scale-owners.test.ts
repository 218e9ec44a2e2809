import { describe, expect, it } from '@jest/globals'
import { isReplicasConflict, scaleOwners, setsReplicas, withoutReplicas } from '../../src/deploy/scale-owners.js'
import type { KubeObject } from '../../src/manifests/documents.js'

// managedFields as the local cluster (v1.36) recorded them after an HPA with minReplicas 3 scaled a Deployment of 2.
const ours = {
  manager: 'build-and-deploy',
  operation: 'Apply',
  apiVersion: 'apps/v1',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': {} } }
}
const hpa = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  apiVersion: 'apps/v1',
  fieldsType: 'FieldsV1',
  subresource: 'scale',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } }
}
const status = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  apiVersion: 'apps/v1',
  subresource: 'status',
  fieldsV1: { 'f:status': { 'f:replicas': {} } }
}
const edit = {
  manager: 'kubectl-edit',
  operation: 'Update',
  apiVersion: 'apps/v1',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } }
}
const live = (kind: string, ...managedFields: object[]): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', managedFields },
  spec: { replicas: 3 }
})

describe('scaleOwners', () => {
  it.each([
    ['an HPA that scaled a Deployment', live('Deployment', ours, hpa, status), ['kube-controller-manager']],
    ['kubectl scale of a StatefulSet', live('StatefulSet', ours, { ...hpa, manager: 'kubectl' }), ['kubectl']],
    [
      'KEDA and an HPA both',
      live('Deployment', hpa, { ...hpa, manager: 'keda-operator' }),
      ['kube-controller-manager', 'keda-operator']
    ],
    ['only our own apply', live('Deployment', ours, status), []],
    ['a status update (not the scale)', live('Deployment', status), []],
    ['an edit of replicas without the scale subresource', live('Deployment', edit), []],
    ['our own manager through the scale subresource', live('Deployment', { ...hpa, manager: 'build-and-deploy' }), []],
    ['a kind without a scale subresource', live('DaemonSet', hpa), []],
    ['no live object (a create keeps the manifests’ replicas)', undefined, []]
  ])('%s', (_, object, owners) => {
    expect(scaleOwners(object, 'build-and-deploy')).toEqual(owners)
  })
})

describe('withoutReplicas and isReplicasConflict', () => {
  it('drops spec.replicas only, on a copy', () => {
    const object = live('Deployment')
    const stripped = withoutReplicas(object)
    expect(stripped.spec).toEqual({})
    expect(setsReplicas(object)).toBe(true)
    expect(setsReplicas(stripped)).toBe(false)
  })

  it.each([
    ['Deployment', 409, [{ field: '.spec.replicas' }], true],
    ['StatefulSet', 409, [{ field: '.spec.replicas' }], true],
    [
      'Deployment',
      409,
      [{ field: '.spec.replicas' }, { field: '.spec.template.spec.containers[name="web"].image' }],
      false
    ],
    ['Deployment', 409, [], false],
    ['Deployment', 422, [{ field: '.spec.replicas' }], false],
    ['ConfigMap', 409, [{ field: '.spec.replicas' }], false]
  ])('%s, HTTP %i, %j → %s', (kind, code, causes, expected) => {
    expect(isReplicasConflict(kind, code, causes)).toBe(expected)
  })
})
