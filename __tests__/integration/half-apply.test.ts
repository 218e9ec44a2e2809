import { describe, expect, it } from '@jest/globals'
import {
  deployInputs,
  env,
  kubectlJson,
  manifestCopy,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository
} from './harness.js'
import { proxyKubeconfig, startFaultProxy } from './fault-proxy.js'

const ns = namespacesForThisFile()

// A release that changes the ConfigMap and the image and adds a PodDisruptionBudget (written last, in its own wave).
const release = (text: string): string =>
  `${text.replace('GREETING: hello', 'GREETING: changed')}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n`
const fates = (resources: string): Record<string, string> =>
  Object.fromEntries(JSON.parse(resources).map((r: any) => [`${r.kind}/${r.name}`, r.action]))
const noFaults = { errorEvery: 1_000_000, statuses: [500], maxErrors: 0, dropWatchAfterMs: 600_000, maxDrops: 0 }

describe('a write that fails after validation passed', () => {
  it('reports every object, and rolls back what the run changed', async () => {
    const namespace = ns('half')
    const good = randomSha()
    expect((await runAction(deployInputs(namespace), { sha: good })).code).toBe(0)
    const proxy = await startFaultProxy(env.KUBECONFIG, {
      ...noFaults,
      refuseWritesTo: `/namespaces/${namespace}/poddisruptionbudgets/web`
    })
    try {
      const run = await runAction(
        deployInputs(namespace, {
          manifests: manifestCopy('app.yaml', release),
          kubeconfig: proxyKubeconfig(proxy.url)
        }),
        { sha: randomSha() }
      )
      expect(run.code).toBe(1)
      expect(run.stdout).toContain('Apply failed after validation passed:')
      expect(run.stdout).toContain(`poddisruptionbudget/web (${namespace}) failed`)
      expect(run.stdout).toContain('injected write failure')
      expect(fates(run.outputs.resources)).toEqual({
        'ConfigMap/web-config': 'configured',
        'Service/web': 'unchanged',
        'Deployment/web': 'configured',
        'PodDisruptionBudget/web': 'failed'
      })
      expect(run.outputs.result).toBe('rolled-back')
      expect(run.stdout).toContain('Rolled back: deployment/web to revision 1.')
      expect(run.summary).toContain('| PodDisruptionBudget/web |')
      expect(run.summary).toContain('configmap/web-config')
      const live = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
      expect(live.spec.template.spec.containers[0].image).toBe(`${env.BND_REGISTRY}/${testRepository}:${good}`)
    } finally {
      await proxy.stop()
    }
  }, 180_000)

  it('without rollback-on-failure, says what was written and what was never tried', async () => {
    const namespace = ns('half-kept')
    expect((await runAction(deployInputs(namespace), { sha: randomSha() })).code).toBe(0)
    const proxy = await startFaultProxy(env.KUBECONFIG, {
      ...noFaults,
      refuseWritesTo: `/namespaces/${namespace}/deployments/web`
    })
    try {
      const run = await runAction(
        deployInputs(namespace, {
          manifests: manifestCopy('app.yaml', release),
          kubeconfig: proxyKubeconfig(proxy.url),
          'rollback-on-failure': 'false'
        }),
        { sha: randomSha() }
      )
      expect(run.code).toBe(1)
      expect(run.outputs.result).toBe('failed')
      expect(fates(run.outputs.resources)).toEqual({
        'ConfigMap/web-config': 'configured',
        'Service/web': 'unchanged',
        'Deployment/web': 'failed',
        'PodDisruptionBudget/web': 'not applied'
      })
      expect(run.stdout).toContain(
        `Written before the failure and left as they are (rollback-on-failure: false): configmap/web-config (${namespace}).`
      )
      expect(run.stdout).toContain(`poddisruptionbudget/web (${namespace}) not applied: an earlier write failed`)
      expect((await kubectlJson(['-n', namespace, 'get', 'configmap', 'web-config'])).data.GREETING).toBe('changed')
    } finally {
      await proxy.stop()
    }
  }, 180_000)
})
