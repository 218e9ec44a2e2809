import { describe, expect, it } from '@jest/globals'
import { kubectlJson, manifestCopy, namespacesForThisFile, randomSha, runAction } from './harness.js'

const ns = namespacesForThisFile()
const resources = (run: { outputs: Record<string, string> }): Array<{ kind: string; name: string; action: string }> => JSON.parse(run.outputs.resources)
const applyInputs = (namespace: string, manifests: string) => ({ mode: 'apply', manifests, namespace, 'create-namespace': 'true', timeout: '90s' })

describe('manifests shaped like real projects', () => {
  it('skips empty and comment-only documents, and writes ServiceAccounts before the Deployments listed ahead of them', async () => {
    // Several fresh namespaces at once, as the race showed in 2 to 4 of 8 before the waves.
    const namespaces = [ns('boutique'), ns('boutique'), ns('boutique'), ns('boutique')]
    const manifests = manifestCopy('boutique.yaml')
    const runs = await Promise.all(namespaces.map(namespace => runAction(applyInputs(namespace, manifests), { sha: randomSha() })))
    for (const [i, run] of runs.entries()) {
      expect(run.stderr).toBe('')
      expect(run.stdout).not.toContain('expected a Kubernetes object')
      expect(run.code).toBe(0)
      expect(resources(run).filter(r => r.kind !== 'Namespace').map(r => `${r.kind}/${r.name}`).sort()).toEqual(
        ['ConfigMap/frontend-settings', 'Deployment/cartservice', 'Deployment/frontend', 'HorizontalPodAutoscaler/frontend', 'Ingress/frontend', 'PodDisruptionBudget/frontend', 'Service/frontend', 'ServiceAccount/cartservice', 'ServiceAccount/frontend']
      )
      // No pod was ever refused for a ServiceAccount that the same deploy was still to write.
      const events = await kubectlJson(['-n', namespaces[i], 'get', 'events', '--field-selector', 'reason=FailedCreate'])
      expect(events.items.map((e: any) => e.message)).toEqual([])
      const frontend = await kubectlJson(['-n', namespaces[i], 'get', 'deployment', 'frontend'])
      expect(frontend.status.availableReplicas).toBe(2)
    }
  }, 240_000)

  it('still fails at once, naming it, when a pod needs a ServiceAccount that no manifest has', async () => {
    const namespace = ns('ghost-sa')
    const manifests = manifestCopy('boutique.yaml', text => text.replace('serviceAccountName: cartservice', 'serviceAccountName: ghost'))
    const run = await runAction({ ...applyInputs(namespace, manifests), 'rollback-on-failure': 'false' }, { sha: randomSha() })
    expect(run.code).toBe(1)
    // The API server's own wording, which awaitedDeployedObject reads: only a ServiceAccount of the deploy is awaited.
    expect(run.stdout).toMatch(/deployment\/cartservice cannot create pods: FailedCreate: .*serviceaccount "ghost" not found/)
    expect(run.stdout).not.toContain('pods wait for serviceaccount')
  }, 120_000)
})
