import { describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  deployInputs,
  kubectl,
  kubectlJson,
  manifestCopy,
  namespaceExists,
  randomSha,
  runAction,
  testRepository,
  uniqueName,
  env,
  namespacesForThisFile
} from './harness.js'
import { proxyKubeconfig, startFaultProxy } from './fault-proxy.js'

const ns = namespacesForThisFile()

/** Pods that take `seconds` to become ready, so the wait outlives the faults. */
const slowPods = (seconds: number) => (text: string) =>
  text.replace(
    'labels: {app: web}\n    spec:',
    `labels: {app: web}\n      annotations: {pod-ready.stage.kwok.x-k8s.io/delay: "${seconds}s"}\n    spec:`
  )

/**
 * Runs `use` with the token of a new cluster-admin ServiceAccount and a kubeconfig for it on the local cluster
 * (`user` is the kubeconfig's user entry), then removes the account.
 */
async function withAdminToken(
  prefix: string,
  use: (token: string, kubeconfigFor: (user: string) => string) => Promise<void>
): Promise<void> {
  const account = uniqueName(prefix)
  await kubectl(['-n', 'default', 'create', 'serviceaccount', account])
  await kubectl([
    'create',
    'clusterrolebinding',
    account,
    '--clusterrole=cluster-admin',
    `--serviceaccount=default:${account}`
  ])
  try {
    const token = (await kubectl(['-n', 'default', 'create', 'token', account, '--duration=10m'])).trim()
    const local = readFileSync(env.KUBECONFIG, 'utf8')
    const server = /server: (\S+)/.exec(local)![1]
    const ca = /certificate-authority: (\S+)/.exec(local)![1]
    await use(
      token,
      user =>
        `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: '${server}', certificate-authority: '${ca}'}}]\nusers: [{name: u, user: ${user}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`
    )
  } finally {
    await kubectl(['delete', 'clusterrolebinding', account, '--ignore-not-found'])
    await kubectl(['-n', 'default', 'delete', 'serviceaccount', account, '--ignore-not-found'])
  }
}

describe('faults during a run', () => {
  it('survives cut watches and injected 429/500/503 answers (500 with Retry-After), and reports the true result', async () => {
    const namespace = ns('flaky')
    const proxy = await startFaultProxy(env.KUBECONFIG, {
      errorEvery: 3,
      statuses: [429, 503, 500],
      maxErrors: 12,
      dropWatchAfterMs: 1000,
      maxDrops: 4
    })
    try {
      const run = await runAction(
        deployInputs(namespace, {
          manifests: manifestCopy('app.yaml', slowPods(6)),
          kubeconfig: proxyKubeconfig(proxy.url)
        }),
        { sha: randomSha() }
      )
      expect(run.stdout).not.toContain('::error::')
      expect(run.code).toBe(0)
      expect(run.outputs.result).toBe('succeeded')
      const live = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
      expect(live.status.availableReplicas).toBe(3)
      expect(live.spec.template.spec.containers[0].image).toMatch(new RegExp(`/${testRepository}:[0-9a-f]{40}$`))
      expect(run.stdout).toMatch(/\w+ watch( in \S+)? interrupted .*; resuming/)
      expect(proxy.stats.drops).toBeGreaterThanOrEqual(2)
      expect(Object.values(proxy.stats.injected).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1)
      console.log(
        `fault proxy: ${JSON.stringify(proxy.stats)}; action ${run.code === 0 ? 'succeeded' : 'failed'} in ${run.durationMs} ms`
      )
    } finally {
      await proxy.stop()
    }
  }, 120_000)

  it('absorbs 429 and 503 with bounded backoff and no error', async () => {
    const namespace = ns('throttled')
    const proxy = await startFaultProxy(env.KUBECONFIG, {
      errorEvery: 2,
      statuses: [429, 503],
      maxErrors: 10,
      dropWatchAfterMs: 60_000,
      maxDrops: 0
    })
    try {
      const run = await runAction(deployInputs(namespace, { kubeconfig: proxyKubeconfig(proxy.url) }), {
        sha: randomSha()
      })
      expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([])
      expect(run.code).toBe(0)
      expect((proxy.stats.injected[429] ?? 0) + (proxy.stats.injected[503] ?? 0)).toBeGreaterThanOrEqual(3)
    } finally {
      await proxy.stop()
    }
  }, 120_000)

  it('deploys nothing when the registry is down at push', async () => {
    const namespace = ns('nopush')
    const manifests = manifestCopy('app.yaml', text => text.replace(`${env.BND_REGISTRY}/`, '127.0.0.1:5999/'))
    // No credentials, so no docker login: the registry is first needed at push.
    const inputs = {
      image: `127.0.0.1:5999/${testRepository}`,
      'skip-existing': 'false',
      manifests,
      'registry-username': '',
      'registry-password': ''
    }
    const run = await runAction(deployInputs(namespace, inputs), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('docker build')
    expect(run.stdout).toMatch(/::error::docker push 127\.0\.0\.1:5999\/it\/web:[0-9a-f]{40} failed/)
    expect(await namespaceExists(namespace)).toBe(false)
  }, 120_000)

  it('deploys to ten namespaces at once', async () => {
    const sha = randomSha()
    const first = ns('ten-0')
    expect((await runAction(deployInputs(first), { sha })).code).toBe(0)
    const others = Array.from({ length: 9 }, (_, i) => ns(`ten-${i + 1}`))
    const runs = await Promise.all(others.map(namespace => runAction(deployInputs(namespace), { sha })))
    expect(runs.map(r => r.code)).toEqual(others.map(() => 0))
    for (const namespace of [first, ...others])
      expect((await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).status.availableReplicas).toBe(3)
  }, 180_000)

  it('authenticates through an exec credential plugin, run once per run, and names the plugin when it fails', async () => {
    const namespace = ns('exec')
    await withAdminToken('bnd-exec', async (token, kubeconfigWith) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-exec-'))
      const calls = path.join(dir, 'calls')
      writeFileSync(calls, '')
      // Like aws eks get-token: slow, and asked for a credential each time it runs.
      const plugin = path.join(dir, 'get-token')
      writeFileSync(
        plugin,
        `#!/bin/sh\necho call >>"${calls}"\n[ "$FAIL" = 1 ] && { echo "token endpoint refused: expired session" >&2; exit 3; }\nsleep 1\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$TOKEN"\n`
      )
      chmodSync(plugin, 0o755)
      const kubeconfigFor = (fail: boolean) =>
        kubeconfigWith(
          `{exec: {apiVersion: client.authentication.k8s.io/v1, command: '${plugin}', interactiveMode: Never, env: [{name: TOKEN, value: '${token}'}, {name: FAIL, value: '${fail ? 1 : 0}'}]}}`
        )
      const good = await runAction(deployInputs(namespace, { kubeconfig: kubeconfigFor(false) }), { sha: randomSha() })
      expect(good.stdout).not.toContain('::error::')
      expect(good.code).toBe(0)
      expect((await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).status.availableReplicas).toBe(3)
      // The credential is fetched while the image builds and shared by every later request of the run.
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['call'])
      const logged = good.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
      for (const visible of [logged.join('\n'), good.stderr, good.summary, JSON.stringify(good.outputs)])
        expect(visible).not.toContain(token)
      expect(good.stdout).toContain(`::add-mask::${token}`)

      writeFileSync(calls, '')
      const other = ns('exec-fail')
      const bad = await runAction(deployInputs(other, { kubeconfig: kubeconfigFor(true) }), { sha: randomSha() })
      expect(bad.code).toBe(1)
      expect(bad.stdout).toContain(
        `The exec credential plugin of user 'u' (${plugin}) failed: token endpoint refused: expired session`
      )
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['call'])
      expect(await namespaceExists(other)).toBe(false)
    })
  }, 180_000)

  it('keeps a kubeconfig token and Secret data out of every log, output and file, on success and on failure', async () => {
    const namespace = ns('token')
    await withAdminToken('bnd-token', async (token, kubeconfigWith) => {
      const kubeconfig = kubeconfigWith(`{token: '${token}'}`)
      const secretValue = `data-${randomSha().slice(0, 16)}`
      const withSecret = (text: string) =>
        `${text}---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata:\n  key: ${Buffer.from(secretValue).toString('base64')}\n`
      const good = await runAction(
        deployInputs(namespace, {
          kubeconfig: Buffer.from(kubeconfig).toString('base64'),
          manifests: manifestCopy('app.yaml', withSecret)
        }),
        { sha: randomSha(), secrets: [token, secretValue] }
      )
      expect(good.code).toBe(0)
      const crash = (text: string) =>
        withSecret(text)
          .replace('labels: {app: web}\n    spec:', 'labels: {app: web, bnd.dev/fault: crashloop}\n    spec:')
          .replace('GREETING: hello', 'GREETING: changed')
      const bad = await runAction(
        deployInputs(namespace, { kubeconfig, manifests: manifestCopy('app.yaml', crash), 'dry-run': 'false' }),
        { sha: randomSha(), secrets: [token, secretValue] }
      )
      expect(bad.outputs.result).toBe('rolled-back')
      const dry = await runAction(
        deployInputs(namespace, {
          kubeconfig,
          manifests: manifestCopy('app.yaml', text =>
            withSecret(text).replace(
              Buffer.from(secretValue).toString('base64'),
              Buffer.from(`${secretValue}x`).toString('base64')
            )
          ),
          'dry-run': 'true'
        }),
        { sha: randomSha(), secrets: [token, secretValue] }
      )
      expect(dry.code).toBe(0)
      expect(dry.summary).toMatch(/data\.key: \(redacted, \d+ bytes\)/)
      for (const run of [good, bad, dry]) {
        const visible = [
          run.stdout
            .split('\n')
            .filter(line => !line.startsWith('::add-mask::'))
            .join('\n'),
          run.stderr,
          run.summary,
          JSON.stringify(run.outputs),
          run.outputs['manifests-file'] ? readFileSync(run.outputs['manifests-file'], 'utf8') : ''
        ].join('\n')
        for (const secret of [
          token,
          secretValue,
          Buffer.from(secretValue).toString('base64'),
          env.BND_REGISTRY_PASSWORD
        ])
          expect(visible).not.toContain(secret)
      }
      expect(good.stdout).toContain(`::add-mask::${token}`)
    })
  }, 180_000)
})
