import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { env, kubectl, kubectlJson, namespacesForThisFile, randomSha, runAction, snapshot } from './harness.js'

const ns = namespacesForThisFile()

// What `kubectl apply` (client-side) deployed first: labels, an annotation and a ConfigMap key the action's manifests
// do not have, so they must stay with kubectl-client-side-apply.
const legacy = (image: string): string => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  labels: {app: web, legacy: "true"}
data:
  GREETING: hello
  OLD_KEY: only-kubectl
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, team: legacy}
  annotations: {owner.example/legacy: kubectl}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef: {name: web-config}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {legacy: "true"}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
`

// The action's manifests for the same objects: another image and greeting, none of kubectl's extras.
const ours = (image: string, greeting: string): string => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  labels: {app: web}
data:
  GREETING: ${greeting}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef: {name: web-config}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
`

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-takeover-')), 'app.yaml')
  writeFileSync(file, text)
  return file
}

type Entry = { manager: string; operation: string; fieldsV1?: Record<string, any> }
const managedFields = async (namespace: string, kind: string, name: string): Promise<Entry[]> =>
  (await kubectlJson(['-n', namespace, 'get', kind, name, '--show-managed-fields'])).metadata.managedFields
/** The managers whose entries hold the field at `keys` (a FieldsV1 path). */
const ownersOf = (entries: Entry[], keys: string[]): string[] =>
  entries
    .filter(e => keys.reduce<any>((node, key) => node?.[key], e.fieldsV1) !== undefined)
    .map(e => `${e.manager}/${e.operation}`)
const image = ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']

describe('taking over from kubectl apply (client-side)', () => {
  it('moves the fields the manifests set to the action, as kubectl apply --server-side does, and leaves kubectl the rest', async () => {
    const namespace = ns('csa')
    const [first, next] = [`${env.BND_REGISTRY}/it/web:dev`, `${env.BND_REGISTRY}/third-party/redis:7.4`]
    await kubectl(['create', 'namespace', namespace])
    await kubectl(['-n', namespace, 'apply', '-f', write(legacy(first))])
    // Settled, so that the controller's status updates do not move resourceVersions under the comparisons below.
    await kubectl(['-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=60s'])
    expect(ownersOf(await managedFields(namespace, 'deployment', 'web'), image)).toEqual([
      'kubectl-client-side-apply/Update'
    ])
    const inputs = { mode: 'apply', manifests: write(ours(next, 'bonjour')), namespace, timeout: '90s' }

    // A dry run says what it would take over and writes nothing, managedFields included.
    const before = await snapshot(namespace)
    const dry = await runAction({ ...inputs, 'dry-run': 'true' }, { sha: randomSha() })
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain(
      `Would take over 12 fields of 2 objects from kubectl-client-side-apply, as kubectl apply --server-side does: configmap/web-config (${namespace}), deployment/web (${namespace})`
    )
    expect(await snapshot(namespace)).toEqual(before)

    const run = await runAction(inputs, { sha: randomSha() })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const line = `Took over 12 fields of 2 objects from kubectl-client-side-apply, as kubectl apply --server-side does: configmap/web-config (${namespace}), deployment/web (${namespace})`
    expect(run.stdout).toContain(line)
    expect(run.stdout.split(line)).toHaveLength(2)
    expect(run.summary).toContain(`${line}.`)
    const resources = JSON.parse(run.outputs.resources)
    expect(resources.find((r: any) => r.kind === 'Deployment')).toMatchObject({
      action: 'configured',
      rollout: 'succeeded'
    })

    const web = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web', '--show-managed-fields'])
    expect(web.spec.template.spec.containers[0].image).toBe(next)
    expect(web.status.updatedReplicas).toBe(2)
    expect(ownersOf(web.metadata.managedFields, image)).toEqual(['build-and-deploy/Apply'])
    // What only kubectl apply set is still there, still kubectl's: the action neither deleted nor claimed it.
    expect(web.metadata.labels.team).toBe('legacy')
    expect(web.metadata.annotations['owner.example/legacy']).toBe('kubectl')
    for (const keys of [
      ['f:metadata', 'f:labels', 'f:team'],
      ['f:metadata', 'f:annotations', 'f:owner.example/legacy']
    ]) {
      expect(ownersOf(web.metadata.managedFields, keys)).toEqual(['kubectl-client-side-apply/Update'])
    }
    const config = await kubectlJson(['-n', namespace, 'get', 'configmap', 'web-config', '--show-managed-fields'])
    expect(config.data).toEqual({ GREETING: 'bonjour', OLD_KEY: 'only-kubectl' })
    expect(ownersOf(config.metadata.managedFields, ['f:data', 'f:GREETING'])).toEqual(['build-and-deploy/Apply'])
    expect(ownersOf(config.metadata.managedFields, ['f:data', 'f:OLD_KEY'])).toEqual([
      'kubectl-client-side-apply/Update'
    ])
    // The Service had no conflict (same values): it is shared, as any server-side apply leaves it.
    expect(ownersOf(await managedFields(namespace, 'service', 'web'), ['f:spec', 'f:selector']).sort()).toEqual([
      'build-and-deploy/Apply',
      'kubectl-client-side-apply/Update'
    ])

    // The next deploy is an ordinary one.
    const again = await runAction({ ...inputs, manifests: write(ours(first, 'salut')) }, { sha: randomSha() })
    expect(again.code).toBe(0)
    expect(again.stdout).not.toContain('kubectl-client-side-apply')
    expect(
      (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image
    ).toBe(first)
  }, 240_000)

  it('still refuses a conflict with any other manager, with nothing applied', async () => {
    const namespace = ns('csa-other')
    await kubectl(['create', 'namespace', namespace])
    await kubectl(['-n', namespace, 'apply', '-f', write(legacy(`${env.BND_REGISTRY}/it/web:dev`))])
    await kubectl(['-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=60s'])
    // Someone else takes the greeting by server-side apply; kubectl apply's image conflict alone would be taken over.
    const other = write('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\ndata: {GREETING: hallo}\n')
    await kubectl([
      '-n',
      namespace,
      'apply',
      '--server-side',
      '--field-manager=other',
      '--force-conflicts',
      '-f',
      other
    ])
    const before = await snapshot(namespace)
    const run = await runAction(
      {
        mode: 'apply',
        manifests: write(ours(`${env.BND_REGISTRY}/third-party/redis:7.4`, 'bonjour')),
        namespace,
        timeout: '60s'
      },
      { sha: randomSha() }
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/1 object failed validation; nothing was applied/)
    expect(run.stdout).toMatch(
      /ConfigMap [^)]*web-config\): Apply failed with 1 conflict: conflict with "other": \.data\.GREETING/
    )
    expect(run.stdout).not.toContain('Took over')
    expect(await snapshot(namespace)).toEqual(before)
    expect(ownersOf(await managedFields(namespace, 'deployment', 'web'), image)).toEqual([
      'kubectl-client-side-apply/Update'
    ])
  }, 120_000)
})
