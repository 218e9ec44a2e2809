import type { ResourceInfo } from './cluster.js'

/**
 * The kinds the action itself reads and writes, with their resource name and scope, so that their paths need no
 * discovery round trip (as client-go's typed clients, which know their own resources). Any other kind is looked up
 * by discovery.
 */
const builtinKinds: Array<[apiVersion: string, kind: string, plural: string, namespaced: boolean]> = [
  ['v1', 'Pod', 'pods', true],
  ['v1', 'Event', 'events', true],
  ['v1', 'Namespace', 'namespaces', false],
  ['v1', 'Service', 'services', true],
  ['v1', 'ConfigMap', 'configmaps', true],
  ['v1', 'Secret', 'secrets', true],
  ['v1', 'ServiceAccount', 'serviceaccounts', true],
  ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['apps/v1', 'Deployment', 'deployments', true],
  ['apps/v1', 'ReplicaSet', 'replicasets', true],
  ['apps/v1', 'StatefulSet', 'statefulsets', true],
  ['apps/v1', 'DaemonSet', 'daemonsets', true],
  ['apps/v1', 'ControllerRevision', 'controllerrevisions', true],
  ['batch/v1', 'Job', 'jobs', true],
  ['batch/v1', 'CronJob', 'cronjobs', true],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
  ['coordination.k8s.io/v1', 'Lease', 'leases', true],
  ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
  ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false]
]

const builtins = new Map<string, ResourceInfo>(
  builtinKinds.map(([apiVersion, kind, plural, namespaced]) => [
    `${apiVersion} ${kind}`,
    { plural, namespaced, groupVersion: apiVersion }
  ])
)

/** The resource of a kind the action knows without asking the server; undefined for any other kind. */
export function builtinResource(apiVersion: string, kind: string): ResourceInfo | undefined {
  return builtins.get(`${apiVersion} ${kind}`)
}

/** The discovery path of a group version: /api/v1 for the core group, /apis/<group>/<version> for the others. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
}

/**
 * The REST path of a resource's collection (no name) or of one object and, optionally, its subresource. The
 * namespace counts only for a namespaced resource; without one, a namespaced collection is across all namespaces.
 */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  const object = name === undefined ? '' : `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`
  return `${groupVersionPath(info.groupVersion)}${ns}/${info.plural}${object}`
}
