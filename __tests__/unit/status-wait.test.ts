import { describe, expect, it } from '@jest/globals'
import { FakeCluster } from '../../__fixtures__/fake-cluster.js'
import type { ApplyObject } from '../../src/kube/cluster.js'
import { waitForRollouts, WaitItem } from '../../src/status/wait.js'

const ns = 'shop'
const deployment = (image: string): ApplyObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } }
  }
})
const item: WaitItem = { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespace: ns, name: 'web' }

describe('waitForRollouts against the in-process cluster', () => {
  it('says a Deployment rolled out once kubectl would', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    await fake.apply(deployment('web:1'), { fieldManager: 'ci' })
    const lines: string[] = []
    const [outcome] = await waitForRollouts(fake, [item], { timeoutMs: 20_000, log: line => lines.push(line) })
    expect(outcome).toMatchObject({ state: 'succeeded', message: 'deployment/web successfully rolled out' })
    expect(lines.at(-1)).toMatch(/^✓ deployment\/web successfully rolled out \(/)
    fake.close()
  })

  it('fails fast on a crash-looping pod of the new revision, with its log', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('app=web', { reason: 'CrashLoopBackOff', log: 'panic: boom\n' })
    await fake.apply(deployment('web:2'), { fieldManager: 'ci' })
    const [outcome] = await waitForRollouts(fake, [item], { timeoutMs: 20_000, log: () => undefined })
    expect(outcome.state).toBe('failed')
    expect(outcome.message).toMatch(/^deployment\/web: pod web-[a-z0-9]+-[a-z0-9]+ container web is CrashLoopBackOff$/)
    expect(outcome.diagnosis?.logs).toEqual(['panic: boom'])
    fake.close()
  })

  it('fails a Job by its Failed condition only, explained by its last failed pod', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    fake.failPods('job-name=migrate', { reason: 'Error', exitCode: 3 })
    const job: ApplyObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: ns },
      spec: { backoffLimit: 1, template: { metadata: { labels: { 'job-name': 'migrate' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'migrate:1' }] } } }
    }
    await fake.apply(job, { fieldManager: 'ci' })
    const [outcome] = await waitForRollouts(fake, [{ apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', namespace: ns, name: 'migrate' }], { timeoutMs: 20_000, log: () => undefined })
    expect(outcome).toMatchObject({ state: 'failed', message: 'job/migrate failed: BackoffLimitExceeded (Job has reached the specified backoff limit)' })
    expect(outcome.diagnosis).toMatchObject({ container: 'migrate', reason: 'Error', message: 'container exited with code 3' })
    fake.close()
  })

  it('reports what it never saw as timed out', async () => {
    const fake = new FakeCluster({ namespaces: [ns] })
    const [outcome] = await waitForRollouts(fake, [item], { timeoutMs: 300, log: () => undefined })
    expect(outcome).toMatchObject({ state: 'timed-out', message: 'timed out after 300ms: deployment/web: no status observed' })
    fake.close()
  })
})
