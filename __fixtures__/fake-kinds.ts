/** The built-in kinds the fake API server serves, with what discovery says of them and the defaults it fills in. */
import { isObj, type Obj } from './fake-fields.js'

export interface KindInfo {
  group: string
  kind: string
  plural: string
  namespaced: boolean
  /** Served versions, the preferred first. */
  versions: string[]
  /** Has a scale subresource (Deployment, StatefulSet, ReplicaSet). */
  scale?: boolean
  /** metadata.generation is kept (objects with a spec; ConfigMaps, Secrets, Events, Leases... have none). */
  generation: boolean
}

const kind = (
  group: string,
  versions: string[],
  name: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<KindInfo> = {}
): KindInfo => ({
  group,
  kind: name,
  plural,
  namespaced,
  versions,
  generation: true,
  ...extra
})
const noGeneration = { generation: false }

export const builtinKinds: KindInfo[] = [
  kind('', ['v1'], 'Namespace', 'namespaces', false, noGeneration),
  kind('', ['v1'], 'Node', 'nodes', false, noGeneration),
  kind('', ['v1'], 'Pod', 'pods', true),
  kind('', ['v1'], 'Service', 'services', true, noGeneration),
  kind('', ['v1'], 'Endpoints', 'endpoints', true, noGeneration),
  kind('', ['v1'], 'ConfigMap', 'configmaps', true, noGeneration),
  kind('', ['v1'], 'Secret', 'secrets', true, noGeneration),
  kind('', ['v1'], 'ServiceAccount', 'serviceaccounts', true, noGeneration),
  kind('', ['v1'], 'Event', 'events', true, noGeneration),
  kind('', ['v1'], 'PersistentVolumeClaim', 'persistentvolumeclaims', true, noGeneration),
  kind('', ['v1'], 'PersistentVolume', 'persistentvolumes', false, noGeneration),
  kind('', ['v1'], 'ResourceQuota', 'resourcequotas', true, noGeneration),
  kind('', ['v1'], 'LimitRange', 'limitranges', true, noGeneration),
  kind('', ['v1'], 'ReplicationController', 'replicationcontrollers', true, { scale: true }),
  kind('apps', ['v1'], 'Deployment', 'deployments', true, { scale: true }),
  kind('apps', ['v1'], 'ReplicaSet', 'replicasets', true, { scale: true }),
  kind('apps', ['v1'], 'StatefulSet', 'statefulsets', true, { scale: true }),
  kind('apps', ['v1'], 'DaemonSet', 'daemonsets', true),
  kind('apps', ['v1'], 'ControllerRevision', 'controllerrevisions', true, noGeneration),
  kind('batch', ['v1'], 'Job', 'jobs', true),
  kind('batch', ['v1'], 'CronJob', 'cronjobs', true),
  kind('autoscaling', ['v2', 'v1'], 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, noGeneration),
  kind('policy', ['v1'], 'PodDisruptionBudget', 'poddisruptionbudgets', true),
  kind('networking.k8s.io', ['v1'], 'Ingress', 'ingresses', true),
  kind('networking.k8s.io', ['v1'], 'IngressClass', 'ingressclasses', false),
  kind('networking.k8s.io', ['v1'], 'NetworkPolicy', 'networkpolicies', true),
  kind('coordination.k8s.io', ['v1'], 'Lease', 'leases', true, noGeneration),
  kind('storage.k8s.io', ['v1'], 'StorageClass', 'storageclasses', false, noGeneration),
  kind('apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', 'customresourcedefinitions', false),
  kind('authorization.k8s.io', ['v1'], 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, noGeneration),
  kind('authorization.k8s.io', ['v1'], 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, noGeneration),
  kind('rbac.authorization.k8s.io', ['v1'], 'Role', 'roles', true, noGeneration),
  kind('rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings', true, noGeneration),
  kind('rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false, noGeneration),
  kind('rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false, noGeneration),
  kind(
    'admissionregistration.k8s.io',
    ['v1'],
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false
  ),
  kind('admissionregistration.k8s.io', ['v1'], 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false)
]

export const splitApiVersion = (apiVersion: string): { group: string; version: string } => {
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}

export const groupVersion = (group: string, version: string): string => (group ? `${group}/${version}` : version)

/** The kind a CustomResourceDefinition serves once Established. */
export function crdKind(crd: Obj): KindInfo | undefined {
  const spec = crd.spec as {
    group: string
    scope: string
    names: { kind: string; plural: string }
    versions?: Array<{ name: string; served?: boolean; storage?: boolean }>
  }
  const status = crd.status as { conditions?: Array<{ type: string; status: string }> } | undefined
  if (!status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')) return undefined
  const versions = (spec.versions ?? []).filter(v => v.served !== false).map(v => v.name)
  return {
    group: spec.group,
    kind: spec.names.kind,
    plural: spec.names.plural,
    namespaced: spec.scope === 'Namespaced',
    versions,
    generation: true
  }
}

const podSpecDefaults = (spec: Obj): void => {
  spec.restartPolicy ??= 'Always'
  spec.dnsPolicy ??= 'ClusterFirst'
  spec.schedulerName ??= 'default-scheduler'
  spec.securityContext ??= {}
  spec.terminationGracePeriodSeconds ??= 30
  for (const c of [...((spec.containers as Obj[]) ?? []), ...((spec.initContainers as Obj[]) ?? [])]) {
    const image = String(c.image ?? '')
    const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest')
    c.imagePullPolicy ??= tag === 'latest' ? 'Always' : 'IfNotPresent'
    c.terminationMessagePath ??= '/dev/termination-log'
    c.terminationMessagePolicy ??= 'File'
    c.resources ??= {}
    for (const p of (c.ports as Obj[]) ?? []) p.protocol ??= 'TCP'
  }
}

const templateDefaults = (spec: Obj): void => {
  const template = spec.template
  if (isObj(template) && isObj(template.spec)) podSpecDefaults(template.spec)
}

/**
 * The API server's defaulting (pkg/apis/<group>/v1/defaults.go) for the fields the action's logic reads: replicas,
 * strategies, history limits, pod template fields. Defaulted fields are owned by nobody in server-side apply, so a
 * field the applier stops sending comes back as its default (the reason replicas snap back to 1).
 */
export function applyDefaults(kindName: string, object: Obj, allocateClusterIP: () => string): void {
  const spec = isObj(object.spec) ? object.spec : undefined
  const metadata = object.metadata as Obj
  switch (kindName) {
    case 'Namespace':
      metadata.labels = { ...(metadata.labels as Obj), 'kubernetes.io/metadata.name': metadata.name }
      object.spec ??= { finalizers: ['kubernetes'] }
      object.status ??= { phase: 'Active' }
      return
    case 'Deployment':
      if (!spec) return
      spec.replicas ??= 1
      spec.revisionHistoryLimit ??= 10
      spec.progressDeadlineSeconds ??= 600
      spec.strategy ??= { type: 'RollingUpdate' }
      if (isObj(spec.strategy) && spec.strategy.type === 'RollingUpdate')
        spec.strategy.rollingUpdate ??= { maxSurge: '25%', maxUnavailable: '25%' }
      return templateDefaults(spec)
    case 'ReplicaSet':
      if (!spec) return
      spec.replicas ??= 1
      return templateDefaults(spec)
    case 'StatefulSet':
      if (!spec) return
      spec.replicas ??= 1
      spec.podManagementPolicy ??= 'OrderedReady'
      spec.revisionHistoryLimit ??= 10
      spec.updateStrategy ??= { type: 'RollingUpdate' }
      if (isObj(spec.updateStrategy) && spec.updateStrategy.type === 'RollingUpdate')
        spec.updateStrategy.rollingUpdate ??= { partition: 0 }
      return templateDefaults(spec)
    case 'DaemonSet':
      if (!spec) return
      spec.revisionHistoryLimit ??= 10
      spec.updateStrategy ??= { type: 'RollingUpdate' }
      if (isObj(spec.updateStrategy) && spec.updateStrategy.type === 'RollingUpdate')
        spec.updateStrategy.rollingUpdate ??= { maxUnavailable: 1, maxSurge: 0 }
      return templateDefaults(spec)
    case 'Job': {
      if (!spec) return
      spec.completions ??= 1
      spec.parallelism ??= 1
      spec.backoffLimit ??= 6
      spec.completionMode ??= 'NonIndexed'
      // The Job controller's own selector (manualSelector unset): the template is labelled with the Job's uid.
      const uid = String(metadata.uid)
      const template = (spec.template ??= {}) as Obj
      const templateMeta = (template.metadata ??= {}) as Obj
      const jobLabels = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': String(metadata.name),
        'controller-uid': uid,
        'job-name': String(metadata.name)
      }
      templateMeta.labels = { ...(templateMeta.labels as Obj), ...jobLabels }
      spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } }
      return templateDefaults(spec)
    }
    case 'Pod':
      if (spec) podSpecDefaults(spec)
      return
    case 'Service': {
      if (!spec) return
      spec.type ??= 'ClusterIP'
      spec.sessionAffinity ??= 'None'
      if (spec.type !== 'ExternalName') {
        spec.clusterIP ??= allocateClusterIP()
        spec.clusterIPs ??= [spec.clusterIP]
        spec.internalTrafficPolicy ??= 'Cluster'
      }
      for (const p of (spec.ports as Obj[]) ?? []) {
        p.protocol ??= 'TCP'
        p.targetPort ??= p.port
      }
      return
    }
    case 'Secret':
      object.type ??= 'Opaque'
      return
  }
}

const objectMetaFields = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields'
]
const workloadTop = ['apiVersion', 'kind', 'metadata', 'spec', 'status']

/**
 * The declared fields of the kinds whose schema the fake checks (top level, and spec's first level where the list is
 * short and stable); anything else is not checked. Enough for a misspelt field in the usual manifests to be refused
 * as the real server refuses it.
 */
const schemas: Record<string, { top: string[]; spec?: string[] }> = {
  ConfigMap: { top: ['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'] },
  Secret: { top: ['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable'] },
  Namespace: { top: workloadTop, spec: ['finalizers'] },
  ServiceAccount: {
    top: ['apiVersion', 'kind', 'metadata', 'secrets', 'imagePullSecrets', 'automountServiceAccountToken']
  },
  Deployment: {
    top: workloadTop,
    spec: [
      'replicas',
      'selector',
      'template',
      'strategy',
      'minReadySeconds',
      'revisionHistoryLimit',
      'paused',
      'progressDeadlineSeconds'
    ]
  },
  StatefulSet: {
    top: workloadTop,
    spec: [
      'replicas',
      'selector',
      'template',
      'volumeClaimTemplates',
      'serviceName',
      'podManagementPolicy',
      'updateStrategy',
      'revisionHistoryLimit',
      'minReadySeconds',
      'persistentVolumeClaimRetentionPolicy',
      'ordinals'
    ]
  },
  DaemonSet: {
    top: workloadTop,
    spec: ['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit']
  },
  Job: {
    top: workloadTop,
    spec: [
      'parallelism',
      'completions',
      'activeDeadlineSeconds',
      'podFailurePolicy',
      'successPolicy',
      'backoffLimit',
      'backoffLimitPerIndex',
      'maxFailedIndexes',
      'selector',
      'manualSelector',
      'template',
      'ttlSecondsAfterFinished',
      'completionMode',
      'suspend',
      'podReplacementPolicy',
      'managedBy'
    ]
  },
  Service: {
    top: workloadTop,
    spec: [
      'ports',
      'selector',
      'clusterIP',
      'clusterIPs',
      'type',
      'externalIPs',
      'sessionAffinity',
      'loadBalancerIP',
      'loadBalancerSourceRanges',
      'externalName',
      'externalTrafficPolicy',
      'healthCheckNodePort',
      'publishNotReadyAddresses',
      'sessionAffinityConfig',
      'ipFamilies',
      'ipFamilyPolicy',
      'allocateLoadBalancerNodePorts',
      'loadBalancerClass',
      'internalTrafficPolicy',
      'trafficDistribution'
    ]
  },
  Lease: {
    top: workloadTop,
    spec: [
      'holderIdentity',
      'leaseDurationSeconds',
      'acquireTime',
      'renewTime',
      'leaseTransitions',
      'strategy',
      'preferredHolder'
    ]
  }
}

/** Fields `object` sets that its kind's schema does not declare, as `.spec.typo`. */
export function undeclaredFields(kindName: string, object: Obj): string[] {
  const schema = schemas[kindName]
  if (!schema) return []
  const out = Object.keys(object)
    .filter(k => !schema.top.includes(k))
    .map(k => `.${k}`)
  if (isObj(object.metadata))
    out.push(
      ...Object.keys(object.metadata)
        .filter(k => !objectMetaFields.includes(k))
        .map(k => `.metadata.${k}`)
    )
  if (schema.spec && isObj(object.spec))
    out.push(
      ...Object.keys(object.spec)
        .filter(k => !schema.spec!.includes(k))
        .map(k => `.spec.${k}`)
    )
  return out
}
