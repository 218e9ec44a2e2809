import { describe, expect, it } from '@jest/globals'
import { liveColourOf, planBlueGreen, selects } from '../../src/strategies/blue-green-plan.js'
import type { KubeObject, SourcedObject } from '../../src/manifests/documents.js'

const source = (object: KubeObject, document: number): SourcedObject => ({ file: 'app.yaml', document, object })
const deployment = (name: string, labels: Record<string, string>, kind = 'Deployment'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name },
  spec: {
    replicas: 3,
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name, image: `${name}:1` }] } }
  }
})
const service = (name: string, selector: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector, ports: [{ port: 80 }] }
})
const hpa = (target: string): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: target },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target } }
})
const manifests = [
  source({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' } }, 1),
  source(deployment('web', { app: 'web' }), 2),
  source(service('web', { app: 'web' }), 3),
  source(hpa('web'), 4),
  source(deployment('worker', { app: 'worker' }), 5)
]
const spec = (o: KubeObject) => o.spec as any

describe('planBlueGreen', () => {
  it('first deploy: blue, with a new Service selecting blue at once', () => {
    const plan = planBlueGreen(manifests, new Map(), 'prod')
    expect(plan).toMatchObject({ live: undefined, next: 'blue' })
    expect(plan.objects.map(o => `${o.object.kind}/${o.object.metadata.name}`)).toEqual([
      'ConfigMap/web-config',
      'Deployment/web-blue',
      'Service/web',
      'HorizontalPodAutoscaler/web',
      'Deployment/worker'
    ])
    const web = plan.objects[1].object
    expect(spec(web).selector.matchLabels).toEqual({ app: 'web', 'build-and-deploy/colour': 'blue' })
    expect(spec(web).template.metadata.labels).toEqual({ app: 'web', 'build-and-deploy/colour': 'blue' })
    expect(spec(plan.objects[2].object).selector).toEqual({ app: 'web', 'build-and-deploy/colour': 'blue' })
    expect(spec(plan.objects[3].object).scaleTargetRef.name).toBe('web-blue')
    // A Deployment no Service selects rolls as usual.
    expect(plan.objects[4].object).toBe(manifests[4].object)
    expect(plan.deployments).toEqual([{ namespace: 'prod', base: 'web', name: 'web-blue', live: undefined }])
    // Created by this run: deleted with blue if blue is dropped, so that it never selects a deleted colour.
    expect(plan.services.map(s => s.created)).toEqual([true])
  })

  it('blue live: writes green, keeps the Service on blue until the switch', () => {
    const plan = planBlueGreen(manifests, new Map([['prod/web', 'blue' as const]]), 'prod')
    expect(plan).toMatchObject({ live: 'blue', next: 'green' })
    expect(plan.objects[1].object.metadata.name).toBe('web-green')
    expect(spec(plan.objects[2].object).selector).toEqual({ app: 'web', 'build-and-deploy/colour': 'blue' })
    expect(plan.services).toEqual([
      {
        namespace: 'prod',
        name: 'web',
        created: false,
        switched: expect.objectContaining({
          spec: expect.objectContaining({ selector: { app: 'web', 'build-and-deploy/colour': 'green' } })
        })
      }
    ])
    expect(plan.deployments).toEqual([{ namespace: 'prod', base: 'web', name: 'web-green', live: 'web-blue' }])
    // The input is never changed.
    expect(manifests[1].object.metadata.name).toBe('web')
  })

  it('a Service that exists without a colour keeps selecting both until the switch', () => {
    const plan = planBlueGreen(manifests, new Map([['prod/web', 'none' as const]]), 'prod')
    expect(spec(plan.objects[2].object).selector).toEqual({ app: 'web' })
    expect(spec(plan.services[0].switched).selector).toEqual({ app: 'web', 'build-and-deploy/colour': 'blue' })
  })

  it.each([
    [
      [source(deployment('db', { app: 'db' }, 'StatefulSet'), 1), source(service('db', { app: 'db' }), 2)],
      new Map(),
      'StatefulSet db cannot run in two colours (deploy it with strategy: rolling)'
    ],
    [[source(deployment('web', { app: 'web' }), 1)], new Map(), 'none of their Services selects one'],
    [
      [
        source(deployment('web', { app: 'web', tier: 'a' }), 1),
        source(deployment('db', { app: 'web', tier: 'b' }, 'StatefulSet'), 2),
        source(service('web', { app: 'web' }), 3)
      ],
      new Map(),
      'app.yaml document 3 (Service web) selects Deployment web and StatefulSet db'
    ],
    [
      [...manifests, source(deployment('api', { app: 'api' }), 6), source(service('api', { app: 'api' }), 7)],
      new Map([
        ['prod/web', 'blue' as const],
        ['prod/api', 'green' as const]
      ]),
      'Services prod/web, prod/api select different colours (blue, green)'
    ]
  ])('refuses %#', (objects, colours, message) => {
    expect(() => planBlueGreen(objects, colours as Map<string, 'blue' | 'green'>, 'prod')).toThrow(message)
  })

  it('a StatefulSet behind its own Service rolls beside the coloured Deployments', () => {
    const plan = planBlueGreen(
      [
        ...manifests,
        source(deployment('db', { app: 'db' }, 'StatefulSet'), 6),
        source(service('db', { app: 'db' }), 7)
      ],
      new Map(),
      'prod'
    )
    expect(plan.objects.slice(5).map(o => o.object.metadata.name)).toEqual(['db', 'db'])
    expect(plan.services.map(s => s.name)).toEqual(['web'])
  })
})

describe('selects and liveColourOf', () => {
  it.each([
    [{ app: 'web' }, { app: 'web', tier: 'x' }, true],
    [{ app: 'web', 'build-and-deploy/colour': 'blue' }, { app: 'web' }, true],
    [{ app: 'web' }, { app: 'api' }, false],
    [{}, { app: 'web' }, false]
  ])('%j selects %j: %s', (selector, labels, expected) => {
    expect(selects(selector, labels)).toBe(expected)
  })

  it('reads the colour a live Service selects', () => {
    expect(liveColourOf(service('web', { app: 'web', 'build-and-deploy/colour': 'green' }))).toBe('green')
    expect(liveColourOf(service('web', { app: 'web', 'build-and-deploy/colour': 'purple' }))).toBeUndefined()
    expect(liveColourOf(undefined)).toBeUndefined()
  })
})

describe('planBlueGreen with unchanged Deployments (issue 18)', () => {
  const redis = (annotations?: Record<string, string>) => {
    const d = deployment('redis', { app: 'redis' })
    if (annotations) d.metadata.annotations = annotations
    return d
  }
  const stack = (annotations?: Record<string, string>) => [
    source(deployment('web', { app: 'web' }), 1),
    source(service('web', { app: 'web' }), 2),
    source(redis(annotations), 3),
    source(service('redis', { app: 'redis' }), 4),
    source(hpa('redis'), 5)
  ]
  const names = (plan: ReturnType<typeof planBlueGreen>) =>
    plan.objects.map(o => `${o.object.kind}/${o.object.metadata.name}`)
  const onlyWeb = (d: SourcedObject) => d.object.metadata.name === 'web'

  it.each([
    [
      'redis on blue keeps blue, its pods and its HPA target',
      new Map([
        ['prod/web', 'blue' as const],
        ['prod/redis', 'blue' as const]
      ]),
      'green',
      'Deployment/redis-blue',
      { app: 'redis', 'build-and-deploy/colour': 'blue' },
      'redis-blue'
    ],
    [
      'redis on the other colour stays there',
      new Map([
        ['prod/web', 'green' as const],
        ['prod/redis', 'green' as const]
      ]),
      'blue',
      'Deployment/redis-green',
      { app: 'redis', 'build-and-deploy/colour': 'green' },
      'redis-green'
    ],
    [
      'redis never coloured stays plain',
      new Map([
        ['prod/web', 'blue' as const],
        ['prod/redis', 'none' as const]
      ]),
      'green',
      'Deployment/redis',
      { app: 'redis' },
      'redis'
    ],
    [
      'redis on blue while web is on green: only web must agree',
      new Map([
        ['prod/web', 'green' as const],
        ['prod/redis', 'blue' as const]
      ]),
      'blue',
      'Deployment/redis-blue',
      { app: 'redis', 'build-and-deploy/colour': 'blue' },
      'redis-blue'
    ]
  ])('%s', (_, colours, next, redisName, redisSelector, hpaTarget) => {
    const plan = planBlueGreen(stack(), colours, 'prod', onlyWeb)
    expect(plan.next).toBe(next)
    expect(names(plan)).toEqual([
      `Deployment/web-${next}`,
      'Service/web',
      redisName,
      'Service/redis',
      'HorizontalPodAutoscaler/redis'
    ])
    expect(plan.deployments.map(d => d.name)).toEqual([`web-${next}`])
    expect(plan.services.map(s => s.name)).toEqual(['web'])
    expect(plan.rolling).toEqual([redisName.split('/')[1]])
    expect(spec(plan.objects[3].object).selector).toEqual(redisSelector)
    expect(spec(plan.objects[4].object).scaleTargetRef.name).toBe(hpaTarget)
  })

  it('a Deployment pinned with build-and-deploy/strategy: rolling is not coloured even when it changes', () => {
    const plan = planBlueGreen(
      stack({ 'build-and-deploy/strategy': 'rolling' }),
      new Map([
        ['prod/web', 'blue' as const],
        ['prod/redis', 'none' as const]
      ]),
      'prod'
    )
    expect(plan.deployments.map(d => d.name)).toEqual(['web-green'])
    expect(plan.rolling).toEqual(['redis'])
  })

  it('nothing changes: nothing is coloured or switched', () => {
    const plan = planBlueGreen(
      stack(),
      new Map([
        ['prod/web', 'blue' as const],
        ['prod/redis', 'blue' as const]
      ]),
      'prod',
      () => false
    )
    expect(plan).toMatchObject({ live: 'blue', deployments: [], services: [], rolling: ['web-blue', 'redis-blue'] })
  })
})
