import { describe, expect, it } from '@jest/globals'
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
/** A redis-like Deployment of the same base image with a fixed command, behind its own Service: nothing of this run changes it. */
const withRedis =
  (annotations = '') =>
  (text: string) =>
    text +
    `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: redis\n${annotations}spec:\n  replicas: 1\n  selector:\n    matchLabels: {app: redis}\n  template:\n    metadata:\n      labels: {app: redis}\n    spec:\n      containers:\n        - {name: redis, image: '${env.BND_BASE_IMAGE}', command: [sleep, '3600']}\n` +
    `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  selector: {app: redis}\n  ports:\n    - port: 6379\n`

const podUids = async (namespace: string, selector: string): Promise<string[]> =>
  (await kubectlJson(['-n', namespace, 'get', 'pods', '-l', selector])).items
    .filter((p: any) => !p.metadata.deletionTimestamp)
    .map((p: any) => p.metadata.uid as string)
    .sort()
const deployments = async (namespace: string): Promise<string[]> =>
  (await kubectl(['-n', namespace, 'get', 'deployments', '-o', 'jsonpath={.items[*].metadata.name}']))
    .trim()
    .split(/\s+/)
    .sort()
const selectorOf = async (namespace: string, name: string) =>
  (await kubectlJson(['-n', namespace, 'get', 'service', name])).spec.selector

describe('blue-green and canary run only what changes (issue 18)', () => {
  it('blue-green: the second deploy colours web only; redis keeps its colour and its pods', async () => {
    const namespace = ns('bgc')
    const inputs = (extra: Record<string, string> = {}) =>
      deployInputs(namespace, { strategy: 'blue-green', manifests: manifestCopy('app.yaml', withRedis()), ...extra })
    const first = await runAction(inputs(), { sha: randomSha() })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(await deployments(namespace)).toEqual(['redis-blue', 'web-blue'])
    const redisPods = await podUids(namespace, 'app=redis')
    expect(redisPods).toHaveLength(1)

    const second = await runAction(inputs(), { sha: randomSha() })
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)
    expect(second.outputs['live-colour']).toBe('green')
    expect(await deployments(namespace)).toEqual(['redis-blue', 'web-blue', 'web-green'])
    expect(await selectorOf(namespace, 'web')).toEqual({ app: 'web', 'build-and-deploy/colour': 'green' })
    expect(await selectorOf(namespace, 'redis')).toEqual({ app: 'redis', 'build-and-deploy/colour': 'blue' })
    expect(await podUids(namespace, 'app=redis')).toEqual(redisPods)
    expect(second.stdout).toContain(
      'Applied as rolling, pods kept (template unchanged, or build-and-deploy/strategy: rolling): deployment/redis-blue.'
    )
    expect(second.summary).toContain(
      'New colour: deployment/web-green. Applied as rolling, pods kept: deployment/redis-blue.'
    )

    // mode rollback switches web back; redis has no other colour and stays as it is.
    const back = await runAction(inputs({ mode: 'rollback' }), { sha: randomSha() })
    expect(back.stderr).toBe('')
    expect(back.code).toBe(0)
    expect(back.stdout).toContain('Not switched back, no other colour: deployment/redis-blue.')
    expect(await selectorOf(namespace, 'web')).toEqual({ app: 'web', 'build-and-deploy/colour': 'blue' })
    expect(await podUids(namespace, 'app=redis')).toEqual(redisPods)

    // The next deploy goes to green for web again, while redis stays on blue.
    const third = await runAction(inputs(), { sha: randomSha() })
    expect(third.code).toBe(0)
    expect(third.outputs['live-colour']).toBe('green')
    expect(await deployments(namespace)).toEqual(['redis-blue', 'web-blue', 'web-green'])
    expect(await podUids(namespace, 'app=redis')).toEqual(redisPods)
  })

  it('blue-green: a Deployment pinned with build-and-deploy/strategy: rolling keeps its name and pods from the first deploy', async () => {
    const namespace = ns('bgpin')
    const inputs = () =>
      deployInputs(namespace, {
        strategy: 'blue-green',
        manifests: manifestCopy('app.yaml', withRedis('  annotations: {build-and-deploy/strategy: rolling}\n'))
      })
    const first = await runAction(inputs(), { sha: randomSha() })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(await deployments(namespace)).toEqual(['redis', 'web-blue'])
    expect(await selectorOf(namespace, 'redis')).toEqual({ app: 'redis' })
    const redisPods = await podUids(namespace, 'app=redis')
    const second = await runAction(inputs(), { sha: randomSha() })
    expect(second.code).toBe(0)
    expect(await deployments(namespace)).toEqual(['redis', 'web-blue', 'web-green'])
    expect(await podUids(namespace, 'app=redis')).toEqual(redisPods)
  })

  it('canary: only web gets a canary; redis is applied as rolling and keeps its pods; the share of one stable pod is named', async () => {
    const namespace = ns('canc')
    const oneReplica = (text: string) => withRedis()(text).replace('replicas: 3', 'replicas: 1')
    const inputs = () =>
      deployInputs(namespace, {
        strategy: 'canary',
        'canary-percent': '10',
        manifests: manifestCopy('app.yaml', oneReplica)
      })
    const first = await runAction(inputs(), { sha: randomSha() })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const redisPods = await podUids(namespace, 'app=redis')
    expect(redisPods).toHaveLength(1)

    const second = await runAction(inputs(), { sha: randomSha() })
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)
    expect(await deployments(namespace)).toEqual(['redis', 'web', 'web-canary'])
    expect(await podUids(namespace, 'app=redis')).toEqual(redisPods)
    expect(second.stdout).toContain(
      'Applied as rolling, pods kept (template unchanged, or build-and-deploy/strategy: rolling): deployment/redis.'
    )
    // A workflow command escapes % as %25; the runner shows it as %.
    expect(second.stdout.replaceAll('%25', '%')).toMatch(
      /::warning::canary-percent 10 does not hold: deployment\/web-canary gets 50 % of the pods \(1 beside 1 of web\); 10 % needs 9 stable replicas of web/
    )
    expect(second.summary).toContain(
      '**Share:** deployment/web-canary 50 % of the pods, for canary-percent 10 % (does not hold: raise the stable replicas).'
    )
    expect(second.summary).toContain('Canary: deployment/web-canary. Applied as rolling, pods kept: deployment/redis.')
  })
})
