/**
 * Hooks and phases on the local cluster: a migration Job that must finish before the Deployment is written, one
 * that fails and stops the deploy, and a Helm chart whose weighted hooks differ between install and upgrade.
 * Jobs complete on the kwok nodes; `bnd.dev/fault: fail` makes a pod fail with exit code 1.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { env, kubectl, kubectlJson, namespacesForThisFile, randomSha, runAction } from './harness.js'

const ns = namespacesForThisFile()
const image = `${env.BND_REGISTRY}/it/web:dev`

const job = (name: string, annotations: string, fault = '') => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  annotations: {${annotations}}
spec:
  backoffLimit: 0
  template:
    metadata: {labels: {${fault ? `bnd.dev/fault: ${fault}` : ''}}}
    spec:
      restartPolicy: Never
      containers: [{name: ${name}, image: ${image}, args: [${name}]}]
`
const deployment = (greeting: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: ${image}, env: [{name: GREETING, value: ${greeting}}]}]
`
const file = (...documents: string[]): string => {
  const target = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-hooks-')), 'app.yaml')
  writeFileSync(target, documents.join('---\n'))
  return target
}
const inputs = (namespace: string, extra: Record<string, string>) => ({
  mode: 'apply',
  namespace,
  'create-namespace': 'true',
  timeout: '90s',
  ...extra
})
const created = (object: any): number => Date.parse(object.metadata.creationTimestamp)
/** Rows of the summary's Hooks table, as "step | hook | result". */
const hookRows = (summary: string): string[] =>
  summary
    .split('\n')
    .filter(line => /^\| (pre|post)-deploy, weight/.test(line))
    .map(line => line.split('|').map(c => c.trim()))
    .map(cells => `${cells[1]} | ${cells[2]} | ${cells[5]}`)

describe('hooks and phases', () => {
  it('runs a pre-deploy migration to completion before the Deployment is written, and a post-deploy Job after it is ready', async () => {
    const namespace = ns('phase')
    const manifests = (greeting: string) =>
      file(
        job('migrate', 'build-and-deploy/phase: pre-deploy'),
        deployment(greeting),
        job('warm', 'build-and-deploy/phase: post-deploy, helm.sh/hook-delete-policy: hook-succeeded')
      )
    const first = await runAction(inputs(namespace, { manifests: manifests('one') }), { sha: randomSha() })
    expect(first.code).toBe(0)
    const migrate = await kubectlJson(['-n', namespace, 'get', 'job', 'migrate'])
    const web = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(migrate.status.succeeded).toBe(1)
    // The Deployment was written after the migration had completed (timestamps have second precision).
    expect(created(web)).toBeGreaterThanOrEqual(Date.parse(migrate.status.completionTime))
    expect(first.stdout.indexOf('pre-deploy hooks of weight 0')).toBeLessThan(
      first.stdout.indexOf('Wait for 1 rollout')
    )
    expect(first.stdout.indexOf('post-deploy hooks of weight 0')).toBeGreaterThan(
      first.stdout.indexOf('deployment/web successfully rolled out')
    )
    // hook-succeeded: the post-deploy Job is gone once it completed.
    await expect(kubectl(['-n', namespace, 'get', 'job', 'warm'])).rejects.toThrow(/NotFound/)
    expect(hookRows(first.summary)).toEqual([
      'pre-deploy, weight 0 | Job/migrate | succeeded',
      'post-deploy, weight 0 | Job/warm | succeeded (deleted)'
    ])
    expect(JSON.parse(first.outputs.resources).map((r: any) => r.kind)).toEqual(['Namespace', 'Deployment'])

    // The next deploy runs the migration again: before-hook-creation deletes the old Job first.
    const second = await runAction(inputs(namespace, { manifests: manifests('two') }), { sha: randomSha() })
    expect(second.code).toBe(0)
    const again = await kubectlJson(['-n', namespace, 'get', 'job', 'migrate'])
    expect(again.metadata.uid).not.toBe(migrate.metadata.uid)
    expect(again.status.succeeded).toBe(1)
  }, 180_000)

  it('a failing pre-deploy hook stops the deploy with its diagnosis, and nothing after it is applied', async () => {
    const namespace = ns('failing')
    const good = await runAction(inputs(namespace, { manifests: file(deployment('one')) }), { sha: randomSha() })
    expect(good.code).toBe(0)
    const manifests = file(
      job('schema', 'build-and-deploy/phase: pre-deploy, helm.sh/hook-weight: "-1"'),
      job('migrate', 'build-and-deploy/phase: pre-deploy', 'fail'),
      job('later', 'build-and-deploy/phase: pre-deploy, helm.sh/hook-weight: "3"'),
      deployment('two')
    )
    const run = await runAction(inputs(namespace, { manifests }), { sha: randomSha() })
    expect(run.code).toBe(1)
    const error = run.stdout
      .split('\n')
      .find(line => line.startsWith('::error::'))!
      .replaceAll('%0A', '\n')
    expect(error).toMatch(/pre-deploy hook job\/migrate failed: job\/migrate failed: BackoffLimitExceeded/)
    expect(error).toMatch(/pod migrate-[a-z0-9]+, container migrate: (Error|PodFailed)/)
    expect(error).toContain('Nothing after it was applied.')
    expect(hookRows(run.summary)).toEqual([
      'pre-deploy, weight -1 | Job/schema | succeeded',
      'pre-deploy, weight 0 | Job/migrate | failed',
      'pre-deploy, weight 3 | Job/later | not run'
    ])
    // The Deployment kept its first version; the hook after the failed one was never created.
    const web = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(web.spec.template.spec.containers[0].env).toEqual([{ name: 'GREETING', value: 'one' }])
    await expect(kubectl(['-n', namespace, 'get', 'job', 'later'])).rejects.toThrow(/NotFound/)
    // The failed Job is kept for its logs (no hook-failed policy).
    expect((await kubectlJson(['-n', namespace, 'get', 'job', 'migrate'])).status.failed).toBe(1)
  }, 180_000)

  it("runs a chart's weighted install hooks on the first deploy and its upgrade hooks after, lists them in a dry run, and stops on a failing one", async () => {
    const namespace = ns('chart')
    const chart = mkdtempSync(path.join(os.tmpdir(), 'bnd-chart-'))
    mkdirSync(path.join(chart, 'templates'))
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: hooked\nversion: 0.1.0\n')
    writeFileSync(path.join(chart, 'templates', 'web.yaml'), deployment('{{ .Release.Revision | quote }}'))
    writeFileSync(
      path.join(chart, 'templates', 'schema.yaml'),
      job('schema', 'helm.sh/hook: "pre-install,pre-upgrade", helm.sh/hook-weight: "-5"')
    )
    // With values failing.yaml its pod fails (kwok's fault stage); an empty label would match no stage at all.
    const migrate = job(
      'migrate',
      'helm.sh/hook: pre-upgrade, helm.sh/hook-weight: "5", helm.sh/hook-delete-policy: hook-failed'
    ).replace(
      '    metadata: {labels: {}}\n',
      '    metadata:\n      labels:\n        role: migration\n        {{- with .Values.fault }}\n        bnd.dev/fault: {{ . }}\n        {{- end }}\n'
    )
    writeFileSync(path.join(chart, 'templates', 'migrate.yaml'), migrate)
    writeFileSync(path.join(chart, 'values.yaml'), 'fault: ""\n')
    writeFileSync(path.join(chart, 'failing.yaml'), 'fault: fail\n')
    writeFileSync(
      path.join(chart, 'templates', 'seed.yaml'),
      job('seed', 'helm.sh/hook: post-install, helm.sh/hook-delete-policy: hook-succeeded')
    )
    writeFileSync(path.join(chart, 'templates', 'test.yaml'), job('smoke', 'helm.sh/hook: test'))
    const deploy = (extra: Record<string, string> = {}) =>
      runAction(inputs(namespace, { 'helm-chart': chart, 'helm-release': 'hooked', ...extra }), { sha: randomSha() })

    const install = await deploy()
    expect(install.code).toBe(0)
    expect(hookRows(install.summary)).toEqual([
      'pre-deploy, weight -5 | Job/schema | succeeded',
      'post-deploy, weight 0 | Job/seed | succeeded (deleted)'
    ])
    expect(install.stdout).toMatch(
      /Job (\S+\/)?migrate skipped: helm\.sh\/hook: pre-upgrade does not run on an install/
    )
    expect(install.stdout).not.toMatch(/smoke/)

    const upgrade = await deploy()
    expect(upgrade.code).toBe(0)
    expect(hookRows(upgrade.summary)).toEqual([
      'pre-deploy, weight -5 | Job/schema | succeeded',
      'pre-deploy, weight 5 | Job/migrate | succeeded'
    ])
    expect(upgrade.stdout).toMatch(/Job (\S+\/)?seed skipped: helm\.sh\/hook: post-install does not run on an upgrade/)

    const before = (await kubectlJson(['-n', namespace, 'get', 'job', 'migrate'])).metadata.uid
    const planned = await deploy({ 'dry-run': 'true' })
    expect(planned.code).toBe(0)
    expect(planned.stdout).toContain(
      'pre-deploy hook (weight -5) job/schema would run (helm.sh/hook: pre-install,pre-upgrade)'
    )
    expect(planned.stdout.indexOf('job/schema would run')).toBeLessThan(planned.stdout.indexOf('job/migrate would run'))
    expect(hookRows(planned.summary)).toEqual([
      'pre-deploy, weight -5 | Job/schema | dry run',
      'pre-deploy, weight 5 | Job/migrate | dry run'
    ])
    expect((await kubectlJson(['-n', namespace, 'get', 'job', 'migrate'])).metadata.uid).toBe(before)

    // A failing upgrade hook: the Deployment keeps its revision, and hook-failed deletes the Job.
    const revision = (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0]
      .env[0].value
    const failing = await deploy({ 'helm-values': path.join(chart, 'failing.yaml') })
    expect(failing.code).toBe(1)
    expect(failing.stdout).toMatch(/pre-deploy hook job\/migrate failed: job\/migrate failed: BackoffLimitExceeded/)
    expect(hookRows(failing.summary)).toEqual([
      'pre-deploy, weight -5 | Job/schema | succeeded',
      'pre-deploy, weight 5 | Job/migrate | failed (deleted)'
    ])
    expect(
      (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].env[0].value
    ).toBe(revision)
    await expect(kubectl(['-n', namespace, 'get', 'job', 'migrate'])).rejects.toThrow(/NotFound/)
  }, 240_000)
})
