import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { FakeCluster } from '../../../__fixtures__/fake-cluster.js'
import type { ApplyObject } from '../../../src/kube/cluster.js'
import {
  actionsCore,
  connection,
  deployment,
  logged,
  ns,
  refOf,
  resetLog,
  runEnv,
  service,
  sourced
} from './harness.js'

jest.unstable_mockModule('@actions/core', () => actionsCore)
// The deploy step as the action runs it (lock, strategy, apply, wait, traffic), handed the fake as its cluster.
const { deploy } = await import('../../../src/deploy/deploy-step.js')
const { parseSettings } = await import('../../../src/settings/parse.js')
const { abortCanary } = await import('../../../src/strategies/canary.js')

const colourLabel = 'build-and-deploy/colour'
const trackLabel = 'build-and-deploy/track'

const settings = (inputs: Record<string, string>) =>
  parseSettings(
    name => ({ mode: 'apply', manifests: 'k8s/', namespace: ns, timeout: '20s', ...inputs })[name] ?? '',
    runEnv
  )

const app = (image: string): ApplyObject[] => [
  service('web', { app: 'web' }),
  deployment('web', image, { replicas: 2 })
]
const serviceRef = refOf(service('web', {}))
const colourDeployment = (colour: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: ns,
  name: `web-${colour}`
})
const imageOf = (o: any): string => o.spec.template.spec.containers[0].image

beforeEach(() => resetLog())

describe('blue-green through the deploy step, against the in-process cluster', () => {
  const blueGreen = settings({ strategy: 'blue-green' })

  it('a first deploy runs the manifests as one colour, and the Service selects it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const result = await deploy(blueGreen, sourced(app('web:1')), connection(fake))
    expect(result.waits.map(w => [w.item.name, w.state])).toEqual([
      [expect.stringMatching(/^web-(blue|green)$/), 'succeeded']
    ])
    const colour = result.waits[0].item.name.slice('web-'.length)
    expect(result.traffic).toMatchObject({
      strategy: 'blue-green',
      before: undefined,
      after: colour,
      switched: true,
      services: ['web']
    })
    expect(fake.object(serviceRef).spec.selector).toEqual({ app: 'web', [colourLabel]: colour })
    expect(fake.objectsOf('apps/v1', 'Deployment', ns).map(d => d.metadata.name)).toEqual([`web-${colour}`])
    expect(fake.object(refOf(service('web', {})))).toBeDefined()
    // The lock was held for the run and released.
    expect(fake.requests.filter(r => r.kind === 'Lease').map(r => r.verb)).toEqual(['get', 'create', 'get', 'delete'])
  })

  it('the next deploy goes to the other colour, and the Service switches to it once it is ready', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const first = await deploy(blueGreen, sourced(app('web:1')), connection(fake))
    const live = first.traffic!.strategy === 'blue-green' ? first.traffic!.after! : ''
    const result = await deploy(blueGreen, sourced(app('web:2')), connection(fake))
    const next = live === 'blue' ? 'green' : 'blue'
    expect(result.traffic).toMatchObject({ before: live, after: next, switched: true })
    expect(fake.object(serviceRef).spec.selector[colourLabel]).toBe(next)
    expect([imageOf(fake.object(colourDeployment(next))), imageOf(fake.object(colourDeployment(live)))]).toEqual([
      'web:2',
      'web:1'
    ])
    // The switch came after the new colour's rollout: the Service's write is the last apply.
    const applies = fake.requests.filter(r => r.verb === 'apply' && !r.dryRun).map(r => `${r.kind}/${r.name}`)
    expect(applies.at(-1)).toBe('Service/web')
    expect(logged).toContainEqual(
      expect.stringMatching(new RegExp(`^Switched service/web to ${next} \\d+ ms after it was ready\\.$`))
    )
  })

  it('a new colour that fails is deleted; the Service keeps selecting the live one', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const first = await deploy(blueGreen, sourced(app('web:1')), connection(fake))
    const live = first.traffic!.strategy === 'blue-green' ? first.traffic!.after! : ''
    const next = live === 'blue' ? 'green' : 'blue'
    fake.failPods(`${colourLabel}=${next}`, { reason: 'CrashLoopBackOff', log: 'panic\n' })
    const result = await deploy(blueGreen, sourced(app('web:2')), connection(fake))
    expect(result.waits.map(w => [w.item.name, w.state])).toEqual([[`web-${next}`, 'failed']])
    expect(result.traffic).toMatchObject({ before: live, after: live, switched: false })
    expect(result.rollback).toBeUndefined()
    await fake.settle()
    expect(fake.object(colourDeployment(next))).toBeUndefined()
    expect(fake.object(serviceRef).spec.selector[colourLabel]).toBe(live)
    expect(imageOf(fake.object(colourDeployment(live)))).toBe('web:1')
  })
})

describe('canary through the deploy step, against the in-process cluster', () => {
  const canary = settings({ strategy: 'canary', 'canary-percent': '50' })

  it('the first deploy is the stable version; the next one adds a canary beside it, which abort removes', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const first = await deploy(canary, sourced(app('web:1')), connection(fake))
    expect(fake.objectsOf('apps/v1', 'Deployment', ns).map(d => d.metadata.name)).toEqual(['web'])
    expect(first.traffic).toMatchObject({ strategy: 'canary', stage: 'stable' })

    const result = await deploy(canary, sourced(app('web:2')), connection(fake))
    expect(result.traffic).toMatchObject({
      strategy: 'canary',
      stage: 'canary',
      canaries: [{ name: 'web-canary', stable: 'web', replicas: 2, stableReplicas: 2 }]
    })
    expect(result.waits.map(w => [w.item.name, w.state])).toEqual([['web-canary', 'succeeded']])
    const canaryRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web-canary' }
    const added = fake.object(canaryRef)
    expect([
      imageOf(added),
      added.spec.template.metadata.labels[trackLabel],
      imageOf(fake.object(refOf(deployment('web', ''))))
    ]).toEqual(['web:2', 'canary', 'web:1'])
    // The canary's pods carry the Service's selector, so they take their share of its traffic.
    expect(added.spec.template.metadata.labels.app).toBe('web')

    const aborted = await abortCanary(fake, sourced(app('web:2')), ns)
    expect(aborted).toMatchObject({ stage: 'aborted', added: ['deployment/web-canary'] })
    await fake.settle()
    expect(fake.objectsOf('apps/v1', 'Deployment', ns).map(d => d.metadata.name)).toEqual(['web'])
    expect(fake.objectsOf('v1', 'Pod', ns).every(p => p.metadata.labels[trackLabel] === undefined)).toBe(true)
  })

  it('a canary that fails is deleted; stable is not touched', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await deploy(canary, sourced(app('web:1')), connection(fake))
    fake.failPods(`${trackLabel}=canary`, { reason: 'ErrImagePull' })
    const result = await deploy(canary, sourced(app('web:2')), connection(fake))
    expect(result.waits.map(w => [w.item.name, w.state])).toEqual([['web-canary', 'failed']])
    expect(result.traffic).toMatchObject({ stage: 'aborted' })
    await fake.settle()
    expect(fake.objectsOf('apps/v1', 'Deployment', ns).map(d => [d.metadata.name, imageOf(d)])).toEqual([
      ['web', 'web:1']
    ])
  })
})
