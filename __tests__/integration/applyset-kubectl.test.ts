/**
 * Moving an ApplySet between kubectl and the action, as the README's Prune section tells a user to: the tooling
 * annotation on the parent decides which tool may change the set. kubectl (`apply --prune --applyset`) refuses a
 * set whose tooling is not kubectl's; the action maintains its own sets and kubectl's, and refuses any other tool's.
 */
import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { env, kubectl, kubectlJson, namespacesForThisFile, randomSha, runAction, snapshot } from './harness.js'

const ns = namespacesForThisFile()
const tooling = 'applyset.kubernetes.io/tooling'

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: b}\n`
const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - {name: web, image: ${env.BND_REGISTRY}/it/web:dev}
`
/** Writes the documents to a new temporary file. */
const manifests = (...documents: string[]): string => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-applyset-kubectl-')), 'set.yaml')
  writeFileSync(file, documents.join('---\n'))
  return file
}

/** kubectl apply --server-side --prune --applyset=<parent>, as a user runs it (ApplySets are still behind KUBECTL_APPLYSET). */
const kubectlPrune = (namespace: string, parent: string, file: string) =>
  new Promise<{ code: number; out: string }>(resolve =>
    execFile(
      env.BND_KUBECTL,
      ['-n', namespace, 'apply', '--server-side', '--prune', `--applyset=${parent}`, '-f', file],
      { env: { ...process.env, KUBECONFIG: env.KUBECONFIG, KUBECTL_APPLYSET: 'true' } },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, out: stdout + stderr })
    )
  )
/** The README's hand-over command. */
const annotateTooling = (namespace: string, parent: string, value: string) =>
  kubectl(['-n', namespace, 'annotate', '--overwrite', parent, `${tooling}=${value}`])
const toolingOf = async (namespace: string, parent: string): Promise<string> =>
  (await kubectlJson(['-n', namespace, 'get', parent])).metadata.annotations[tooling]
/** The ConfigMaps and Deployments in the namespace, without kube-root-ca.crt and a ConfigMap parent. */
const names = async (namespace: string) =>
  (await kubectl(['-n', namespace, 'get', 'configmaps,deployments', '-o', 'name']))
    .split('\n')
    .filter(n => n && n !== 'configmap/kube-root-ca.crt' && n !== 'configmap/shared')
    .sort()
const pruned = (run: { outputs: Record<string, string> }) =>
  JSON.parse(run.outputs.resources)
    .filter((r: any) => r.action === 'pruned')
    .map((r: any) => `${r.kind}/${r.name}`)
    .sort()

describe('moving an ApplySet between kubectl and the action', () => {
  it('a set kubectl started: the action maintains it as it is; handed to the action, kubectl refuses it and changes nothing', async () => {
    const namespace = ns('from-kubectl')
    await kubectl(['create', 'namespace', namespace])
    const started = await kubectlPrune(
      namespace,
      'configmaps/shared',
      manifests(configMap('one'), configMap('two'), deployment('web'))
    )
    expect(started).toMatchObject({ code: 0 })
    expect(await toolingOf(namespace, 'configmap/shared')).toMatch(/^kubectl\/v1\.\d+\.\d+$/)

    // Without any annotation the action deploys into kubectl's set, prunes what its manifests lack, and leaves
    // kubectl's tooling value, so the set stays kubectl's too.
    const inputs = (file: string) => ({
      mode: 'apply',
      manifests: file,
      namespace,
      prune: 'true',
      applyset: 'configmap/shared',
      timeout: '2m'
    })
    const adopted = await runAction(inputs(manifests(configMap('one'), deployment('web'))), { sha: randomSha() })
    expect(adopted.stderr).toBe('')
    expect(adopted.code).toBe(0)
    expect(pruned(adopted)).toEqual(['ConfigMap/two'])
    expect(await names(namespace)).toEqual(['configmap/one', 'deployment.apps/web'])
    expect(await toolingOf(namespace, 'configmap/shared')).toMatch(/^kubectl\//)

    // Handed to the action: kubectl now refuses the set, naming its tooling, before it changes anything.
    await annotateTooling(namespace, 'configmap/shared', 'build-and-deploy/v1')
    const before = await snapshot(namespace)
    const refused = await kubectlPrune(namespace, 'configmaps/shared', manifests(configMap('one')))
    expect(refused.code).toBe(1)
    expect(refused.out).toContain(
      'error: ApplySet parent object "configmaps./shared" already exists and is managed by tooling "build-and-deploy" instead of "kubectl"'
    )
    expect(await snapshot(namespace)).toEqual(before)

    // The action keeps its own tooling value and prunes the Deployment its manifests dropped.
    const run = await runAction(inputs(manifests(configMap('one'))), { sha: randomSha() })
    expect(run.code).toBe(0)
    expect(pruned(run)).toEqual(['Deployment/web'])
    expect(await names(namespace)).toEqual(['configmap/one'])
    expect(await toolingOf(namespace, 'configmap/shared')).toBe('build-and-deploy/v1')
    const parent = await kubectlJson(['-n', namespace, 'get', 'configmap/shared'])
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toBe('ConfigMap')

    // Another tool's set is refused by the action, naming the tool, before it changes anything.
    await annotateTooling(namespace, 'configmap/shared', 'helm/v3')
    const foreign = await snapshot(namespace)
    const helm = await runAction(inputs(manifests(configMap('three'))), { sha: randomSha() })
    expect(helm.code).toBe(1)
    expect(helm.stdout).toContain(
      `::error::ApplySet parent configmap/shared in namespace ${namespace} is managed by tooling 'helm'; build-and-deploy maintains only its own sets and kubectl's. Name another object in applyset.`
    )
    expect(await snapshot(namespace)).toEqual(foreign)
  }, 240_000)

  it('a set the action started: kubectl refuses it until the tooling annotation says kubectl, then prunes it; and back', async () => {
    const namespace = ns('to-kubectl')
    // The default parent: the Secret build-and-deploy-<lock-name> in the target namespace.
    const parent = 'secret/build-and-deploy-deploy'
    const inputs = (file: string) => ({
      mode: 'apply',
      manifests: file,
      namespace,
      'create-namespace': 'true',
      prune: 'true',
      timeout: '2m'
    })
    const first = await runAction(inputs(manifests(configMap('one'), configMap('two'), deployment('web'))), {
      sha: randomSha()
    })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(await toolingOf(namespace, parent)).toBe('build-and-deploy/v1')

    // Not handed over: kubectl refuses the set and changes nothing.
    const before = await snapshot(namespace)
    const refused = await kubectlPrune(namespace, 'build-and-deploy-deploy', manifests(configMap('one')))
    expect(refused.code).toBe(1)
    expect(refused.out).toContain(
      'error: ApplySet parent object "secrets./build-and-deploy-deploy" already exists and is managed by tooling "build-and-deploy" instead of "kubectl"'
    )
    expect(await snapshot(namespace)).toEqual(before)

    // Handed to kubectl: it prunes the members its file lacks and writes its own version into the tooling value.
    expect(await annotateTooling(namespace, parent, 'kubectl/v1')).toContain('annotated')
    const handed = await kubectlPrune(namespace, 'build-and-deploy-deploy', manifests(configMap('one')))
    expect(handed.code).toBe(0)
    expect(handed.out).toContain('configmap/two pruned')
    expect(handed.out).toContain('deployment.apps/web pruned')
    expect(await names(namespace)).toEqual(['configmap/one'])
    expect(await toolingOf(namespace, parent)).toMatch(/^kubectl\/v1\.\d+\.\d+$/)

    // The action still maintains the set, now kubectl's, and keeps kubectl's tooling value.
    const kept = await runAction(inputs(manifests(configMap('one'), configMap('three'))), { sha: randomSha() })
    expect(kept.code).toBe(0)
    expect(await names(namespace)).toEqual(['configmap/one', 'configmap/three'])
    expect(await toolingOf(namespace, parent)).toMatch(/^kubectl\//)

    // And back to the action alone: kubectl refuses again, the action prunes.
    await annotateTooling(namespace, parent, 'build-and-deploy/v1')
    expect((await kubectlPrune(namespace, 'build-and-deploy-deploy', manifests(configMap('one')))).code).toBe(1)
    const back = await runAction(inputs(manifests(configMap('three'))), { sha: randomSha() })
    expect(back.code).toBe(0)
    expect(pruned(back)).toEqual(['ConfigMap/one'])
    expect(await names(namespace)).toEqual(['configmap/three'])
    expect(await toolingOf(namespace, parent)).toBe('build-and-deploy/v1')
  }, 240_000)
})
