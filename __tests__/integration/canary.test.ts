import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  manifestCopy,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository
} from './harness.js'

const ns = namespacesForThisFile()
const ingress =
  '---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: web.test\n      http:\n        paths:\n          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n'
const withIngress = (text: string) => text + ingress
const crashing = (text: string) =>
  withIngress(text).replace('labels: {app: web}\n    spec:', 'labels: {app: web, bnd.dev/fault: crashloop}\n    spec:')

const podsOf = async (namespace: string, selector: string): Promise<any[]> =>
  (await kubectlJson(['-n', namespace, 'get', 'pods', '-l', selector])).items.filter(
    (p: any) => !p.metadata.deletionTimestamp
  )
const exists = async (namespace: string, kind: string, name: string): Promise<boolean> => {
  const found = (
    await kubectl([
      '-n',
      namespace,
      'get',
      kind,
      name,
      '--ignore-not-found',
      '-o',
      'jsonpath={.metadata.name} {.metadata.deletionTimestamp}'
    ])
  ).trim()
  return found !== '' && !found.includes(' ')
}
const imageOf = async (namespace: string, name: string): Promise<string> =>
  (await kubectlJson(['-n', namespace, 'get', 'deployment', name])).spec.template.spec.containers[0].image

/** Every EndpointSlice change of the Service, as its endpoints: pod name and ready. */
function watchEndpoints(namespace: string): {
  samples: Array<Array<{ pod: string; ready: boolean }>>
  stop: () => void
} {
  const samples: Array<Array<{ pod: string; ready: boolean }>> = []
  const child = spawn(
    env.BND_KUBECTL,
    ['-n', namespace, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '--watch', '-o', 'json'],
    { env: { ...process.env, KUBECONFIG: env.KUBECONFIG } }
  )
  let buffered = ''
  child.stdout.on('data', chunk => {
    buffered += chunk
    let end: number
    while ((end = buffered.indexOf('\n}\n')) >= 0) {
      const slice = JSON.parse(buffered.slice(0, end + 2))
      samples.push(
        (slice.endpoints ?? []).map((e: any) => ({ pod: e.targetRef?.name, ready: Boolean(e.conditions?.ready) }))
      )
      buffered = buffered.slice(end + 3)
    }
  })
  return { samples, stop: () => child.kill() }
}

describe('strategy canary', () => {
  it('runs the new version beside the untouched stable one, then promotes it', async () => {
    const namespace = ns('canary')
    const inputs = (extra: Record<string, string> = {}) =>
      deployInputs(namespace, { strategy: 'canary', manifests: manifestCopy('app.yaml', withIngress), ...extra })
    const [stableSha, canarySha] = [randomSha(), randomSha()]
    const first = await runAction(inputs(), { sha: stableSha })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.outputs['canary-stage']).toBe('stable')
    const stablePods = (await podsOf(namespace, 'app=web')).map(p => p.metadata.uid).sort()
    expect(stablePods).toHaveLength(3)

    const endpoints = watchEndpoints(namespace)
    await new Promise(resolve => setTimeout(resolve, 500))
    const canary = await runAction(inputs({ 'canary-percent': '25' }), { sha: canarySha })
    await new Promise(resolve => setTimeout(resolve, 1000))
    endpoints.stop()
    expect(canary.code).toBe(0)
    expect(canary.outputs['canary-stage']).toBe('canary')
    expect(canary.stdout).toContain(
      'Canary: deployment/web-canary (1 beside 3 of web): 25 % of the pods, canary Ingress weight 25 %.'
    )
    expect(canary.summary).toContain('| deployment/web-canary | 1 | deployment/web | 3 |')
    // Stable is untouched: same pods, old image. The canary has one pod of the new version.
    expect((await podsOf(namespace, 'app=web,build-and-deploy/track!=canary')).map(p => p.metadata.uid).sort()).toEqual(
      stablePods
    )
    expect(await imageOf(namespace, 'web')).toBe(`${env.BND_REGISTRY}/${testRepository}:${stableSha}`)
    expect(await imageOf(namespace, 'web-canary')).toBe(`${env.BND_REGISTRY}/${testRepository}:${canarySha}`)
    const canaryIngress = await kubectlJson(['-n', namespace, 'get', 'ingress', 'web-canary'])
    expect(canaryIngress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '25'
    })
    expect(canaryIngress.spec.rules[0].http.paths[0].backend.service.name).toBe('web-canary')
    // The Service serves the three stable pods throughout, and the canary's pod only once it is ready.
    expect(endpoints.samples.length).toBeGreaterThan(0)
    for (const sample of endpoints.samples)
      expect(sample.filter(e => e.ready && !e.pod.startsWith('web-canary-'))).toHaveLength(3)
    expect(
      endpoints.samples
        .at(-1)!
        .filter(e => e.ready)
        .map(e => e.pod.startsWith('web-canary-'))
        .filter(Boolean)
    ).toHaveLength(1)

    const promoted = await runAction(inputs({ mode: 'promote' }), { sha: canarySha })
    expect(promoted.code).toBe(0)
    expect(promoted.stdout).not.toContain('docker build')
    expect(promoted.outputs['canary-stage']).toBe('promoted')
    expect(promoted.stdout).toContain(
      'Promoted: deleted deployment/web-canary, service/web-canary, ingress/web-canary.'
    )
    expect(await imageOf(namespace, 'web')).toBe(`${env.BND_REGISTRY}/${testRepository}:${canarySha}`)
    for (const [kind, name] of [
      ['deployment', 'web-canary'],
      ['service', 'web-canary'],
      ['ingress', 'web-canary']
    ])
      expect(await exists(namespace, kind, name)).toBe(false)
  }, 300_000)

  it('aborts by mode abort, and deletes a canary that fails, the stable version never losing a pod', async () => {
    const namespace = ns('canaryab')
    const inputs = (extra: Record<string, string> = {}) =>
      deployInputs(namespace, { strategy: 'canary', manifests: manifestCopy('app.yaml', withIngress), ...extra })
    const stableSha = randomSha()
    expect((await runAction(inputs(), { sha: stableSha })).code).toBe(0)
    expect((await runAction(inputs(), { sha: randomSha() })).outputs['canary-stage']).toBe('canary')
    const aborted = await runAction(
      deployInputs(namespace, { mode: 'abort', manifests: manifestCopy('app.yaml', withIngress) }),
      { sha: randomSha() }
    )
    expect(aborted.code).toBe(0)
    expect(aborted.outputs['canary-stage']).toBe('aborted')
    expect(aborted.stdout).toContain(
      'Aborted: deleted deployment/web-canary, service/web-canary, ingress/web-canary; the stable version was not touched.'
    )
    expect(await exists(namespace, 'deployment', 'web-canary')).toBe(false)

    const stable = spawn(
      env.BND_KUBECTL,
      [
        '-n',
        namespace,
        'get',
        'deployment',
        'web',
        '--watch',
        '-o',
        'jsonpath={.status.availableReplicas} {.status.unavailableReplicas}{"\\n"}'
      ],
      { env: { ...process.env, KUBECONFIG: env.KUBECONFIG } }
    )
    let samples = ''
    stable.stdout.on('data', chunk => (samples += chunk))
    const failed = await runAction(inputs({ manifests: manifestCopy('app.yaml', crashing) }), { sha: randomSha() })
    stable.kill()
    expect(failed.code).toBe(1)
    expect(failed.outputs['canary-stage']).toBe('aborted')
    expect(failed.stdout).toMatch(/deployment\/web-canary: pod web-canary-\S+ container web is CrashLoopBackOff/)
    expect(failed.stdout).toContain('Canary: the canary was deleted; the stable version was not touched.')
    const lines = samples.trim().split('\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every(line => line.trim() === '3')).toBe(true)
    expect(await exists(namespace, 'deployment', 'web-canary')).toBe(false)
    expect(await imageOf(namespace, 'web')).toBe(`${env.BND_REGISTRY}/${testRepository}:${stableSha}`)
  }, 300_000)

  it('promotes in the same step after canary-auto-promote-after', async () => {
    const namespace = ns('canaryauto')
    const inputs = (extra: Record<string, string> = {}) => deployInputs(namespace, { strategy: 'canary', ...extra })
    expect((await runAction(inputs(), { sha: randomSha() })).code).toBe(0)
    const sha = randomSha()
    const run = await runAction(inputs({ 'canary-auto-promote-after': '2s' }), { sha })
    expect(run.code).toBe(0)
    expect(run.outputs['canary-stage']).toBe('promoted')
    expect(run.stdout).toContain('Promoting in 2 s (canary-auto-promote-after) while it stays ready.')
    expect(await imageOf(namespace, 'web')).toBe(`${env.BND_REGISTRY}/${testRepository}:${sha}`)
    expect(await exists(namespace, 'deployment', 'web-canary')).toBe(false)
  }, 180_000)

  it('keeps a canary whose command gate passes, and deletes one whose gate fails', async () => {
    const namespace = ns('canarycmd')
    const inputs = (verify: string) => deployInputs(namespace, { strategy: 'canary', verify })
    expect((await runAction(inputs('command: true'), { sha: randomSha() })).code).toBe(0)
    const passed = await runAction(inputs('command: true'), { sha: randomSha() })
    expect(passed.code).toBe(0)
    expect(passed.stdout).toContain('Health gate: true')
    expect(passed.outputs['canary-stage']).toBe('canary')
    const failed = await runAction(inputs('command: false'), { sha: randomSha() })
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain('The health gate command false exited with 1.')
    expect(failed.outputs['canary-stage']).toBe('aborted')
    expect(await exists(namespace, 'deployment', 'web-canary')).toBe(false)
  }, 180_000)
})
