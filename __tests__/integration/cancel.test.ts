import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import {
  deployInputs,
  env,
  kubectl,
  liveImage,
  manifestCopy,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository
} from './harness.js'

const ns = namespacesForThisFile()
const neverReady = (text: string): string =>
  text.replace('labels: {app: web}\n    spec:', 'labels: {app: web, bnd.dev/fault: never-ready}\n    spec:')
const leases = async (namespace: string): Promise<string> =>
  (await kubectl(['-n', namespace, 'get', 'lease', '--ignore-not-found', '-o', 'name'])).trim()
// The runner sends SIGTERM 7.5 s after SIGINT, and kills the step 2.5 s later.
const gracePeriodMs = 7500

describe('a cancelled run', () => {
  it('stops waiting on SIGINT, reports cancelled, releases the lock and leaves what it applied', async () => {
    const namespace = ns('cancel')
    expect((await runAction(deployInputs(namespace), { sha: randomSha() })).code).toBe(0)
    const sha = randomSha()
    const run = await runAction(
      deployInputs(namespace, { manifests: manifestCopy('app.yaml', neverReady), timeout: '2m' }),
      { sha, cancelWhen: { text: '::group::Wait for', signal: 'SIGINT' } }
    )
    console.log(`cancelled run exited ${run.exitAfterSignalMs} ms after SIGINT`)
    expect(run.exitAfterSignalMs).toBeLessThan(gracePeriodMs)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('Received SIGINT: the run is cancelled')
    expect(run.stdout).toContain('What was applied stays as it is (rollback-on-cancel: false).')
    expect(run.outputs.result).toBe('cancelled')
    expect(JSON.parse(run.outputs.resources).find((r: any) => r.kind === 'Deployment').action).toBe('configured')
    expect(run.summary).toContain('build-and-deploy: cancelled in')
    expect(await leases(namespace)).toBe('')
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${sha}`)
  }, 120_000)

  it('with rollback-on-cancel, starts the undo on SIGTERM before it exits', async () => {
    const namespace = ns('cancel-rb')
    const good = randomSha()
    expect((await runAction(deployInputs(namespace), { sha: good })).code).toBe(0)
    const run = await runAction(
      deployInputs(namespace, {
        manifests: manifestCopy('app.yaml', neverReady),
        timeout: '2m',
        'rollback-on-cancel': 'true'
      }),
      {
        sha: randomSha(),
        cancelWhen: { text: '::group::Wait for', signal: 'SIGTERM' }
      }
    )
    expect(run.exitAfterSignalMs).toBeLessThan(gracePeriodMs)
    expect(run.outputs.result).toBe('cancelled')
    expect(run.stdout).toContain('are being restored (rollback-on-cancel): deployment/web to revision 1')
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${good}`)
    expect(await leases(namespace)).toBe('')
  }, 120_000)

  it('stops waiting for a held lock and applies nothing', async () => {
    const namespace = ns('cancel-lock')
    await kubectl(['create', 'namespace', namespace])
    const now = new Date().toISOString().replace('Z', '000Z')
    const dir = mkdtempSync('/tmp/bnd-lease-')
    writeFileSync(
      `${dir}/lease.yaml`,
      `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: build-and-deploy-deploy, namespace: ${namespace}}\nspec: {holderIdentity: other-run, leaseDurationSeconds: 300, acquireTime: '${now}', renewTime: '${now}'}\n`
    )
    await kubectl(['apply', '-f', `${dir}/lease.yaml`])
    const run = await runAction(deployInputs(namespace, { 'lock-timeout': '2m' }), {
      sha: randomSha(),
      cancelWhen: { text: 'Waiting for the deploy lock', signal: 'SIGINT' }
    })
    expect(run.exitAfterSignalMs).toBeLessThan(gracePeriodMs)
    expect(run.outputs.result).toBe('cancelled')
    expect(
      await kubectl([
        '-n',
        namespace,
        'get',
        'deployment,configmap,service',
        '-l',
        'app=web',
        '--ignore-not-found',
        '-o',
        'name'
      ])
    ).toBe('')
    // The other run's lock is not this run's to release.
    expect(await leases(namespace)).toBe('lease.coordination.k8s.io/build-and-deploy-deploy')
  }, 120_000)
})
