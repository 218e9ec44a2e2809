import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  manifestCopy,
  randomSha,
  runAction,
  uniqueName
} from '../integration/harness.js'

/**
 * Stops the shared cluster's kube-apiserver mid-run, so this file runs alone, after the others (scripts/test.sh).
 * Needs the local kwok cluster; with DEPLOY_TEST_KUBECONFIG (someone else's cluster) it is skipped.
 */
const clusterDir = path.join(env.BND_STATE, 'kwok', 'clusters', 'bnd')
const kwokctl = path.join(env.BND_STATE, 'bin', 'kwokctl')
const namespace = uniqueName('restart')
const describeLocal = process.env.DEPLOY_TEST_KUBECONFIG ? describe.skip : describe

afterAll(async () => {
  await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', namespace]).catch(() => undefined)
})

describeLocal('kube-apiserver killed and restarted while the action waits', () => {
  it('resumes watching and reports the true result', async () => {
    const slow = (text: string) =>
      text.replace(
        'labels: {app: web}\n    spec:',
        'labels: {app: web}\n      annotations: {pod-ready.stage.kwok.x-k8s.io/delay: "8s"}\n    spec:'
      )
    const running = runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', slow), timeout: '2m' }), {
      sha: randomSha()
    })
    // Wait until the rollout is being watched, then kill the API server outright.
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const deployment = await kubectl([
        '-n',
        namespace,
        'get',
        'deployment',
        'web',
        '--ignore-not-found',
        '-o',
        'name'
      ]).catch(() => '')
      if (deployment.trim()) break
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    await new Promise(resolve => setTimeout(resolve, 1000))
    const pid = Number(readFileSync(path.join(clusterDir, 'pids', 'kube-apiserver.pid'), 'utf8'))
    process.kill(pid, 'SIGKILL')
    const killedAt = Date.now()
    await new Promise(resolve => setTimeout(resolve, 3000))
    // kwokctl starts only the components that are not running.
    execFileSync(kwokctl, ['start', 'cluster', '--name', 'bnd', '--wait', '60s'], {
      env: { ...process.env, KWOK_WORKDIR: path.join(env.BND_STATE, 'kwok') },
      stdio: 'ignore'
    })
    const restartedAfter = Date.now() - killedAt

    const run = await running
    expect(run.stdout).toMatch(/\w+ watch( in \S+)? interrupted .*; resuming/)
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('succeeded')
    const live = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(live.status.availableReplicas).toBe(3)
    console.log(`API server down for ${restartedAfter} ms; the action finished in ${run.durationMs} ms`)
  }, 180_000)
})
