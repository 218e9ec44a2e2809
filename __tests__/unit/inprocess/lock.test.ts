import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { FakeCluster } from '../../../__fixtures__/fake-cluster.js'
import { DeployLock, releaseLease } from '../../../src/run/lock.js'
import type { DeleteOptions, ObjectRef } from '../../../src/kube/cluster.js'
import { ns } from './harness.js'

const leaseRef = DeployLock.ref(ns, 'build-and-deploy-deploy')
const holder = (run: number) => ({
  identity: `https://github.com/acme/api/actions/runs/${run}#runner/1`,
  runUrl: `https://github.com/acme/api/actions/runs/${run}`,
  actor: 'octocat'
})

// The lock waits 0.5–1 s between looks and renews every 10 s: timers are faked so that time is the test's, while
// the fake cluster's setImmediate steps stay real.
beforeEach(() => void jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }))
afterEach(() => void jest.useRealTimers())

describe('DeployLock against the in-process cluster', () => {
  it('acquires a free lock as a Lease naming the run, and releases it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const lock = await DeployLock.acquire(fake, ns, 'deploy', holder(1), 60_000, () => undefined)
    const lease = fake.object(leaseRef)
    expect(lease.spec).toMatchObject({ holderIdentity: holder(1).identity, leaseDurationSeconds: 30 })
    expect(lease.metadata.annotations).toEqual({
      'build-and-deploy/lock-run-url': holder(1).runUrl,
      'build-and-deploy/lock-actor': 'octocat'
    })
    await lock.release()
    expect(fake.object(leaseRef)).toBeUndefined()
  })

  it('a second run waits, saying for whom, and gets the lock once the first releases it', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const first = await DeployLock.acquire(fake, ns, 'deploy', holder(1), 60_000, () => undefined)
    const lines: string[] = []
    let second: DeployLock | undefined
    const acquiring = DeployLock.acquire(fake, ns, 'deploy', holder(2), 60_000, line => lines.push(line)).then(
      l => (second = l)
    )
    await jest.advanceTimersByTimeAsync(5_000)
    expect(second).toBeUndefined()
    expect(lines).toEqual([
      expect.stringMatching(
        /^Waiting for the deploy lock shop\/build-and-deploy-deploy, held by run https:\/\/github.com\/acme\/api\/actions\/runs\/1, actor octocat, since \d{4}-/
      )
    ])
    await first.release()
    await jest.advanceTimersByTimeAsync(1_000)
    await acquiring
    expect(fake.object(leaseRef).spec.holderIdentity).toBe(holder(2).identity)
    await second!.release()
  })

  it('gives up after lock-timeout, naming the holder', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await DeployLock.acquire(fake, ns, 'deploy', holder(1), 60_000, () => undefined)
    const acquiring = DeployLock.acquire(fake, ns, 'deploy', holder(2), 2_000, () => undefined)
    const settled = acquiring.catch((error: Error) => error)
    await jest.advanceTimersByTimeAsync(4_000)
    expect(String(await settled)).toMatch(
      /^Error: Deploy lock shop\/build-and-deploy-deploy is held by run .*\/runs\/1, actor octocat, since .*; gave up after waiting 2 s \(lock-timeout\)\.$/
    )
  })

  it('takes over a lease its holder stopped renewing', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const stale = new Date(Date.now() - 120_000).toISOString().replace('Z', '000Z')
    fake.seed([
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'build-and-deploy-deploy', namespace: ns },
        spec: { holderIdentity: 'crashed-run', leaseDurationSeconds: 30, acquireTime: stale, renewTime: stale }
      }
    ])
    const lines: string[] = []
    await DeployLock.acquire(fake, ns, 'deploy', holder(2), 60_000, line => lines.push(line))
    expect(lines).toEqual([
      expect.stringMatching(
        /^Taking over the expired deploy lock shop\/build-and-deploy-deploy from crashed-run, since /
      )
    ])
    expect(fake.object(leaseRef).spec.holderIdentity).toBe(holder(2).identity)
    expect(fake.requests.filter(r => r.kind === 'Lease' && r.verb !== 'get').map(r => r.verb)).toEqual(['replace'])
  })

  it('renews the lease while held; a lease taken by another is reported lost and not deleted on release', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const lines: string[] = []
    const lock = await DeployLock.acquire(fake, ns, 'deploy', holder(1), 60_000, line => lines.push(line))
    const acquired = fake.object(leaseRef).spec.renewTime
    await jest.advanceTimersByTimeAsync(10_000)
    expect(fake.object(leaseRef).spec.renewTime).not.toBe(acquired)

    const live = fake.object(leaseRef)
    await fake.replace({ ...live, spec: { ...live.spec, holderIdentity: 'another-run' } })
    await jest.advanceTimersByTimeAsync(10_000)
    expect(lines).toEqual(['Lost the deploy lock shop/build-and-deploy-deploy.'])
    await lock.release()
    expect(fake.object(leaseRef).spec.holderIdentity).toBe('another-run')
    expect(fake.requests.filter(r => r.verb === 'delete')).toEqual([])
  })

  it('release deletes the lease only as it was read (resourceVersion precondition)', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await DeployLock.acquire(fake, ns, 'deploy', holder(1), 60_000, () => undefined)
    const rv = fake.object(leaseRef).metadata.resourceVersion
    expect(await releaseLease(fake, ns, 'build-and-deploy-deploy', holder(1).identity)).toBe(true)
    expect(fake.requests.filter(r => r.verb === 'delete').map(r => r.preconditions)).toEqual([{ resourceVersion: rv }])
    expect(fake.object(leaseRef)).toBeUndefined()
    // Another identity's release leaves a lease alone.
    await DeployLock.acquire(fake, ns, 'deploy', holder(2), 60_000, () => undefined)
    expect(await releaseLease(fake, ns, 'build-and-deploy-deploy', holder(1).identity)).toBe(false)
    expect(fake.object(leaseRef).spec.holderIdentity).toBe(holder(2).identity)
  })

  it('a lease renewed between the read and the delete is left (the precondition fails, 409)', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await DeployLock.acquire(fake, ns, 'deploy', holder(1), 60_000, () => undefined)
    // A writer renews the lease just after release read it, before its delete arrives.
    const racing = new Proxy(fake, {
      get(target, key) {
        if (key === 'delete') {
          return async (ref: ObjectRef, options: DeleteOptions) => {
            const live = target.object(leaseRef)
            await target.replace({ ...live, spec: { ...live.spec, renewTime: '2030-01-01T00:00:00.000000Z' } })
            return target.delete(ref, options)
          }
        }
        const value = Reflect.get(target, key) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
    expect(await releaseLease(racing, ns, 'build-and-deploy-deploy', holder(1).identity)).toBe(true)
    expect(fake.object(leaseRef).spec.renewTime).toBe('2030-01-01T00:00:00.000000Z')
  })
})
