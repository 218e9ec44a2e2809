import { describe, expect, it } from '@jest/globals'
import { eventually, kubectlJson, manifestCopy, namespacesForThisFile, randomSha, runAction } from './harness.js'

const ns = namespacesForThisFile()
const resources = (run: { outputs: Record<string, string> }): Array<{ kind: string; name: string; action: string }> =>
  JSON.parse(run.outputs.resources)
const applyInputs = (namespace: string, manifests: string) => ({
  mode: 'apply',
  manifests,
  namespace,
  'create-namespace': 'true',
  timeout: '90s'
})

describe('manifests shaped like real projects', () => {
  it('skips empty and comment-only documents, and writes ServiceAccounts before the Deployments listed ahead of them', async () => {
    // Several fresh namespaces at once, as the race showed in 2 to 4 of 8 before the waves.
    const namespaces = [ns('boutique'), ns('boutique'), ns('boutique'), ns('boutique')]
    const manifests = manifestCopy('boutique.yaml')
    const runs = await Promise.all(
      namespaces.map(namespace => runAction(applyInputs(namespace, manifests), { sha: randomSha() }))
    )
    for (const [i, run] of runs.entries()) {
      expect(run.stderr).toBe('')
      expect(run.stdout).not.toContain('expected a Kubernetes object')
      expect(run.code).toBe(0)
      expect(
        resources(run)
          .filter(r => r.kind !== 'Namespace')
          .map(r => `${r.kind}/${r.name}`)
          .sort()
      ).toEqual([
        'ConfigMap/frontend-settings',
        'Deployment/cartservice',
        'Deployment/frontend',
        'HorizontalPodAutoscaler/frontend',
        'Ingress/frontend',
        'PodDisruptionBudget/frontend',
        'Service/frontend',
        'ServiceAccount/cartservice',
        'ServiceAccount/frontend'
      ])
      // No pod was ever refused for a ServiceAccount that the same deploy was still to write.
      const events = await kubectlJson([
        '-n',
        namespaces[i],
        'get',
        'events',
        '--field-selector',
        'reason=FailedCreate'
      ])
      expect(events.items.map((e: any) => e.message)).toEqual([])
      const frontend = await kubectlJson(['-n', namespaces[i], 'get', 'deployment', 'frontend'])
      expect(frontend.status.availableReplicas).toBe(2)
    }
  }, 240_000)

  it('still fails at once, naming it, when a pod needs a ServiceAccount that no manifest has', async () => {
    const namespace = ns('ghost-sa')
    const manifests = manifestCopy('boutique.yaml', text =>
      text.replace('serviceAccountName: cartservice', 'serviceAccountName: ghost')
    )
    const run = await runAction(
      { ...applyInputs(namespace, manifests), 'rollback-on-failure': 'false' },
      { sha: randomSha() }
    )
    expect(run.code).toBe(1)
    // The API server's own wording, which awaitedDeployedObject reads: only a ServiceAccount of the deploy is awaited.
    expect(run.stdout).toMatch(
      /deployment\/cartservice cannot create pods: FailedCreate: .*serviceaccount "ghost" not found/
    )
    expect(run.stdout).not.toContain('pods wait for serviceaccount')
  }, 120_000)

  it('leaves spec.replicas to an HPA that scaled the Deployment, with and without force-conflicts', async () => {
    const namespace = ns('hpa')
    const first = await runAction(applyInputs(namespace, manifestCopy('autoscaled.yaml')), { sha: randomSha() })
    expect(first.code).toBe(0)
    // The kube-controller-manager's HPA controller raises the scale to minReplicas through the scale subresource.
    const scaled = await eventually(
      () => kubectlJson(['-n', namespace, 'get', 'deployment', 'api', '--show-managed-fields']),
      d => d.spec.replicas === 3,
      90_000
    )
    expect(
      scaled.metadata.managedFields.some(
        (f: any) => f.subresource === 'scale' && f.manager === 'kube-controller-manager'
      )
    ).toBe(true)

    for (const [tag, extra] of [
      ['v2', {}],
      ['v3', { 'force-conflicts': 'true' }]
    ] as const) {
      const run = await runAction(
        {
          ...applyInputs(
            namespace,
            manifestCopy('autoscaled.yaml', text => text.replace(':v1', `:${tag}`))
          ),
          ...extra
        },
        { sha: randomSha() }
      )
      expect(run.stdout).not.toContain('conflict')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('spec.replicas left out of deployment/api')
      expect(run.stdout.match(/spec\.replicas left out/g)).toHaveLength(1)
      expect(run.summary).toMatch(
        /\| Deployment\/api \| .* \| configured \(scale left to kube-controller-manager\) \| succeeded \|/
      )
      const api = await kubectlJson(['-n', namespace, 'get', 'deployment', 'api', '--show-managed-fields'])
      expect(api.spec.template.spec.containers[0].image).toMatch(new RegExp(`:${tag}$`))
      expect(api.spec.replicas).toBe(3)
      const ownsReplicas = api.metadata.managedFields
        .filter((f: any) => f.fieldsV1?.['f:spec']?.['f:replicas'])
        .map((f: any) => f.manager)
      expect(ownsReplicas).toEqual(['kube-controller-manager'])
    }
  }, 240_000)

  it('replaces a Job whose template changed, leaves an unchanged one alone, and applies a CronJob', async () => {
    const namespace = ns('job')
    const deploy = (tag: string, extra: Record<string, string> = {}) =>
      runAction(
        {
          ...applyInputs(
            namespace,
            manifestCopy('migrate-job.yaml', text => text.replaceAll(':v1', `:${tag}`))
          ),
          'wait-for-jobs': 'true',
          ...extra
        },
        { sha: randomSha() }
      )
    const job = () => kubectlJson(['-n', namespace, 'get', 'job', 'migrate'])
    const first = await deploy('v1')
    expect(first.code).toBe(0)
    const created = await job()
    expect(created.status.succeeded).toBe(1)

    // A new commit, the same image: the template differs by the recorded commit alone.
    const same = await deploy('v1')
    expect(same.code).toBe(0)
    expect(resources(same).find(r => r.kind === 'Job')).toMatchObject({ action: 'unchanged' })
    expect((await job()).metadata.uid).toBe(created.metadata.uid)

    const planned = await deploy('v2', { 'dry-run': 'true' })
    expect(planned.code).toBe(0)
    expect(planned.stdout).toContain(
      `job/migrate (${namespace}) replaced (dry run): its pod template changed, and a Job's cannot be updated, so it would be deleted and created anew`
    )
    expect((await job()).metadata.uid).toBe(created.metadata.uid)

    const changed = await deploy('v2')
    expect(changed.stdout).not.toContain('field is immutable')
    expect(changed.code).toBe(0)
    expect(resources(changed).find(r => r.kind === 'Job')).toMatchObject({ action: 'replaced', rollout: 'succeeded' })
    expect(resources(changed).find(r => r.kind === 'CronJob')).toMatchObject({ action: 'configured' })
    const replaced = await job()
    expect(replaced.metadata.uid).not.toBe(created.metadata.uid)
    expect(replaced.spec.template.spec.containers[0].image).toMatch(/:v2$/)
    expect(replaced.status.succeeded).toBe(1)
    const cron = await kubectlJson(['-n', namespace, 'get', 'cronjob', 'cleanup'])
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].image).toMatch(/:v2$/)
  }, 240_000)
})
