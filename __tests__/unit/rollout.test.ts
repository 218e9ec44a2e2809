import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { isWaitable, rolloutVerdict, WorkloadObject } from '../../src/deploy/rollout.js'

const recorded = (name: string): WorkloadObject => JSON.parse(readFileSync(new URL(`../data/${name}.json`, import.meta.url), 'utf8'))

/** A recorded object with some fields replaced, by dotted path. */
function variant(name: string, changes: Record<string, unknown>): WorkloadObject {
  const object = recorded(name) as unknown as Record<string, any>
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.')
    let node = object
    for (const key of keys.slice(0, -1)) node = node[key] ??= {}
    if (value === undefined) delete node[keys.at(-1)!]
    else node[keys.at(-1)!] = value
  }
  return object as WorkloadObject
}

describe('Deployment (kubectl rules, in order)', () => {
  it.each([
    ['complete', {}, 'done', 'deployment/web successfully rolled out'],
    ['spec not yet observed', { 'metadata.generation': 2 }, 'progressing', 'deployment/web: waiting for the spec update to be observed'],
    ['updating', { 'status.updatedReplicas': 1 }, 'progressing', 'deployment/web: 1 of 3 new replicas have been updated'],
    ['old pods terminating', { 'status.replicas': 4 }, 'progressing', 'deployment/web: 1 old replicas are pending termination'],
    ['not available yet', { 'status.availableReplicas': 2 }, 'progressing', 'deployment/web: 2 of 3 updated replicas are available'],
    ['readyReplicas is not consulted', { 'status.readyReplicas': 0 }, 'done', 'deployment/web successfully rolled out'],
    ['scaled to zero', { 'spec.replicas': 0, 'status.replicas': 0, 'status.updatedReplicas': 0, 'status.availableReplicas': 0 }, 'done', 'deployment/web successfully rolled out'],
    ['paused mid-update', { 'spec.paused': true, 'status.updatedReplicas': 1 }, 'failed', 'deployment/web is paused with an update pending; resume it (kubectl rollout resume deployment/web) to roll out'],
    ['paused, nothing pending', { 'spec.paused': true }, 'done', 'deployment/web successfully rolled out']
  ])('%s', (_, changes, state, message) => {
    expect(rolloutVerdict(variant('deployment-complete', changes))).toEqual({ state, message })
  })

  it('fails on ProgressDeadlineExceeded, checking only the reason', () => {
    const verdict = rolloutVerdict(recorded('deployment-progress-deadline'))
    expect(verdict.state).toBe('failed')
    expect(verdict.message).toMatch(/^deployment\/nr exceeded its progress deadline: ReplicaSet "nr-[a-z0-9]+" has timed out progressing\.$/)
  })

  it('does not report the deadline before the generation is observed', () => {
    expect(rolloutVerdict(variant('deployment-progress-deadline', { 'metadata.generation': 5 })).state).toBe('progressing')
  })
})

describe('StatefulSet', () => {
  it.each([
    ['complete (partition 0 defaulted)', {}, 'done', 'statefulset/db: partitioned roll out complete: 2 new pods have been updated'],
    ['never observed', { 'status.observedGeneration': 0 }, 'progressing', 'statefulset/db: waiting for the spec update to be observed'],
    ['not ready', { 'status.readyReplicas': 1 }, 'progressing', 'statefulset/db: 1 of 2 pods are ready'],
    ['partition 1, one updated', { 'spec.updateStrategy.rollingUpdate.partition': 1, 'status.updatedReplicas': 1 }, 'done', 'statefulset/db: partitioned roll out complete: 1 new pods have been updated'],
    ['partition 0, one updated', { 'status.updatedReplicas': 1 }, 'progressing', 'statefulset/db: 1 of 2 pods updated (partition 0)'],
    ['no rollingUpdate: revisions differ', { 'spec.updateStrategy.rollingUpdate': undefined, 'status.updateRevision': 'db-new' }, 'progressing', 'statefulset/db: waiting for the update to revision db-new to complete'],
    ['OnDelete', { 'spec.updateStrategy': { type: 'OnDelete' } }, 'failed', 'statefulset/db: rollout status is only available for RollingUpdate strategy type']
  ])('%s', (_, changes, state, message) => {
    expect(rolloutVerdict(variant('statefulset-complete', changes))).toEqual({ state, message })
  })

  it('with no rollingUpdate and equal revisions is done', () => {
    const verdict = rolloutVerdict(variant('statefulset-complete', { 'spec.updateStrategy.rollingUpdate': undefined }))
    expect(verdict.state).toBe('done')
    expect(verdict.message).toMatch(/rolling update complete 2 pods at revision db-/)
  })
})

describe('DaemonSet', () => {
  it.each([
    ['complete', {}, 'done', 'daemonset/agent successfully rolled out'],
    ['not observed', { 'metadata.generation': 3 }, 'progressing', 'daemonset/agent: waiting for the spec update to be observed'],
    ['scheduling', { 'status.updatedNumberScheduled': 1 }, 'progressing', 'daemonset/agent: 1 of 3 updated pods have been scheduled'],
    ['not available', { 'status.numberAvailable': 2 }, 'progressing', 'daemonset/agent: 2 of 3 updated pods are available'],
    ['OnDelete', { 'spec.updateStrategy': { type: 'OnDelete' } }, 'failed', 'daemonset/agent: rollout status is only available for RollingUpdate strategy type']
  ])('%s', (_, changes, state, message) => {
    expect(rolloutVerdict(variant('daemonset-complete', changes))).toEqual({ state, message })
  })
})

describe('Jobs, Pods and other kinds', () => {
  const job = (conditions: unknown[]): WorkloadObject => ({ kind: 'Job', metadata: { name: 'migrate' }, status: { conditions, active: 1 } })
  it.each([
    [job([]), 'progressing'],
    [job([{ type: 'Complete', status: 'True' }]), 'done'],
    [job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }]), 'failed']
  ])('job %#', (object, state) => {
    expect(rolloutVerdict(object).state).toBe(state)
  })

  it('pods', () => {
    expect(rolloutVerdict({ ...(recorded('pod-never-ready') as WorkloadObject), kind: 'Pod' }).state).toBe('progressing')
    expect(rolloutVerdict({ kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Succeeded' } }).state).toBe('done')
  })

  it('waits only on workloads, and on Jobs when asked', () => {
    const choice = { waitForJobs: false, waitForCustomResources: true, waitForLoadBalancers: false }
    const of = (apiVersion: string, kind: string, annotations?: Record<string, string>) => ({ apiVersion, kind, metadata: { annotations } })
    expect(
      [of('apps/v1', 'Deployment'), of('apps/v1', 'StatefulSet'), of('apps/v1', 'DaemonSet'), of('v1', 'Pod'), of('v1', 'ConfigMap'), of('v1', 'Service')].map(o => isWaitable(o, choice))
    ).toEqual([true, true, true, true, false, false])
    expect([isWaitable(of('batch/v1', 'Job'), choice), isWaitable(of('batch/v1', 'Job'), { ...choice, waitForJobs: true })]).toEqual([false, true])
    expect([of('v1', 'PersistentVolumeClaim'), of('apiextensions.k8s.io/v1', 'CustomResourceDefinition')].map(o => isWaitable(o, choice))).toEqual([true, true])
    const rule = of('monitoring.coreos.com/v1', 'PrometheusRule')
    expect([isWaitable(rule, choice), isWaitable(rule, { ...choice, waitForCustomResources: false })]).toEqual([true, false])
    expect([of('gateway.networking.k8s.io/v1', 'HTTPRoute'), of('networking.k8s.io/v1', 'Ingress'), of('policy/v1', 'PodDisruptionBudget')].map(o => isWaitable(o, choice))).toEqual([true, false, false])
    expect(isWaitable(of('apps/v1', 'Deployment', { 'build-and-deploy/wait': 'skip' }), choice)).toBe(false)
    const lb = { ...of('v1', 'Service'), spec: { type: 'LoadBalancer' } }
    const clusterIp = { ...of('v1', 'Service'), spec: { type: 'ClusterIP' } }
    expect([isWaitable(lb, choice), isWaitable(lb, { ...choice, waitForLoadBalancers: true }), isWaitable(clusterIp, { ...choice, waitForLoadBalancers: true })]).toEqual([false, true, false])
    expect(rolloutVerdict({ kind: 'ConfigMap', metadata: { name: 'c' } })).toEqual({ state: 'done', message: 'configmap/c is current' })
  })
})
