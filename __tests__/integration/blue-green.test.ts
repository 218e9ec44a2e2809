import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import http from 'node:http'
import { AddressInfo } from 'node:net'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  manifestCopy,
  namespacesForThisFile,
  randomSha,
  runAction
} from './harness.js'

const ns = namespacesForThisFile()
const crashing = (text: string) =>
  text.replace('labels: {app: web}\n    spec:', 'labels: {app: web, bnd.dev/fault: crashloop}\n    spec:')

/** The health gate the tests point verify at: answers each path's status, and records the paths asked. */
const gate = { status: 200, asked: [] as string[], url: '' }
const server = http.createServer((request, response) => {
  gate.asked.push(request.url ?? '')
  response.writeHead(gate.status).end()
})
beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz/{colour}`
})
afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

/** Every change of a JSON object through kubectl get --watch, as parsed objects in the order seen. */
function watchJson(args: string[]): { samples: any[]; stop: () => void } {
  const samples: any[] = []
  const child = spawn(env.BND_KUBECTL, [...args, '--watch', '-o', 'json'], {
    env: { ...process.env, KUBECONFIG: env.KUBECONFIG }
  })
  let buffered = ''
  child.stdout.on('data', chunk => {
    buffered += chunk
    // kubectl prints one indented JSON document per change; each ends with a closing brace at column 0.
    let end: number
    while ((end = buffered.indexOf('\n}\n')) >= 0) {
      samples.push(JSON.parse(buffered.slice(0, end + 2)))
      buffered = buffered.slice(end + 3)
    }
  })
  return { samples, stop: () => child.kill() }
}

/** The pods behind the Service's ready endpoints, in each EndpointSlice change seen. */
const readyPods = (slices: any[]): string[][] =>
  slices.map(slice =>
    (slice.endpoints ?? []).filter((e: any) => e.conditions?.ready).map((e: any) => e.targetRef?.name as string)
  )
const selectorOf = async (namespace: string) =>
  (await kubectlJson(['-n', namespace, 'get', 'service', 'web'])).spec.selector
const deployment = async (namespace: string, name: string): Promise<any> => {
  const text = await kubectl(['-n', namespace, 'get', 'deployment', name, '--ignore-not-found', '-o', 'json'])
  return text.trim() ? JSON.parse(text) : ''
}

describe('strategy blue-green', () => {
  it('deploys the other colour beside the live one and switches the Service at once, never serving from a pod not ready', async () => {
    const namespace = ns('bg')
    const inputs = (extra: Record<string, string> = {}) =>
      deployInputs(namespace, { strategy: 'blue-green', prune: 'true', verify: gate.url, ...extra })
    const first = await runAction(inputs(), { sha: randomSha() })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.outputs['live-colour']).toBe('blue')
    expect(await selectorOf(namespace)).toEqual({ app: 'web', 'build-and-deploy/colour': 'blue' })
    expect((await deployment(namespace, 'web-blue')).status.availableReplicas).toBe(3)
    expect(await deployment(namespace, 'web')).toBe('')

    const slices = watchJson(['-n', namespace, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web'])
    await new Promise(resolve => setTimeout(resolve, 500))
    gate.asked = []
    const second = await runAction(inputs(), { sha: randomSha() })
    await new Promise(resolve => setTimeout(resolve, 1000))
    slices.stop()
    expect(second.code).toBe(0)
    expect(second.outputs['live-colour']).toBe('green')
    expect(gate.asked).toContain('/healthz/green')
    expect(second.stdout).toMatch(/Switched service\/web to green \d+ ms after it was ready/)
    console.log(
      `${/Switched service\/web to green (\d+) ms after it was ready/.exec(second.stdout)![1]} ms from green ready (and its gate) to the switch; ${slices.samples.length} EndpointSlice changes seen`
    )
    expect(second.summary).toContain('| service/web | blue | **green** |')
    // Each change of the endpoints has the three pods of one colour, ready: never none, never mixed, never a new pod early.
    const seen = readyPods(slices.samples)
    expect(seen.length).toBeGreaterThan(1)
    for (const pods of seen) {
      expect(pods).toHaveLength(3)
      expect(new Set(pods.map(name => name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')))).toHaveProperty('size', 1)
    }
    expect(seen[0].every(name => name.startsWith('web-blue-'))).toBe(true)
    expect(seen.at(-1)!.every(name => name.startsWith('web-green-'))).toBe(true)
    // The old colour stays scaled for a switch back, and prune keeps it.
    expect((await deployment(namespace, 'web-blue')).status.availableReplicas).toBe(3)

    const back = await runAction(inputs({ mode: 'rollback', verify: '' }), { sha: randomSha() })
    expect(back.code).toBe(0)
    expect(back.outputs['live-colour']).toBe('blue')
    expect(back.stdout).toContain('Switched service/web back to blue.')
    expect((await selectorOf(namespace))['build-and-deploy/colour']).toBe('blue')

    // A new colour that fails: deleted, and the live one never loses a pod.
    const availability = watchJson(['-n', namespace, 'get', 'deployment', 'web-blue'])
    const failed = await runAction(inputs({ manifests: manifestCopy('app.yaml', crashing), verify: '' }), {
      sha: randomSha()
    })
    availability.stop()
    expect(failed.code).toBe(1)
    expect(failed.outputs.result).toBe('failed')
    expect(failed.stdout).toContain('Blue-green: the new colour was deleted; blue still serves, untouched.')
    expect(failed.outputs['live-colour']).toBe('blue')
    expect(availability.samples.length).toBeGreaterThan(0)
    for (const sample of availability.samples) {
      expect(sample.status.availableReplicas).toBe(3)
      expect(sample.status.unavailableReplicas ?? 0).toBe(0)
    }
    expect((await selectorOf(namespace))['build-and-deploy/colour']).toBe('blue')
    const green = await deployment(namespace, 'web-green')
    expect(green === '' || green.metadata.deletionTimestamp).toBeTruthy()
  }, 300_000)

  it('does not switch when the health gate fails, and deletes the new colour', async () => {
    const namespace = ns('bggate')
    expect((await runAction(deployInputs(namespace, { strategy: 'blue-green' }), { sha: randomSha() })).code).toBe(0)
    gate.status = 503
    try {
      const run = await runAction(
        deployInputs(namespace, { strategy: 'blue-green', verify: gate.url, 'verify-timeout': '3s' }),
        { sha: randomSha() }
      )
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(
        /The health gate http:\/\/127\.0\.0\.1:\d+\/healthz\/green did not answer 2xx within 3 s \(last: HTTP 503\)/
      )
      expect(run.outputs['live-colour']).toBe('blue')
    } finally {
      gate.status = 200
    }
    expect((await selectorOf(namespace))['build-and-deploy/colour']).toBe('blue')
    expect((await deployment(namespace, 'web-blue')).status.availableReplicas).toBe(3)
  }, 180_000)

  it('scales the old colour to zero with blue-green-keep: 0, and scales it back up to switch back', async () => {
    const namespace = ns('bgkeep')
    const inputs = (extra: Record<string, string> = {}) =>
      deployInputs(namespace, { strategy: 'blue-green', 'blue-green-keep': '0', ...extra })
    expect((await runAction(inputs(), { sha: randomSha() })).code).toBe(0)
    const second = await runAction(inputs(), { sha: randomSha() })
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('Scaled blue to zero: deployment/web-blue.')
    expect((await deployment(namespace, 'web-blue')).spec.replicas).toBe(0)
    const back = await runAction(inputs({ mode: 'rollback' }), { sha: randomSha() })
    expect(back.code).toBe(0)
    expect((await deployment(namespace, 'web-blue')).status.availableReplicas).toBe(3)
    expect((await selectorOf(namespace))['build-and-deploy/colour']).toBe('blue')
    // The scale handed spec.replicas back: the next deploy of that colour applies without a conflict.
    const next = await runAction(inputs(), { sha: randomSha() })
    expect(next.stderr).toBe('')
    expect(next.code).toBe(0)
    expect(next.outputs['live-colour']).toBe('green')
  }, 240_000)

  it('runs a Job of the manifests as the gate: held back from the apply, run fresh each time, and a failing one stops the switch', async () => {
    const namespace = ns('bgjob')
    const smoke = (fault: string) => (text: string) =>
      `${text}---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: smoke}\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      labels: {app: smoke${fault ? `, bnd.dev/fault: ${fault}` : ''}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: smoke, image: ${env.BND_REGISTRY}/it/smoke:1}]\n`
    const inputs = (fault: string) =>
      deployInputs(namespace, {
        strategy: 'blue-green',
        verify: 'job/smoke',
        manifests: manifestCopy('app.yaml', smoke(fault))
      })
    expect((await runAction(inputs(''), { sha: randomSha() })).code).toBe(0)
    const firstJob = (await kubectlJson(['-n', namespace, 'get', 'job', 'smoke'])).metadata.uid
    const passed = await runAction(inputs(''), { sha: randomSha() })
    expect(passed.code).toBe(0)
    expect(passed.stdout).toContain('Health gate: job/smoke')
    expect(passed.outputs['live-colour']).toBe('green')
    // Held back from the apply: not among the applied resources, and a new Job each run.
    expect(JSON.parse(passed.outputs.resources).some((r: any) => r.kind === 'Job')).toBe(false)
    const secondJob = await kubectlJson(['-n', namespace, 'get', 'job', 'smoke'])
    expect(secondJob.metadata.uid).not.toBe(firstJob)
    expect(secondJob.status.succeeded).toBe(1)

    const failed = await runAction(inputs('fail'), { sha: randomSha() })
    expect(failed.code).toBe(1)
    expect(failed.stdout).toMatch(/The health gate job\/smoke did not complete: job\/smoke/)
    expect(failed.outputs['live-colour']).toBe('green')
    expect((await selectorOf(namespace))['build-and-deploy/colour']).toBe('green')
  }, 240_000)

  it('a first deploy whose gate fails drops the Service it created with the colour, and says nothing serves', async () => {
    const namespace = ns('bgfirst')
    const smoke = (fault: string) => (text: string) =>
      `${text}---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: smoke}\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      labels: {app: smoke${fault ? `, bnd.dev/fault: ${fault}` : ''}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: smoke, image: ${env.BND_REGISTRY}/it/smoke:1}]\n`
    const inputs = (fault: string) =>
      deployInputs(namespace, {
        strategy: 'blue-green',
        verify: 'job/smoke',
        manifests: manifestCopy('app.yaml', smoke(fault))
      })
    const failed = await runAction(inputs('fail'), { sha: randomSha() })
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain(
      'Blue-green: the new colour was deleted, and service/web, created by this run selecting it, too: nothing serves yet.'
    )
    expect(failed.summary).toContain('Nothing serves yet.')
    expect(await kubectl(['-n', namespace, 'get', 'service,deployment', '--ignore-not-found', '-o', 'name'])).toBe('')
    const next = await runAction(inputs(''), { sha: randomSha() })
    expect(next.code).toBe(0)
    expect(next.stdout).toContain('Blue-green: first deploy, as blue')
    expect(next.outputs['live-colour']).toBe('blue')
  }, 240_000)
})
