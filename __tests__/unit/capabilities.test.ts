import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  AggregatedDiscovery,
  APIResourceList,
  capabilitiesFrom,
  DiscoveryRoot,
  groupVersionsToList,
  ServerVersion
} from '../../src/kube/capabilities.js'

// Recorded answers of the local API server, by path (see __tests__/data/README.md).
const recorded = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../data/${name}.json`, import.meta.url), 'utf8'))
const aggregated = recorded('discovery-aggregated')
const plain = recorded('discovery-plain')
const version: ServerVersion = aggregated['/version']
const plainRoots: DiscoveryRoot[] = [plain['/api'], plain['/apis']]
const plainLists = (): APIResourceList[] =>
  Object.entries(plain)
    .filter(([p]) => p !== '/api' && p !== '/apis')
    .map(([, list]) => list)

// What helm install gives a chart on that server for those groups: every group version, and group/version/Kind of
// each resource and subresource (deployments/scale: apps/v1/Scale, pods/eviction: v1/Eviction). The whole recording
// gave the same 100 entries as `helm template --validate` (helm's own discovery) on the same cluster.
const expected = [
  'apps/v1',
  'apps/v1/ControllerRevision',
  'apps/v1/DaemonSet',
  'apps/v1/Deployment',
  'apps/v1/ReplicaSet',
  'apps/v1/Scale',
  'apps/v1/StatefulSet',
  'autoscaling/v1',
  'autoscaling/v1/HorizontalPodAutoscaler',
  'autoscaling/v2',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'coordination.k8s.io/v1',
  'coordination.k8s.io/v1/Lease',
  'v1',
  'v1/Binding',
  'v1/ConfigMap',
  'v1/Eviction',
  'v1/Namespace',
  'v1/Pod',
  'v1/PodAttachOptions',
  'v1/PodExecOptions',
  'v1/PodPortForwardOptions',
  'v1/PodProxyOptions',
  'v1/ServiceAccount',
  'v1/TokenRequest'
]

describe('capabilitiesFrom', () => {
  it('builds helm install’s set from aggregated discovery, with no list to fetch', () => {
    const roots: DiscoveryRoot[] = [aggregated['/api'], aggregated['/apis']]
    expect(groupVersionsToList(roots)).toEqual([])
    expect(capabilitiesFrom(version, roots, [])).toEqual({ kubeVersion: 'v1.36.3', apiVersions: expected, failed: [] })
  })

  it('builds the same set from the plain lists, each group version listed (all versions, not only the preferred one)', () => {
    expect(groupVersionsToList(plainRoots)).toEqual([
      'v1',
      'apps/v1',
      'autoscaling/v2',
      'autoscaling/v1',
      'coordination.k8s.io/v1'
    ])
    expect(capabilitiesFrom(version, plainRoots, plainLists())).toEqual({
      kubeVersion: 'v1.36.3',
      apiVersions: expected,
      failed: []
    })
  })

  it('takes each root in the form it came: aggregated /apis beside a plain /api', () => {
    const roots: DiscoveryRoot[] = [plain['/api'], aggregated['/apis']]
    expect(groupVersionsToList(roots)).toEqual(['v1'])
    expect(capabilitiesFrom(version, roots, [plain['/api/v1']]).apiVersions).toEqual(expected)
  })

  it('leaves a stale aggregated version out entirely and reports it, as client-go does', () => {
    const apis = structuredClone(aggregated['/apis']) as AggregatedDiscovery
    apis.items.find(g => g.metadata?.name === 'autoscaling')!.versions!.find(v => v.version === 'v1')!.freshness =
      'Stale'
    const result = capabilitiesFrom(version, [aggregated['/api'], apis], [])
    expect(result.failed).toEqual(['autoscaling/v1'])
    expect(result.apiVersions).toEqual(expected.filter(v => !v.startsWith('autoscaling/v1')))
  })

  it('skips a resource without a response kind but keeps its subresources', () => {
    const api = structuredClone(aggregated['/api']) as AggregatedDiscovery
    delete api.items[0].versions![0].resources!.find(r => r.resource === 'serviceaccounts')!.responseKind
    const result = capabilitiesFrom(version, [api, aggregated['/apis']], [])
    expect(result.apiVersions).toEqual(expected.filter(v => v !== 'v1/ServiceAccount'))
    expect(result.apiVersions).toContain('v1/TokenRequest')
  })

  it('keeps a plain group version whose list failed, without its kinds, and reports it', () => {
    const lists = plainLists().filter(l => l.groupVersion !== 'coordination.k8s.io/v1')
    const result = capabilitiesFrom(version, plainRoots, lists, ['coordination.k8s.io/v1'])
    expect(result.failed).toEqual(['coordination.k8s.io/v1'])
    expect(result.apiVersions).toEqual(expected.filter(v => v !== 'coordination.k8s.io/v1/Lease'))
  })

  it('refuses a /version answer without gitVersion', () => {
    expect(() => capabilitiesFrom({} as ServerVersion, plainRoots, [])).toThrow(
      'GET /version answered without a gitVersion'
    )
  })
})
