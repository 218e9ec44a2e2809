import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
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

const podUids = async (namespace: string, app: string): Promise<string[]> =>
  (await kubectlJson(['-n', namespace, 'get', 'pods', '-l', `app=${app}`])).items.map((p: any) => p.metadata.uid).sort()
const revisions = async (namespace: string, kind: string, app: string): Promise<number> =>
  (await kubectlJson(['-n', namespace, 'get', kind, '-l', `app=${app}`])).items.length
const resource = (run: { outputs: Record<string, string> }, kind: string, name: string) =>
  JSON.parse(run.outputs.resources).find((r: any) => r.kind === kind && r.name === name)

describe('mode apply without an image: the manifests as written', () => {
  it('applies config and third-party images with the dry run, wait, outputs and summary of a deploy', async () => {
    const namespace = ns('plain')
    const manifests = manifestCopy(
      'stack.yaml',
      text => `${text}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {LEVEL: info}\n`
    )
    const run = await runAction(
      { mode: 'apply', manifests, namespace, 'create-namespace': 'true', timeout: '1m' },
      { sha: randomSha() }
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('succeeded')
    // Nothing was substituted: every image is the one written.
    const web = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(web.spec.template.spec.containers[0].image).toBe(`${env.BND_REGISTRY}/it/web:dev`)
    expect(web.status.availableReplicas).toBe(2)
    expect(resource(run, 'StatefulSet', 'db')).toMatchObject({ action: 'created', rollout: 'succeeded' })
    expect(resource(run, 'ConfigMap', 'settings')).toMatchObject({ action: 'created' })
    expect(run.outputs.image).toBeUndefined()
    expect(run.summary).toMatch(/\| StatefulSet\/db \| .* \| created \| succeeded \|/)
    expect(run.stdout).not.toContain('docker')

    // A misspelt field still stops everything, with the file and document named.
    const broken = manifestCopy('stack.yaml', text => text.replace('serviceName: db', 'serviceNme: db'))
    const refused = await runAction(
      { mode: 'apply', manifests: broken, namespace, timeout: '1m' },
      { sha: randomSha() }
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(/stack\.yaml document 3 \(StatefulSet [^)]*db\): .*serviceNme/)
  }, 120_000)
})

describe('a new commit rolls only the workloads it changed', () => {
  it('keeps the pods and revisions of unchanged workloads, and rollback-to previous undoes only the changed one', async () => {
    const namespace = ns('changed')
    // No release records (as for workloads deployed before they existed): the rollback undoes each workload.
    const inputs = (extra: Record<string, string> = {}) =>
      deployInputs(namespace, { manifests: manifestCopy('stack.yaml'), timeout: '90s', 'history-max': '0', ...extra })
    const [first, second, third] = [randomSha(), randomSha(), randomSha()]
    expect((await runAction(inputs(), { sha: first })).code).toBe(0)
    const dbPods = await podUids(namespace, 'db')
    const cachePods = await podUids(namespace, 'cache')
    expect(dbPods).toHaveLength(2)

    for (const sha of [second, third]) {
      const run = await runAction(inputs(), { sha })
      expect(run.code).toBe(0)
      expect(resource(run, 'Deployment', 'web')).toMatchObject({ action: 'configured', rollout: 'succeeded' })
      expect(resource(run, 'StatefulSet', 'db')).toMatchObject({ action: 'unchanged' })
      expect(resource(run, 'Deployment', 'cache')).toMatchObject({ action: 'unchanged' })
      // Folded below the table of what changed.
      expect(run.summary).toMatch(/<details><summary>\d+ unchanged<\/summary>\n\n.*StatefulSet\/db/)
    }
    expect(await podUids(namespace, 'db')).toEqual(dbPods)
    expect(await podUids(namespace, 'cache')).toEqual(cachePods)
    expect(await revisions(namespace, 'controllerrevisions', 'db')).toBe(1)
    expect(await revisions(namespace, 'replicasets', 'cache')).toBe(1)
    expect(await revisions(namespace, 'replicasets', 'web')).toBe(3)
    // The object records the last deploy; the template keeps the commit that last changed it.
    const db = await kubectlJson(['-n', namespace, 'get', 'statefulset', 'db'])
    expect(db.metadata.annotations['build-and-deploy/commit']).toBe(third)
    expect(db.spec.template.metadata.annotations['build-and-deploy/commit']).toBe(first)
    expect(db.metadata.annotations['kubernetes.io/change-cause']).toContain(first.slice(0, 12))

    const back = await runAction(inputs({ mode: 'rollback' }), { sha: third })
    expect(back.code).toBe(0)
    expect(back.stdout).toContain('deployment/web: rolled back to revision 2')
    expect(back.stdout).toContain(
      `statefulset/db: skipped, the last deploy (commit ${third.slice(0, 12)}) did not change it; its pods are still those of commit ${first.slice(0, 12)}`
    )
    expect(back.stdout).toContain('deployment/cache: skipped, the last deploy')
    expect(back.summary).toMatch(/\| StatefulSet\/db \| statefulset\/db: skipped, the last deploy/)
    const web = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(web.spec.template.spec.containers[0].image).toBe(`${env.BND_REGISTRY}/${testRepository}:${second}`)
    expect(await podUids(namespace, 'db')).toEqual(dbPods)
  }, 240_000)

  it('rolls a workload whose template changed other than by the commit', async () => {
    const namespace = ns('spec')
    const sha = randomSha()
    expect((await runAction(deployInputs(namespace, { manifests: manifestCopy('stack.yaml') }), { sha })).code).toBe(0)
    const dbPods = await podUids(namespace, 'db')
    const changed = manifestCopy('stack.yaml', text => text.replace('postgres:16', 'postgres:17'))
    const run = await runAction(deployInputs(namespace, { manifests: changed }), { sha: randomSha() })
    expect(run.code).toBe(0)
    expect(resource(run, 'StatefulSet', 'db')).toMatchObject({ action: 'configured', rollout: 'succeeded' })
    expect(resource(run, 'Deployment', 'cache')).toMatchObject({ action: 'unchanged' })
    expect(await revisions(namespace, 'controllerrevisions', 'db')).toBe(2)
    expect((await podUids(namespace, 'db')).some(uid => dbPods.includes(uid))).toBe(false)
  }, 180_000)
})

/** The API server's count of server-side applies (verb APPLY) to a resource, real or dry-run. */
const appliesTo = async (resource: string): Promise<{ written: number; dryRun: number }> => {
  const counts = { written: 0, dryRun: 0 }
  for (const line of (await kubectl(['get', '--raw', '/metrics'])).split('\n')) {
    if (
      !line.startsWith('apiserver_request_total{') ||
      !line.includes(`resource="${resource}"`) ||
      !line.includes('verb="APPLY"')
    )
      continue
    const count = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (line.includes('dry_run=""')) counts.written += count
    else counts.dryRun += count
  }
  return counts
}

describe('an object the dry run shows unchanged', () => {
  // PodTemplates: a kind no other test applies, so the API server's counters are this test's alone.
  it('is validated but not written again; a changed one is', async () => {
    const namespace = ns('noop')
    const templates = (value: string) =>
      [1, 2, 3]
        .map(
          i =>
            `apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t${i}}\ntemplate:\n  metadata: {labels: {app: t${i}}}\n  spec:\n    containers: [{name: c, image: "x/y:${i === 3 ? value : '1'}"}]\n`
        )
        .join('---\n')
    const manifests = manifestCopy('app.yaml', () => templates('1'))
    const inputs = { mode: 'apply', manifests, namespace, 'create-namespace': 'true', timeout: '1m' }
    expect((await runAction(inputs, { sha: randomSha() })).code).toBe(0)
    const before = await appliesTo('podtemplates')
    const again = await runAction(inputs, { sha: randomSha() })
    expect(again.code).toBe(0)
    const after = await appliesTo('podtemplates')
    expect(after.dryRun - before.dryRun).toBe(3)
    expect(after.written - before.written).toBe(0)
    expect(JSON.parse(again.outputs.resources).map((r: any) => r.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged'
    ])

    writeFileSync(manifests, templates('2'))
    const changed = await runAction(inputs, { sha: randomSha() })
    expect(changed.code).toBe(0)
    const last = await appliesTo('podtemplates')
    expect(last.written - after.written).toBe(1)
    expect(JSON.parse(changed.outputs.resources).map((r: any) => r.action)).toEqual([
      'unchanged',
      'unchanged',
      'configured'
    ])
    expect((await kubectlJson(['-n', namespace, 'get', 'podtemplate', 't3'])).template.spec.containers[0].image).toBe(
      'x/y:2'
    )
  }, 120_000)
})

describe('skip-existing with extra tags', () => {
  it('points the extra tags and latest at the reused image by a manifest PUT, without building', async () => {
    const namespace = ns('retag')
    const sha = randomSha()
    expect((await runAction(deployInputs(namespace, { mode: 'build' }), { sha })).code).toBe(0)
    const extra = `v-${sha.slice(0, 8)}`
    const run = await runAction(deployInputs(namespace, { mode: 'build', 'extra-tags': extra, latest: 'true' }), {
      sha
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('skip-existing: not rebuilding')
    expect(run.stdout).not.toContain('docker build')
    const repository = `${env.BND_REGISTRY}/${testRepository}`
    expect(run.stdout).toContain(
      `Tagged ${repository}:${extra}, ${repository}:latest → ${run.outputs.digest} (manifest PUT, no pull or rebuild).`
    )
    expect(run.outputs.tags.split('\n')).toEqual([
      `${repository}:${sha}`,
      `${repository}:${extra}`,
      `${repository}:latest`
    ])
    const auth = `Basic ${Buffer.from(`${env.BND_REGISTRY_USER}:${env.BND_REGISTRY_PASSWORD}`).toString('base64')}`
    for (const tag of [extra, 'latest']) {
      const head = await fetch(`http://${env.BND_REGISTRY}/v2/${testRepository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: {
          Authorization: auth,
          Accept:
            'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json'
        }
      })
      expect(head.headers.get('docker-content-digest')).toBe(run.outputs.digest)
    }
    // Already there: a third run moves nothing.
    const again = await runAction(deployInputs(namespace, { mode: 'build', 'extra-tags': extra, latest: 'true' }), {
      sha
    })
    expect(again.code).toBe(0)
    expect(again.stdout).not.toContain('Tagged ')
  }, 120_000)
})

describe('prune (ApplySet)', () => {
  const withExtra = (text: string) =>
    `${text}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n`
  const names = async (namespace: string, kinds: string) =>
    (await kubectl(['-n', namespace, 'get', kinds, '-o', 'name']))
      .split('\n')
      .filter(Boolean)
      .filter(n => !n.endsWith('kube-root-ca.crt'))
      .sort()

  it('deletes what left the manifests, and nothing of another set or made by hand; a dry run only lists it', async () => {
    const namespace = ns('prune')
    const prune = { prune: 'true', applyset: 'web-set' }
    expect(
      (
        await runAction(deployInputs(namespace, { ...prune, manifests: manifestCopy('app.yaml', withExtra) }), {
          sha: randomSha()
        })
      ).code
    ).toBe(0)
    await kubectl(['-n', namespace, 'create', 'configmap', 'by-hand', '--from-literal=a=b'])
    const other = manifestCopy(
      'app.yaml',
      () => 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other-set}\ndata: {a: b}\n'
    )
    expect(
      (
        await runAction(
          { mode: 'apply', manifests: other, namespace, prune: 'true', applyset: 'other-set', 'lock-name': 'other' },
          { sha: randomSha() }
        )
      ).code
    ).toBe(0)

    const parent = await kubectlJson(['-n', namespace, 'get', 'secret', 'web-set'])
    const id = parent.metadata.labels['applyset.kubernetes.io/id']
    expect(id).toMatch(/^applyset-[A-Za-z0-9_-]{43}-v1$/)
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toBe(
      'ConfigMap,Deployment.apps,Service'
    )
    expect(parent.metadata.annotations['applyset.kubernetes.io/tooling']).toBe('build-and-deploy/v1')
    expect(await names(namespace, 'configmaps,services,deployments')).toEqual([
      'configmap/by-hand',
      'configmap/extra',
      'configmap/other-set',
      'configmap/web-config',
      'deployment.apps/web',
      'service/web'
    ])
    // kubectl finds the same members by the set's label.
    expect(
      (
        await kubectl([
          '-n',
          namespace,
          'get',
          'configmaps,services,deployments',
          '-l',
          `applyset.kubernetes.io/part-of=${id}`,
          '-o',
          'name'
        ])
      )
        .split('\n')
        .filter(Boolean)
        .sort()
    ).toEqual(['configmap/extra', 'configmap/web-config', 'deployment.apps/web', 'service/web'])

    // Without the Service and the extra ConfigMap.
    const fewer = manifestCopy('app.yaml', text => text.slice(0, text.lastIndexOf('---')))
    const before = await names(namespace, 'configmaps,services,deployments')
    const dry = await runAction(deployInputs(namespace, { ...prune, manifests: fewer, 'dry-run': 'true' }), {
      sha: randomSha()
    })
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain(`ConfigMap ${namespace}/extra would be pruned (dry run)`)
    expect(dry.summary).toMatch(/\| Service\/web \| .* \| pruned \(dry run\) \|/)
    expect(await names(namespace, 'configmaps,services,deployments')).toEqual(before)

    const run = await runAction(deployInputs(namespace, { ...prune, manifests: fewer }), { sha: randomSha() })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.outputs.resources).filter((r: any) => r.action === 'pruned')).toEqual([
      { kind: 'ConfigMap', namespace, name: 'extra', action: 'pruned' },
      { kind: 'Service', namespace, name: 'web', action: 'pruned' }
    ])
    expect(run.summary).toMatch(/\| Service\/web \| .* \| pruned \|/)
    expect(await names(namespace, 'configmaps,services,deployments')).toEqual([
      'configmap/by-hand',
      'configmap/other-set',
      'configmap/web-config',
      'deployment.apps/web'
    ])
    expect(
      (await kubectlJson(['-n', namespace, 'get', 'secret', 'web-set'])).metadata.annotations[
        'applyset.kubernetes.io/contains-group-kinds'
      ]
    ).toBe('ConfigMap,Deployment.apps')
  }, 240_000)

  it('prunes nothing when the rollout fails and is rolled back', async () => {
    const namespace = ns('prunefail')
    const prune = { prune: 'true' }
    expect(
      (
        await runAction(deployInputs(namespace, { ...prune, manifests: manifestCopy('app.yaml', withExtra) }), {
          sha: randomSha()
        })
      ).code
    ).toBe(0)
    const crashing = manifestCopy('app.yaml', text =>
      text.replace('labels: {app: web}\n    spec:', 'labels: {app: web, bnd.dev/fault: crashloop}\n    spec:')
    )
    const run = await runAction(deployInputs(namespace, { ...prune, manifests: crashing }), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('rolled-back')
    expect(await names(namespace, 'configmaps')).toEqual(['configmap/extra', 'configmap/web-config'])
  }, 180_000)

  it('refuses to prune a Namespace unless prune-namespaces-and-crds, before applying anything', async () => {
    const namespace = ns('prunens')
    const extraNs = `${namespace}-x`
    const withNamespace = (text: string) =>
      `${text}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${extraNs}}\n`
    expect(
      (
        await runAction(
          deployInputs(namespace, { prune: 'true', manifests: manifestCopy('app.yaml', withNamespace) }),
          { sha: randomSha() }
        )
      ).code
    ).toBe(0)
    const changed = manifestCopy('app.yaml', text => text.replace('GREETING: hello', 'GREETING: changed'))
    const refused = await runAction(deployInputs(namespace, { prune: 'true', manifests: changed }), {
      sha: randomSha()
    })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(
      `prune would delete Namespace ${extraNs}, which left the manifests, and every object in it; keep it in the manifests, or set prune-namespaces-and-crds: true to delete it`
    )
    expect((await kubectlJson(['-n', namespace, 'get', 'configmap', 'web-config'])).data.GREETING).toBe('hello')
    const allowed = await runAction(
      deployInputs(namespace, { prune: 'true', 'prune-namespaces-and-crds': 'true', manifests: changed }),
      { sha: randomSha() }
    )
    expect(allowed.code).toBe(0)
    expect(resource(allowed, 'Namespace', extraNs)).toMatchObject({ action: 'pruned' })
    const phase = await kubectl(['get', 'namespace', extraNs, '--ignore-not-found', '-o', 'jsonpath={.status.phase}'])
    expect(['', 'Terminating']).toContain(phase)
  }, 180_000)

  it('shares a set with kubectl apply --prune --applyset, both ways', async () => {
    const namespace = ns('kset')
    await kubectl(['create', 'namespace', namespace])
    const dir = manifestCopy('app.yaml').replace(/\/app\.yaml$/, '')
    const configMaps = (...names: string[]) =>
      names.map(name => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: b}\n`).join('---\n')
    const kubectlApply = async (file: string) => {
      const { execFile } = await import('node:child_process')
      return new Promise<{ code: number; out: string }>(resolve =>
        execFile(
          env.BND_KUBECTL,
          ['-n', namespace, 'apply', '--server-side', '--prune', '--applyset=shared', '-f', file],
          { env: { ...process.env, KUBECONFIG: env.KUBECONFIG, KUBECTL_APPLYSET: 'true' } },
          (error, stdout, stderr) => resolve({ code: error ? 1 : 0, out: stdout + stderr })
        )
      )
    }
    writeFileSync(`${dir}/kubectl.yaml`, configMaps('one', 'two'))
    const started = await kubectlApply(`${dir}/kubectl.yaml`)
    expect(started).toMatchObject({ code: 0 })

    // The action adopts kubectl's set (same ID) and prunes what kubectl applied and its manifests lack.
    writeFileSync(`${dir}/action.yaml`, configMaps('one', 'three'))
    const run = await runAction(
      { mode: 'apply', manifests: `${dir}/action.yaml`, namespace, prune: 'true', applyset: 'shared' },
      { sha: randomSha() }
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(resource(run, 'ConfigMap', 'two')).toMatchObject({ action: 'pruned' })
    expect(await names(namespace, 'configmaps')).toEqual(['configmap/one', 'configmap/three'])
    expect(
      (await kubectlJson(['-n', namespace, 'get', 'secret', 'shared'])).metadata.annotations[
        'applyset.kubernetes.io/tooling'
      ]
    ).toMatch(/^kubectl\//)

    // kubectl still reads the set as its own, with the member the action added.
    writeFileSync(`${dir}/kubectl.yaml`, configMaps('one'))
    const after = await kubectlApply(`${dir}/kubectl.yaml`)
    expect(after).toMatchObject({ code: 0 })
    expect(after.out).toContain('configmap/three pruned')
    expect(await names(namespace, 'configmaps')).toEqual(['configmap/one'])
  }, 120_000)
})
