import { describe, expect, it } from '@jest/globals'
import { canaryObjectsOf, canaryReplicas, planCanary, shareWarning } from '../../src/strategies/canary-plan.js'
import type { KubeObject, SourcedObject } from '../../src/manifests/documents.js'

const source = (object: KubeObject, document: number): SourcedObject => ({ file: 'app.yaml', document, object })
const deployment = (name: string, replicas = 3): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:2` }] } }
  }
})
const service = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, clusterIP: '10.0.0.9', ports: [{ name: 'http', port: 80 }] }
})
const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'example' },
  spec: {
    ingressClassName: 'nginx',
    tls: [{ hosts: ['example.test'], secretName: 'tls' }],
    rules: [
      {
        host: 'example.test',
        http: {
          paths: [
            { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } },
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }
          ]
        }
      }
    ]
  }
}
const manifests = [
  source(deployment('web'), 1),
  source(service('web'), 2),
  source(deployment('api', 4), 3),
  source(service('api'), 4),
  source(ingress, 5)
]
const spec = (o: KubeObject) => o.spec as any

describe('canaryReplicas', () => {
  it.each([
    [3, 20, 1],
    [3, 50, 3],
    [8, 20, 2],
    [1, 10, 1],
    [9, 90, 81]
  ])('%i stable at %i %% → %i canary pods', (stable, percent, canary) => {
    expect(canaryReplicas(stable, percent)).toBe(canary)
  })
})

describe('planCanary', () => {
  it('rolls the manifests as stable when none of their Deployments is live', () => {
    const plan = planCanary(manifests, new Map(), 'prod', 20)
    expect(plan).toMatchObject({ first: true, objects: manifests, canaries: [], added: [] })
  })

  it('adds a canary beside the live stable Deployment, which is neither applied nor pruned', () => {
    const plan = planCanary(manifests, new Map([['prod/web', 3]]), 'prod', 20)
    expect(plan.first).toBe(false)
    expect(plan.objects.map(o => `${o.object.kind}/${o.object.metadata.name}`)).toEqual([
      'Deployment/web-canary',
      'Service/web',
      'Service/web-canary',
      'Deployment/api',
      'Service/api',
      'Ingress/example',
      'Ingress/example-canary'
    ])
    const canary = plan.objects[0].object
    expect(spec(canary).replicas).toBe(1)
    expect(spec(canary).selector.matchLabels).toEqual({ app: 'web', 'build-and-deploy/track': 'canary' })
    expect(spec(canary).template.metadata.labels).toEqual({ app: 'web', 'build-and-deploy/track': 'canary' })
    expect(spec(canary).template.spec.containers[0].image).toBe('web:2')
    expect(plan.retained).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' } }
    ])
    expect(plan.canaries).toEqual([
      { namespace: 'prod', base: 'web', name: 'web-canary', replicas: 1, stableReplicas: 3 }
    ])
    expect(plan.replicaPercent).toBe(25)
    // The canary Service selects the canary pods only; no fixed cluster IP is copied.
    expect(spec(plan.objects[2].object)).toEqual({
      selector: { app: 'web', 'build-and-deploy/track': 'canary' },
      ports: [{ name: 'http', port: 80 }]
    })
    // ingress-nginx's canary: the web path only, to web-canary, with the weight; TLS stays on the main Ingress.
    const canaryIngress = plan.objects[6].object
    expect(canaryIngress.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '20'
    })
    expect(spec(canaryIngress)).toEqual({
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'example.test',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web-canary', port: { name: 'http' } } } }
            ]
          }
        }
      ]
    })
    expect(plan.added.map(a => `${a.kind}/${a.name}`)).toEqual([
      'Deployment/web-canary',
      'Service/web-canary',
      'Ingress/example-canary'
    ])
  })

  it('names everything a canary of the manifests adds, for promote and abort', () => {
    expect(canaryObjectsOf(manifests, 'prod').map(a => `${a.kind}/${a.namespace}/${a.name}`)).toEqual([
      'Deployment/prod/web-canary',
      'Service/prod/web-canary',
      'Deployment/prod/api-canary',
      'Service/prod/api-canary',
      'Ingress/prod/example-canary'
    ])
  })

  it('refuses manifests with no Deployment behind a Service', () => {
    expect(() => planCanary([source(deployment('worker'), 1)], new Map(), 'prod', 20)).toThrow(
      'strategy canary needs a Deployment behind a Service in the manifests'
    )
  })
})

describe('planCanary with unchanged Deployments (issue 18)', () => {
  const onlyWeb = (d: SourcedObject) => d.object.metadata.name === 'web'
  it('starts a canary for the changed Deployment only; the unchanged one is applied as rolling', () => {
    const plan = planCanary(
      manifests,
      new Map([
        ['prod/web', 3],
        ['prod/api', 4]
      ]),
      'prod',
      20,
      onlyWeb
    )
    expect(plan.canaries.map(c => c.name)).toEqual(['web-canary'])
    expect(plan.rolling).toEqual(['api'])
    expect(plan.objects.map(o => `${o.object.kind}/${o.object.metadata.name}`)).toContain('Deployment/api')
    expect(plan.added.map(a => a.name)).toEqual(['web-canary', 'web-canary', 'example-canary'])
  })

  it('starts no canary when nothing changes', () => {
    const plan = planCanary(
      manifests,
      new Map([
        ['prod/web', 3],
        ['prod/api', 4]
      ]),
      'prod',
      20,
      () => false
    )
    expect(plan).toMatchObject({ first: true, canaries: [], added: [], rolling: ['web', 'api'], objects: manifests })
  })

  it('a pinned Deployment gets no canary', () => {
    const pinned = manifests.map(m =>
      m.object.metadata.name === 'api' && m.object.kind === 'Deployment'
        ? {
            ...m,
            object: {
              ...m.object,
              metadata: { ...m.object.metadata, annotations: { 'build-and-deploy/strategy': 'rolling' } }
            }
          }
        : m
    )
    const plan = planCanary(
      pinned,
      new Map([
        ['prod/web', 3],
        ['prod/api', 4]
      ]),
      'prod',
      20
    )
    expect(plan.canaries.map(c => c.name)).toEqual(['web-canary'])
    expect(plan.rolling).toEqual(['api'])
  })
})

describe('shareWarning', () => {
  const canary = (replicas: number, stableReplicas: number) => ({
    namespace: 'prod',
    base: 'web',
    name: 'web-canary',
    replicas,
    stableReplicas
  })
  it.each([
    [
      10,
      canary(1, 1),
      'deployment/web-canary gets 50 % of the pods (1 beside 1 of web); 10 % needs 9 stable replicas of web for 1 canary'
    ],
    [20, canary(1, 3), undefined],
    [20, canary(1, 4), undefined],
    [10, canary(1, 3), 'deployment/web-canary gets 25 % of the pods (1 beside 3 of web); 10 % needs 9 stable replicas'],
    [50, canary(1, 1), undefined]
  ])('canary-percent %i with %j', (percent, c, expected) => {
    const warning = shareWarning({ canaries: [c] }, percent)
    if (expected === undefined) expect(warning).toBeUndefined()
    else expect(warning).toContain(expected)
  })

  it('a plan with one stable pod at 10 % gets a canary half of the pods, and says so', () => {
    const plan = planCanary(manifests, new Map([['prod/web', 1]]), 'prod', 10)
    expect(plan.replicaPercent).toBe(50)
    expect(shareWarning(plan, 10)).toContain('canary-percent 10 does not hold')
  })
})
