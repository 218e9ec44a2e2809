import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  env,
  eventually,
  freePort,
  kubectl,
  kubectlJson,
  namespacesForThisFile,
  randomSha,
  repoRoot,
  runAction,
  startPostgres
} from './harness.js'

/**
 * The example stack (example/, manifests/, charts/example, docker-compose.yml) through the action: both images
 * built in one step, run with docker, and the kustomize overlays and the chart rendered, validated and deployed.
 */
const execFileAsync = promisify(execFile)
const namespace = namespacesForThisFile()
const registry = `${env.BND_REGISTRY}/it`
const sha = randomSha()
const api = `${registry}/api`
const web = `${registry}/web`
const docker = (args: string[]) => execFileAsync(env.BND_DOCKER, args, { encoding: 'utf8' })
const credentials = { 'registry-username': env.BND_REGISTRY_USER, 'registry-password': env.BND_REGISTRY_PASSWORD }
const containers: string[] = []

afterAll(async () => {
  for (const id of containers) await docker(['rm', '-f', id]).catch(() => undefined)
})

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) })
  return { status: response.status, body: await response.text() }
}

/** Runs an image on the host network (so it reaches the PostgreSQL below) with a fast HEALTHCHECK. */
async function runImage(image: string, port: number, extra: string[] = []): Promise<string> {
  const { stdout } = await docker([
    'run',
    '-d',
    '--network',
    'host',
    '--health-interval',
    '1s',
    '-e',
    `PORT=${port}`,
    ...extra,
    image
  ])
  const id = stdout.trim()
  containers.push(id)
  return id
}

const processUid = async (id: string): Promise<string> =>
  (await docker(['top', id, '-eo', 'pid,uid'])).stdout
    .trim()
    .split('\n')
    .slice(1)
    .map(line => line.trim().split(/\s+/)[1])
    .join(',')
const health = async (id: string): Promise<string> =>
  (await docker(['inspect', '-f', '{{.State.Health.Status}}', id])).stdout.trim()

describe('the example images', () => {
  let build: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    build = await runAction(
      {
        mode: 'build',
        build: `${api}=example/api\n${web}=example/web`,
        'build-args': `BASE=${env.BND_BASE_IMAGE}\nGO_IMAGE=${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch\nVERSION=${sha.slice(0, 7)}`,
        ...credentials
      },
      { sha }
    )
  }, 300_000)

  it('are both built, tagged with the SHA and pushed in one step', () => {
    expect(build.stderr + build.stdout).not.toContain('::error::')
    expect(build.code).toBe(0)
    const images = JSON.parse(build.outputs['built-images'])
    expect(Object.keys(images)).toEqual(['api', 'web'])
    expect(images.api).toMatchObject({ image: `${api}:${sha}`, imageRef: `${api}@${images.api.digest}`, reused: false })
    expect(images.web.image).toBe(`${web}:${sha}`)
    expect(build.outputs.image).toBe(`${api}:${sha}`)
    expect(build.summary).toContain('### Images')
  })

  it('api runs as a non-root uid, answers /health, and is ready only while PostgreSQL answers', async () => {
    const postgres = await startPostgres()
    try {
      const port = await freePort()
      const id = await runImage(`${api}:${sha}`, port, [
        '-e',
        'DATABASE_HOST=127.0.0.1',
        '-e',
        `DATABASE_PORT=${postgres.port}`
      ])
      const healthy = await eventually(
        () => get(`http://127.0.0.1:${port}/health`),
        r => r.status === 200,
        15_000
      )
      expect(healthy).toEqual({ status: 200, body: '{"status":"ok"}\n' })
      expect(JSON.parse((await get(`http://127.0.0.1:${port}/`)).body)).toEqual({
        service: 'api',
        version: sha.slice(0, 7)
      })
      expect(await processUid(id)).toBe('10001')
      expect((await get(`http://127.0.0.1:${port}/ready`)).status).toBe(200)
      // The image's own HEALTHCHECK (the binary probing itself; the image has no shell).
      expect(
        await eventually(
          () => health(id),
          s => s === 'healthy',
          15_000
        )
      ).toBe('healthy')

      await postgres.stop()
      const notReady = await get(`http://127.0.0.1:${port}/ready`)
      expect(notReady.status).toBe(503)
      expect(JSON.parse(notReady.body).status).toBe('not ready')
      expect((await get(`http://127.0.0.1:${port}/health`)).status).toBe(200)
    } finally {
      await postgres.stop()
    }
  }, 60_000)

  it("api's own Go tests pass (readiness follows the database check)", async () => {
    const { stdout } = await execFileAsync('go', ['test', './...'], {
      cwd: path.join(repoRoot, 'example/api'),
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' }
    })
    expect(stdout).toMatch(/^ok\s+example\.com\/api\/cmd\/api/m)
  }, 120_000)

  it('web runs as a non-root uid, answers /health, and its HEALTHCHECK passes', async () => {
    const port = await freePort()
    const { stdout } = await docker([
      'run',
      '-d',
      '-p',
      `127.0.0.1:${port}:8080`,
      '--health-interval',
      '1s',
      `${web}:${sha}`
    ])
    const id = stdout.trim()
    containers.push(id)
    expect(
      await eventually(
        () => get(`http://127.0.0.1:${port}/health`),
        r => r.status === 200,
        15_000
      )
    ).toMatchObject({ status: 200 })
    expect(await processUid(id)).toBe('10001')
    expect(
      await eventually(
        () => health(id),
        s => s === 'healthy',
        15_000
      )
    ).toBe('healthy')
  }, 60_000)
})

describe('the example manifests', () => {
  const images = `${api}=example/api\n${web}=example/web`

  /** An overlay on top of the repository's overlay: another namespace, the local registry's repositories. */
  function overlayOn(overlay: string, target: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-overlay-'))
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `namespace: ${target}`,
        // kustomize takes only relative paths to other kustomizations.
        `resources: [${path.relative(dir, path.join(repoRoot, 'manifests/overlays', overlay))}]`,
        'images:',
        `  - {name: ghcr.io/acme/api, newName: ${api}}`,
        `  - {name: ghcr.io/acme/web, newName: ${web}}`,
        'patches:',
        '  - target: {kind: RoleBinding, name: deployer}',
        `    patch: '[{"op": "replace", "path": "/subjects/0/namespace", "value": "${target}"}]'`,
        ''
      ].join('\n')
    )
    return dir
  }

  function chartValues(extra = ''): string {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-values-')), 'values.yaml')
    writeFileSync(file, `api: {image: "${api}:dev"}\nweb: {image: "${web}:dev"}\n${extra}`)
    return file
  }

  it('docker-compose.yml is valid (docker-compose config)', async () => {
    const { stdout } = await execFileAsync(
      'docker-compose',
      ['-f', path.join(repoRoot, 'docker-compose.yml'), 'config', '--services'],
      { encoding: 'utf8' }
    )
    expect(stdout.trim().split('\n').sort()).toEqual(['api', 'postgres', 'web'])
  })

  it('deploys the staging overlay: rendered by kustomize, both images at the SHA, PostgreSQL with a bound volume', async () => {
    const target = namespace('ex-staging')
    const run = await runAction(
      { mode: 'apply', build: images, ...credentials, manifests: overlayOn('staging', target), timeout: '2m' },
      { sha }
    )
    expect(run.stderr + run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)
    const deployments = await kubectlJson(['-n', target, 'get', 'deployments'])
    expect(
      deployments.items.map((d: any) => [d.metadata.name, d.spec.replicas, d.spec.template.spec.containers[0].image])
    ).toEqual([
      ['api', 2, `${api}:${sha}`],
      ['web', 2, `${web}:${sha}`]
    ])
    const pvc = await kubectlJson(['-n', target, 'get', 'pvc', 'data-postgres-0'])
    expect(pvc.status.phase).toBe('Bound')
    const kinds = JSON.parse(run.outputs.resources).map((r: { kind: string }) => r.kind)
    for (const kind of [
      'Namespace',
      'ResourceQuota',
      'LimitRange',
      'Secret',
      'StatefulSet',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'Ingress',
      'Role',
      'RoleBinding'
    ]) {
      expect(kinds).toContain(kind)
    }
    expect(run.stdout).toContain('(kustomize)')
  }, 180_000)

  it('passes strict server-side dry run: the production overlay and the chart with production values', async () => {
    // Production expects its database Secret to exist (created out of band), so the namespace is prepared first.
    for (const [prefix, source] of [
      ['ex-prod', 'overlay'],
      ['ex-prod-chart', 'chart']
    ] as const) {
      const target = namespace(prefix)
      await kubectl(['create', 'namespace', target])
      await kubectl([
        '-n',
        target,
        'create',
        'secret',
        'generic',
        'postgres',
        '--from-literal=POSTGRES_USER=app',
        '--from-literal=POSTGRES_PASSWORD=x',
        '--from-literal=POSTGRES_DB=app'
      ])
      const inputs: Record<string, string> =
        source === 'overlay'
          ? { manifests: overlayOn('production', target) }
          : {
              'helm-chart': 'charts/example',
              'helm-values': `charts/example/values-production.yaml\n${chartValues()}`,
              namespace: target
            }
      const run = await runAction(
        { mode: 'apply', build: images, ...credentials, ...inputs, 'dry-run': 'true' },
        { sha }
      )
      expect(run.stderr + run.stdout).not.toContain('::error::')
      expect(run.code).toBe(0)
      expect(run.summary).toContain('dry run succeeded')
      expect(JSON.parse(run.outputs.resources).length).toBeGreaterThan(20)
      // Nothing but what the test created is there.
      expect((await kubectl(['-n', target, 'get', 'deployments,statefulsets', '-o', 'name'])).trim()).toBe('')
    }
  }, 120_000)

  it('deploys the Helm chart: helm template, then the same patch, apply and wait', async () => {
    const target = namespace('ex-chart')
    const run = await runAction(
      {
        mode: 'apply',
        build: images,
        ...credentials,
        'helm-chart': 'charts/example',
        'helm-values': chartValues(),
        'helm-release': 'shop',
        namespace: target,
        'create-namespace': 'true',
        timeout: '2m'
      },
      { sha }
    )
    expect(run.stderr + run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)
    const deployments = await kubectlJson(['-n', target, 'get', 'deployments'])
    expect(deployments.items.map((d: any) => [d.metadata.name, d.spec.template.spec.containers[0].image])).toEqual([
      ['shop-api', `${api}:${sha}`],
      ['shop-web', `${web}:${sha}`]
    ])
    const sts = await kubectlJson(['-n', target, 'get', 'statefulset', 'shop-postgres'])
    expect(sts.status.readyReplicas).toBe(1)
    expect(run.stdout).toContain('(helm template shop)')
  }, 180_000)

  it('names the missing tool and builds nothing when kustomize, kubectl or helm is not installed', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'bnd-nopath-'))
    const target = namespace('ex-notool')
    const kustomize = await runAction(
      { build: images, ...credentials, manifests: overlayOn('staging', target) },
      { sha: randomSha(), extraEnv: { PATH: empty } }
    )
    expect(kustomize.code).not.toBe(0)
    expect(kustomize.stdout).toContain(
      'is a kustomization directory; rendering it needs kustomize or kubectl on PATH, and neither was found'
    )
    expect(kustomize.stdout).not.toContain('Build and push')
    const helm = await runAction(
      { build: images, ...credentials, 'helm-chart': 'charts/example', namespace: target },
      { sha: randomSha(), extraEnv: { PATH: empty } }
    )
    expect(helm.code).not.toBe(0)
    expect(helm.stdout).toContain("helm-chart 'charts/example' is rendered with helm template, and helm is not on PATH")
    expect((await kubectl(['get', 'namespace', target, '--ignore-not-found', '-o', 'name'])).trim()).toBe('')
  }, 60_000)
})

describe('the deployer Role of manifests/base/rbac.yaml', () => {
  /** A kubeconfig holding only a token of the deployer ServiceAccount of `target`. */
  async function deployerKubeconfig(target: string): Promise<string> {
    const admin = await kubectlJson(['config', 'view', '--raw', '--minify', '--flatten'])
    const token = (await kubectl(['-n', target, 'create', 'token', 'deployer', '--duration', '10m'])).trim()
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: admin.clusters[0].cluster }],
      users: [{ name: 'deployer', user: { token } }],
      contexts: [{ name: 'deployer', context: { cluster: 'c', user: 'deployer', namespace: target } }],
      'current-context': 'deployer'
    })
  }

  /** The base's application objects (not the namespace, its limits or the RBAC a cluster admin creates). */
  function appManifests(edit: (name: string, text: string) => string = (_, text) => text): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-app-'))
    for (const name of [
      'secret.example.yaml',
      'postgres.yaml',
      'api.yaml',
      'web.yaml',
      'network-policies.yaml',
      'ingress.yaml'
    ]) {
      const text = readFileSync(path.join(repoRoot, 'manifests/base', name), 'utf8').replaceAll(
        'ghcr.io/acme/',
        `${registry}/`
      )
      writeFileSync(path.join(dir, name), edit(name, text))
    }
    return dir
  }

  it('is enough to deploy, wait, lock and roll back the app, and grants nothing outside its namespace', async () => {
    const target = namespace('ex-rbac')
    await kubectl(['create', 'namespace', target])
    const rbac = readFileSync(path.join(repoRoot, 'manifests/base/rbac.yaml'), 'utf8').replace(
      'namespace: example',
      `namespace: ${target}`
    )
    const rbacFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-rbac-')), 'rbac.yaml')
    writeFileSync(rbacFile, rbac)
    await kubectl(['-n', target, 'apply', '-f', rbacFile])
    const kubeconfig = await deployerKubeconfig(target)
    const inputs = {
      mode: 'apply',
      build: `${api}=example/api\n${web}=example/web`,
      ...credentials,
      namespace: target,
      kubeconfig,
      timeout: '1m'
    }

    const first = await runAction({ ...inputs, manifests: appManifests() }, { sha })
    expect(first.stderr + first.stdout).not.toContain('::error::')
    expect(first.code).toBe(0)
    expect(first.outputs.result).toBe('succeeded')

    // A failing rollout: diagnosis, automatic rollback and lock release all run under the Role too.
    const crashing = appManifests((name, text) =>
      name === 'api.yaml'
        ? text.replace(
            '        app.kubernetes.io/component: backend\n    spec:',
            '        app.kubernetes.io/component: backend\n        bnd.dev/fault: crashloop\n    spec:'
          )
        : text
    )
    const second = await runAction({ ...inputs, manifests: crashing }, { sha })
    expect(second.code).not.toBe(0)
    expect(second.outputs.result).toBe('rolled-back')
    expect(second.stdout).toContain('CrashLoopBackOff')
    expect(second.stdout).not.toMatch(/forbidden/i)

    const elsewhere = namespace('ex-rbac-other')
    await kubectl(['create', 'namespace', elsewhere])
    const outside = await runAction({ ...inputs, namespace: elsewhere, manifests: appManifests() }, { sha })
    expect(outside.code).not.toBe(0)
    expect(outside.stdout).toMatch(/forbidden/i)
    expect((await kubectl(['-n', elsewhere, 'get', 'all', '-o', 'name'])).trim()).toBe('')
  }, 180_000)
})

describe('npm run demo', () => {
  it('builds both images, deploys the staging overlay and says what to look at', async () => {
    const demoSha = randomSha()
    // The demo's own output is the diagnosis when it fails.
    const { stdout } = await execFileAsync('bash', [path.join(repoRoot, 'scripts/demo.sh')], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, DEMO_SHA: demoSha, BND_DEMO_SKIP_INSTALL: '1' },
      maxBuffer: 32 << 20
    }).catch((error: { stdout?: string; message: string }) => {
      throw new Error(
        `${error.message}\n${(error.stdout ?? '')
          .split('\n')
          .filter(line => !line.startsWith('::add-mask::'))
          .slice(-40)
          .join('\n')}`
      )
    })
    expect(stdout).toMatch(/Deployed the staging overlay in \d+ s \(exit 0\)/)
    expect(stdout).toContain('kubectl -n example-staging get deployment')
    if (env.BND_REAL_NODE)
      expect(stdout).toContain(
        'API /ready on the real node, through its Service: {"database":"not configured","status":"ready"}'
      )
    const summary = /Job summary: (\S+)/.exec(stdout)![1]
    expect(readFileSync(summary, 'utf8')).toContain('build-and-deploy: succeeded')
    const deployments = await kubectlJson(['-n', 'example-staging', 'get', 'deployments'])
    expect(deployments.items.map((d: any) => d.spec.template.spec.containers[0].image)).toEqual([
      `${env.BND_REGISTRY}/acme/api:${demoSha}`,
      `${env.BND_REGISTRY}/acme/web:${demoSha}`
    ])
  }, 300_000)
})
