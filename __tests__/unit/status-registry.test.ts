import { describe, expect, it } from '@jest/globals'
import { isWaitable, pluralOf, readerFor, readers, rolloutVerdict, undoHistoryOf } from '../../src/status/readers.js'
import { customResourceReader } from '../../src/status/generic.js'

describe('the registry of status readers', () => {
  it('waits only on workloads, and on Jobs when asked', () => {
    const choice = { waitForJobs: false, waitForCustomResources: true, waitForLoadBalancers: false }
    const of = (apiVersion: string, kind: string, annotations?: Record<string, string>) => ({
      apiVersion,
      kind,
      metadata: { annotations }
    })
    expect(
      [
        of('apps/v1', 'Deployment'),
        of('apps/v1', 'StatefulSet'),
        of('apps/v1', 'DaemonSet'),
        of('v1', 'Pod'),
        of('v1', 'ConfigMap'),
        of('v1', 'Service')
      ].map(o => isWaitable(o, choice))
    ).toEqual([true, true, true, true, false, false])
    expect([
      isWaitable(of('batch/v1', 'Job'), choice),
      isWaitable(of('batch/v1', 'Job'), { ...choice, waitForJobs: true })
    ]).toEqual([false, true])
    expect(
      [of('v1', 'PersistentVolumeClaim'), of('apiextensions.k8s.io/v1', 'CustomResourceDefinition')].map(o =>
        isWaitable(o, choice)
      )
    ).toEqual([true, true])
    const rule = of('monitoring.coreos.com/v1', 'PrometheusRule')
    expect([isWaitable(rule, choice), isWaitable(rule, { ...choice, waitForCustomResources: false })]).toEqual([
      true,
      false
    ])
    expect(
      [
        of('gateway.networking.k8s.io/v1', 'HTTPRoute'),
        of('networking.k8s.io/v1', 'Ingress'),
        of('policy/v1', 'PodDisruptionBudget')
      ].map(o => isWaitable(o, choice))
    ).toEqual([true, false, false])
    expect(isWaitable(of('apps/v1', 'Deployment', { 'build-and-deploy/wait': 'skip' }), choice)).toBe(false)
    const lb = { ...of('v1', 'Service'), spec: { type: 'LoadBalancer' } }
    const clusterIp = { ...of('v1', 'Service'), spec: { type: 'ClusterIP' } }
    expect([
      isWaitable(lb, choice),
      isWaitable(lb, { ...choice, waitForLoadBalancers: true }),
      isWaitable(clusterIp, { ...choice, waitForLoadBalancers: true })
    ]).toEqual([false, true, false])
    expect(rolloutVerdict({ kind: 'ConfigMap', metadata: { name: 'c' } })).toEqual({
      state: 'done',
      message: 'configmap/c is current'
    })
  })

  it('asks the custom-resource reader last, and only for groups not built in', () => {
    expect(readers.at(-1)).toBe(customResourceReader)
    expect(readerFor('example.com/v1', 'Widget')).toBe(customResourceReader)
    expect(readerFor('v1', 'ConfigMap')).toBeUndefined()
    expect(readerFor(undefined, 'Widget')).toBeUndefined()
  })

  it('knows which kinds kubectl rollout undo restores, and from which history', () => {
    expect(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod'].map(undoHistoryOf)).toEqual([
      'ReplicaSet',
      'ControllerRevision',
      'ControllerRevision',
      undefined,
      undefined
    ])
    expect(['Deployment', 'StatefulSet', 'DaemonSet'].map(pluralOf)).toEqual([
      'deployments',
      'statefulsets',
      'daemonsets'
    ])
    expect(() => pluralOf('Widget')).toThrow('No status reader gives the resource name of kind Widget.')
  })

  it('reads the pods only of the kinds that have them', () => {
    const withPods = readers.filter(r => r.pods).map(r => r.plural)
    expect(withPods).toEqual(['deployments', 'daemonsets', 'statefulsets', 'jobs', 'pods'])
  })
})
