import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  manifestCopy,
  namespaceExists,
  randomSha,
  runAction,
  snapshot,
  testRepository,
  namespacesForThisFile
} from './harness.js'

const ns = namespacesForThisFile()

describe('the bundled action on the local environment', () => {
  it('builds, pushes, deploys and waits; a second run for the same SHA skips the build', async () => {
    const namespace = ns('deploy')
    const sha = randomSha()
    const first = await runAction(deployInputs(namespace), { sha })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)

    const image = `${env.BND_REGISTRY}/${testRepository}:${sha}`
    const live = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(live.spec.template.spec.containers[0].image).toBe(image)
    expect(live.status.availableReplicas).toBe(3)
    expect(live.metadata.annotations['build-and-deploy/commit']).toBe(sha)
    expect(live.metadata.annotations['kubernetes.io/change-cause']).toContain(sha.slice(0, 12))
    expect(live.spec.template.metadata.annotations['build-and-deploy/commit']).toBe(sha)
    // YAML 1.1, as kubectl reads it: 0644 is octal.
    expect(live.spec.template.spec.volumes[0].configMap.defaultMode).toBe(420)
    const managed = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web', '--show-managed-fields'])
    const fields = managed.metadata.managedFields.map((f: any) => `${f.manager}/${f.operation}`)
    expect(fields).toContain('build-and-deploy/Apply')

    expect(first.outputs.image).toBe(image)
    expect(first.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(first.outputs['image-ref']).toBe(`${env.BND_REGISTRY}/${testRepository}@${first.outputs.digest}`)
    expect(first.outputs.result).toBe('succeeded')
    expect(Number(first.outputs['duration-ms'])).toBeGreaterThan(0)
    expect(JSON.parse(first.outputs.resources)).toEqual([
      { kind: 'Namespace', name: namespace, action: 'created' },
      { kind: 'ConfigMap', namespace, name: 'web-config', action: 'created' },
      expect.objectContaining({ kind: 'Deployment', namespace, name: 'web', action: 'created', rollout: 'succeeded' }),
      { kind: 'Service', namespace, name: 'web', action: 'created' }
    ])
    expect(readFileSync(first.outputs['manifests-file'], 'utf8')).toContain(`image: ${image}`)
    expect(first.summary).toContain('succeeded')
    expect(first.summary).toContain(first.outputs.digest)
    expect(first.summary).toMatch(/\| Deployment\/web \| .* \| created \| succeeded \|/)
    expect(first.stdout).toMatch(/deployment\/web: \d of 3 updated replicas are available/)

    const second = await runAction(deployInputs(namespace), { sha })
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('skip-existing: not rebuilding')
    expect(second.stdout).not.toContain('docker build')
    expect(second.outputs.digest).toBe(first.outputs.digest)
    expect(second.summary).toContain('reused (tag existed)')
    const resources = JSON.parse(second.outputs.resources)
    expect(resources.find((r: any) => r.kind === 'ConfigMap').action).toBe('unchanged')
  }, 180_000)

  it('fails fast on a crash-looping rollout, naming the pod, container and reason', async () => {
    const namespace = ns('crash')
    const sha = randomSha()
    const good = await runAction(deployInputs(namespace), { sha })
    expect(good.code).toBe(0)
    const manifests = manifestCopy('app.yaml', text =>
      text.replace('labels: {app: web}\n    spec:', 'labels: {app: web, bnd.dev/fault: crashloop}\n    spec:')
    )
    const bad = await runAction(deployInputs(namespace, { manifests, timeout: '2m', 'rollback-on-failure': 'false' }), {
      sha: randomSha()
    })
    expect(bad.code).toBe(1)
    expect(bad.outputs.result).toBe('failed')
    // Well before the 2 minute timeout.
    expect(bad.durationMs).toBeLessThan(60_000)
    expect(bad.stdout).toMatch(
      /::error::Rollout failed:%0Adeployment\/web: pod (web-[a-z0-9]+-[a-z0-9]+) container web is CrashLoopBackOff%0Apod \1, container web: CrashLoopBackOff — back-off .* \(last exit code 1, Error\) \(restarts: 3\)/
    )
    expect(bad.summary).toContain('CrashLoopBackOff')
    expect(bad.summary).toContain('restarts: 3')
  }, 180_000)

  it('reports ProgressDeadlineExceeded', async () => {
    const namespace = ns('deadline')
    const manifests = manifestCopy('app.yaml', text =>
      text
        .replace('replicas: 3', 'replicas: 1\n  progressDeadlineSeconds: 5')
        .replace('labels: {app: web}\n    spec:', 'labels: {app: web, bnd.dev/fault: never-ready}\n    spec:')
    )
    const run = await runAction(deployInputs(namespace, { manifests }), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/deployment\/web exceeded its progress deadline/)
    expect(JSON.parse(run.outputs.resources).find((r: any) => r.kind === 'Deployment').rollout).toBe('failed')
  }, 120_000)

  it('applies nothing when one document among good ones is invalid, and reports every failure', async () => {
    const namespace = ns('invalid')
    await kubectl(['create', 'namespace', namespace])
    const before = await snapshot(namespace)
    const manifests = manifestCopy('app.yaml', text =>
      text
        .replace(
          '  GREETING: hello',
          '  GREETING: hello\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}'
        )
        .replace('  selector: {app: web}', '  selector: {app: web}\n  sessionAffinty: None')
        .replace('replicas: 3', 'replicas: three')
    )
    const run = await runAction(deployInputs(namespace, { manifests, 'create-namespace': 'false' }), {
      sha: randomSha()
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('failed validation; nothing was applied')
    expect(run.stdout).toMatch(/app\.yaml document 3 \(Deployment [^)]*web\)/)
    expect(run.stdout).toMatch(/app\.yaml document 4 \(Service [^)]*web\): .*sessionAffinty/)
    expect(await snapshot(namespace)).toEqual(before)
  }, 120_000)

  it('dry-run persists nothing and shows the changes', async () => {
    const namespace = ns('dryrun')
    const sha = randomSha()
    expect((await runAction(deployInputs(namespace), { sha })).code).toBe(0)
    const before = await snapshot(namespace)
    const manifests = manifestCopy('app.yaml', text => text.replace('GREETING: hello', 'GREETING: changed'))
    const run = await runAction(deployInputs(namespace, { manifests, 'dry-run': 'true' }), { sha })
    expect(run.code).toBe(0)
    expect(await snapshot(namespace)).toEqual(before)
    expect(run.summary).toContain('+ data.GREETING: "changed"')
    expect(JSON.parse(run.outputs.resources).find((r: any) => r.kind === 'ConfigMap').action).toBe('configured')
  }, 120_000)

  it('fails on a field owned by another manager, naming it, unless force-conflicts', async () => {
    const namespace = ns('conflict')
    const sha = randomSha()
    expect((await runAction(deployInputs(namespace), { sha })).code).toBe(0)
    await kubectl([
      '-n',
      namespace,
      'patch',
      'configmap',
      'web-config',
      '--field-manager=ops',
      '--type=merge',
      '-p',
      '{"data":{"GREETING":"ops"}}'
    ])
    const manifests = manifestCopy('app.yaml', text => text.replace('GREETING: hello', 'GREETING: changed'))
    const run = await runAction(deployInputs(namespace, { manifests }), { sha })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/conflict with "ops".*\.data\.GREETING.*force-conflicts: true/)
    expect((await kubectlJson(['-n', namespace, 'get', 'configmap', 'web-config'])).data.GREETING).toBe('ops')
    const forced = await runAction(deployInputs(namespace, { manifests, 'force-conflicts': 'true' }), { sha })
    expect(forced.code).toBe(0)
    expect((await kubectlJson(['-n', namespace, 'get', 'configmap', 'web-config'])).data.GREETING).toBe('changed')
  }, 180_000)

  it('leaves spec.replicas to kubectl scale instead of failing on it', async () => {
    const namespace = ns('scaled')
    const sha = randomSha()
    expect((await runAction(deployInputs(namespace), { sha })).code).toBe(0)
    await kubectl(['-n', namespace, 'scale', 'deployment/web', '--replicas=2'])
    const manifests = manifestCopy('app.yaml', text => text.replace('replicas: 3', 'replicas: 4'))
    const run = await runAction(deployInputs(namespace, { manifests }), { sha })
    expect(run.code).toBe(0)
    expect(run.summary).toMatch(/scale left to kubectl/)
    expect((await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.replicas).toBe(2)
  }, 180_000)

  it('creates nothing when the namespace is missing and create-namespace is off', async () => {
    const namespace = ns('missing')
    const run = await runAction(deployInputs(namespace, { 'create-namespace': 'false' }), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `namespace '${namespace}' does not exist; add a Namespace to the manifests or set create-namespace: true`
    )
    expect(await namespaceExists(namespace)).toBe(false)
  }, 120_000)

  it('keeps the registry password, build secrets and Secret data out of every log, output and file', async () => {
    const namespace = ns('secrets')
    const token = `tok-${randomSha().slice(0, 24)}`
    const secretValue = `sv-${randomSha().slice(0, 24)}`
    const manifests = manifestCopy(
      'app.yaml',
      text =>
        `${text}---\napiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: ${secretValue}\n`
    )
    const run = await runAction(
      deployInputs(namespace, {
        manifests,
        dockerfile: '__tests__/integration/app/Dockerfile.secret',
        'build-secrets': `token=${token}`,
        'dry-run': 'false'
      }),
      { sha: randomSha() }
    )
    expect(run.code).toBe(0)
    // ::add-mask:: commands carry the value to the runner, which never prints them; everything else must not.
    const stdout = run.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(run.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))).toEqual(
      expect.arrayContaining([`::add-mask::${env.BND_REGISTRY_PASSWORD}`, `::add-mask::${token}`])
    )
    const everything = [
      stdout,
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
      readFileSync(run.outputs['manifests-file'], 'utf8')
    ].join('\n')
    for (const secret of [env.BND_REGISTRY_PASSWORD, token, secretValue]) expect(everything).not.toContain(secret)
    // The secret reached the build: its length was recorded in the image.
    expect(run.stdout).toContain('--secret id=token,src=')
    expect((await kubectlJson(['-n', namespace, 'get', 'secret', 'db'])).data.password).toBe(
      Buffer.from(secretValue).toString('base64')
    )
  }, 180_000)

  it("fails an unschedulable rollout after 15 s with the scheduler's message and event", async () => {
    const namespace = ns('unsched')
    const manifests = manifestCopy('app.yaml', text =>
      text.replace('          ports:\n', '          resources: {requests: {cpu: "64"}}\n          ports:\n')
    )
    const run = await runAction(deployInputs(namespace, { manifests }), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.durationMs).toBeGreaterThanOrEqual(15_000)
    expect(run.durationMs).toBeLessThan(60_000)
    // The real node's taint is named too when it is there: 0/4 nodes are available: 1 node(s) had untolerated taint ...
    expect(run.stdout).toMatch(
      /is Unschedulable%0Apod web-\S+: Unschedulable — 0\/\d nodes are available: .*3 Insufficient cpu/
    )
    expect(run.summary).toMatch(/event FailedScheduling: 0\/\d nodes are available/)
  }, 120_000)

  it('stops before building when the registry rejects the password, and deploys nothing', async () => {
    const namespace = ns('badpass')
    const run = await runAction(
      deployInputs(namespace, { 'registry-password': 'wrong-password', 'skip-existing': 'true' }),
      { sha: randomSha() }
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `Registry ${env.BND_REGISTRY} rejected the credentials of '${env.BND_REGISTRY_USER}' (HTTP 401): check registry-username and registry-password.`
    )
    expect(run.stdout).not.toContain('docker build')
    expect(await namespaceExists(namespace)).toBe(false)
  }, 60_000)

  it('apply mode deploys an existing tag without building, and refuses a missing one', async () => {
    const namespace = ns('apply')
    const sha = randomSha()
    expect((await runAction(deployInputs(namespace, { mode: 'build' }), { sha })).code).toBe(0)
    const applied = await runAction(deployInputs(namespace, { mode: 'apply' }), { sha })
    expect(applied.code).toBe(0)
    expect(applied.stdout).not.toContain('docker build')
    expect(
      (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image
    ).toBe(`${env.BND_REGISTRY}/${testRepository}:${sha}`)
    const missing = randomSha()
    const refused = await runAction(deployInputs(namespace, { mode: 'apply' }), { sha: missing })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(
      `${env.BND_REGISTRY}/${testRepository}:${missing} is not in the registry; build it first (mode deploy or build).`
    )
  }, 180_000)
})
