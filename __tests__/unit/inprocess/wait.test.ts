import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { FakeCluster } from '../../../__fixtures__/fake-cluster.js'
import type { ApplyObject } from '../../../src/kube/cluster.js'
import { waitForRollouts, WaitItem, WaitOptions } from '../../../src/status/wait.js'
import { configMap, deployment, job, ns, refOf } from './harness.js'

const plurals: Record<string, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs'
}
const itemOf = (o: ApplyObject): WaitItem => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  plural: plurals[o.kind],
  namespace: o.metadata.namespace,
  name: o.metadata.name
})

/** Applies the objects as the action would, then waits on them; the controllers move them along meanwhile. */
async function applyAndWait(fake: FakeCluster, objects: ApplyObject[], options: Partial<WaitOptions> = {}) {
  for (const o of objects) await fake.apply(o, { fieldManager: 'build-and-deploy' })
  const lines: string[] = []
  const outcomes = await waitForRollouts(fake, objects.map(itemOf), {
    timeoutMs: 10_000,
    log: line => lines.push(line),
    ...options
  })
  return { outcomes, lines }
}

const statefulSet = (image: string): ApplyObject => ({
  ...deployment('db', image, { replicas: 2 }),
  kind: 'StatefulSet',
  spec: { ...(deployment('db', image, { replicas: 2 }).spec as object), serviceName: 'db' }
})

afterEach(() => void jest.useRealTimers())

describe('waitForRollouts against the in-process cluster', () => {
  it('a Deployment that rolls out succeeds, as kubectl rollout status words it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const { outcomes, lines } = await applyAndWait(fake, [deployment('web', 'web:1', { replicas: 3 })])
    expect(outcomes.map(o => [o.state, o.message])).toEqual([['succeeded', 'deployment/web successfully rolled out']])
    expect(lines.some(l => /^deployment\/web: \d of 3 updated replicas are available$/.test(l))).toBe(true)
    // Watched, not polled: one list and one watch per collection.
    expect(fake.requests.filter(r => r.verb === 'list' && r.kind === 'Deployment')).toHaveLength(1)
  })

  it('a crash-looping pod of the new revision fails the wait at once, with its warning events and its last log lines', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('app=web', { reason: 'CrashLoopBackOff', exitCode: 2, log: 'starting\npanic: no DATABASE_URL\n' })
    const { outcomes } = await applyAndWait(fake, [deployment('web', 'web:1')])
    const [outcome] = outcomes
    expect(outcome.state).toBe('failed')
    expect(outcome.message).toMatch(
      /^deployment\/web: pod web-[a-z0-9]+-[a-z0-9]{5} container web is CrashLoopBackOff$/
    )
    expect(outcome.diagnosis).toMatchObject({
      reason: 'CrashLoopBackOff',
      container: 'web',
      logs: ['starting', 'panic: no DATABASE_URL']
    })
    expect(outcome.diagnosis!.events).toEqual([expect.stringMatching(/^BackOff: /)])
    expect(fake.requests.some(r => r.verb === 'podLog')).toBe(true)
  })

  it('ProgressDeadlineExceeded fails the wait, explained by the pod that never turned ready', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('app=web', {
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503'
    })
    fake.exceedProgressDeadline({ namespace: ns, name: 'web' })
    const { outcomes } = await applyAndWait(fake, [deployment('web', 'web:1')])
    expect(outcomes.map(o => [o.state, o.message])).toEqual([
      [
        'failed',
        expect.stringMatching(
          /^deployment\/web exceeded its progress deadline: ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/
        )
      ]
    ])
    expect(outcomes[0].diagnosis?.reason).toBe('not ready')
    expect(outcomes[0].diagnosis?.events).toEqual([expect.stringContaining('Readiness probe failed')])
  })

  it('a rollout still under way when the timeout strikes times out, saying where it stood and why', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('app=web', { reason: 'Unhealthy', message: 'Readiness probe failed' })
    // Timers are faked (the fake's controllers step on setImmediate, kept real): the wait's explanation races an
    // 8 s timer it never clears, which would otherwise hold the test process that long.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] })
    const waiting = applyAndWait(fake, [deployment('web', 'web:1')], { timeoutMs: 300 })
    await fake.settle()
    await jest.advanceTimersByTimeAsync(300)
    const { outcomes } = await waiting
    jest.useRealTimers()
    expect(outcomes[0].state).toBe('timed-out')
    expect(outcomes[0].message).toMatch('timed out after 300ms: deployment/web: 0 of 1 updated replicas are available')
    expect(outcomes[0].diagnosis?.reason).toBe('not ready')
  })

  it('a Job succeeds once complete', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const { outcomes } = await applyAndWait(fake, [job('migrate', 'm:1')])
    expect(outcomes.map(o => [o.state, o.message])).toEqual([['succeeded', 'job/migrate completed']])
  })

  it('a Job whose pod fails is failed, with that pod’s log; the other rollouts waited on stop', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('batch.kubernetes.io/job-name=broken', { reason: 'Error', exitCode: 3, log: 'migration 42 failed\n' })
    fake.failPods('app=web', { reason: 'Unhealthy' })
    const { outcomes } = await applyAndWait(fake, [job('broken', 'm:1'), deployment('web', 'web:1')])
    expect(outcomes.map(o => [o.item.name, o.state])).toEqual([
      ['broken', 'failed'],
      ['web', 'stopped']
    ])
    expect(outcomes[0].message).toMatch(/BackoffLimitExceeded|backoff limit/)
    expect(outcomes[0].diagnosis?.logs).toEqual(['migration 42 failed'])
  })

  it('a StatefulSet update succeeds once every pod runs the update revision', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await applyAndWait(fake, [statefulSet('db:1')])
    const { outcomes } = await applyAndWait(fake, [statefulSet('db:2')])
    expect(outcomes.map(o => [o.state, o.message])).toEqual([
      ['succeeded', expect.stringMatching(/^statefulset\/db: .*complete/)]
    ])
    const live = fake.object(refOf(statefulSet('db:2')))
    expect(live.status.currentRevision).toBe(live.status.updateRevision)
  })

  it('a watch that ends and cannot resume (410 Gone) is re-listed, and the rollout is still seen through', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('app=web', { reason: 'Unhealthy' })
    await fake.apply(deployment('web', 'web:1'), { fieldManager: 'build-and-deploy' })
    const waiting = waitForRollouts(fake, [itemOf(deployment('web', 'web:1'))], {
      timeoutMs: 10_000,
      log: () => undefined
    })
    await fake.settle()
    // Another write moves the store past the last version the wait saw; compacted, that version is gone.
    await fake.apply(configMap('other', { a: '1' }), { fieldManager: 'someone' })
    fake.compact().endWatches()
    fake.healPods()
    const [outcome] = await waiting
    expect(outcome.state).toBe('succeeded')
    const deploymentCalls = fake.requests
      .filter(r => r.kind === 'Deployment' && (r.verb === 'list' || r.verb === 'watch'))
      .map(r => r.verb)
    expect(deploymentCalls.slice(0, 2)).toEqual(['list', 'watch'])
    // The re-watch from the last resourceVersion answered 410, so the Deployment was listed again.
    expect(deploymentCalls.filter(v => v === 'list').length).toBeGreaterThanOrEqual(2)
  })
})
