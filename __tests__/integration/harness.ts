import { afterAll } from '@jest/globals'
import { ChildProcess, execFile, spawn } from 'node:child_process'
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync
} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { env } from './local-env.js'

const execFileAsync = promisify(execFile)
export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

export { env, loadEnv, randomSha, type LocalEnv } from './local-env.js'

export async function kubectl(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(env.BND_KUBECTL, args, {
    env: { ...process.env, KUBECONFIG: env.KUBECONFIG },
    maxBuffer: 64 << 20
  })
  return stdout
}

export async function kubectlJson<T = any>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T
}

/** The image of the first container of deployment/web, the test app's one workload. */
export async function liveImage(namespace: string): Promise<string> {
  return (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image
}

let counter = 0
/** A fresh namespace name per test, so tests never see each other's objects. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36).slice(-4)}${(counter++).toString(36)}`
}

/** Fresh namespace names for one test file; they are deleted (without waiting) after its tests. */
export function namespacesForThisFile(): (prefix: string) => string {
  const names: string[] = []
  afterAll(async () => {
    if (names.length > 0) await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...names])
  })
  return prefix => {
    const name = uniqueName(prefix)
    names.push(name)
    return name
  }
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  durationMs: number
  runnerTemp: string
  /** With `cancelWhen`: ms from the signal to the exit. */
  exitAfterSignalMs?: number
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i])
    outputs[match[1]] = value.join('\n')
  }
  return outputs
}

/**
 * Runs a bundled entry point as the runner does: INPUT_* variables, GITHUB_* context, and the files behind
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_STATE.
 */
export async function runAction(
  inputs: Record<string, string>,
  options: {
    sha: string
    entry?: string
    extraEnv?: Record<string, string>
    runnerTemp?: string
    /** Sends `signal` to the action, as the runner does on cancel, once its stdout shows `text`. */
    cancelWhen?: { text: string; signal: NodeJS.Signals }
    /** Canaries this test planted (a Secret's value, a token in a URL …), scanned for beside the suite's own. */
    secrets?: string[]
  }
): Promise<ActionRun> {
  const runnerTemp = options.runnerTemp ?? mkdtempSync(path.join(os.tmpdir(), 'bnd-run-'))
  const files = {
    output: path.join(runnerTemp, 'output'),
    summary: path.join(runnerTemp, 'summary.md'),
    state: path.join(runnerTemp, 'state')
  }
  // The runner creates these files before each step.
  for (const file of Object.values(files)) writeFileSync(file, '')
  const childEnv: Record<string, string> = {
    PATH: env.PATH,
    HOME: process.env.HOME ?? os.homedir(),
    KUBECONFIG: env.KUBECONFIG,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: options.sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_NUMBER: '12',
    GITHUB_ACTOR: 'octo-tester',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    ...options.extraEnv
  }
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.toUpperCase()}`] = value
  const node = path.join(repoRoot, 'node_modules/node/bin/node')
  const started = Date.now()
  const child = spawn(
    existsSync(node) ? node : process.execPath,
    [path.join(repoRoot, options.entry ?? 'dist/index.js')],
    { env: childEnv, cwd: repoRoot }
  )
  let stdout = ''
  let stderr = ''
  let signalledAt: number | undefined
  child.stdout.on('data', chunk => {
    stdout += chunk
    if (options.cancelWhen && signalledAt === undefined && stdout.includes(options.cancelWhen.text)) {
      signalledAt = Date.now()
      child.kill(options.cancelWhen.signal)
    }
  })
  child.stderr.on('data', chunk => (stderr += chunk))
  const code = await new Promise<number>(resolve => child.on('close', c => resolve(c ?? -1)))
  const exitAfterSignalMs = signalledAt === undefined ? undefined : Date.now() - signalledAt
  const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '')
  const run = {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(read(files.output)),
    summary: read(files.summary),
    durationMs: Date.now() - started,
    runnerTemp,
    exitAfterSignalMs
  }
  scanForLeaks(run, [...suiteSecrets(), ...(options.secrets ?? [])])
  return run
}

/**
 * What every run of the suite must never print: the registry password and the cluster's client key, which most
 * runs hold. Tests add the canaries they plant (options.secrets).
 */
function suiteSecrets(): string[] {
  const secrets = [env.BND_REGISTRY_PASSWORD]
  const key = /client-key: (\S+)/.exec(existsSync(env.KUBECONFIG) ? readFileSync(env.KUBECONFIG, 'utf8') : '')?.[1]
  if (key && existsSync(key)) {
    const lines = readFileSync(key, 'utf8')
      .split('\n')
      .filter(line => line && !line.startsWith('-----'))
    secrets.push(lines[Math.floor(lines.length / 2)])
  }
  return secrets.filter(s => s && s.length >= 8)
}

/** The forms a secret takes when it leaks: as is, base64 (alone or as docker's user:password), URL-encoded. */
function leakForms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(`${env.BND_REGISTRY_USER}:${secret}`).toString('base64'),
    encodeURIComponent(secret)
  ]
}

const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap(name =>
        statSync(path.join(dir, name)).isDirectory() ? filesUnder(path.join(dir, name)) : [path.join(dir, name)]
      )
    : []

/**
 * The suite-wide leak scan: the log (but the ::add-mask:: commands the runner consumes), the summary, the outputs,
 * the post step's state and every file the run left in RUNNER_TEMP (the manifests file among them). Appends what it
 * scanned to bnd-leak-scan.tsv in the temp directory, for the figures.
 */
export function scanForLeaks(run: Pick<ActionRun, 'stdout' | 'stderr' | 'runnerTemp'>, secrets: string[]): void {
  const places: Array<[string, string]> = [
    [
      'the log',
      run.stdout
        .split('\n')
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n')
    ],
    ['stderr', run.stderr],
    ...filesUnder(run.runnerTemp).map((file): [string, string] => [file, readFileSync(file, 'utf8')])
  ]
  let bytes = 0
  for (const [where, text] of places) {
    bytes += text.length
    for (const secret of secrets) {
      if (leakForms(secret).some(form => text.includes(form)))
        throw new Error(
          `leak scan: a planted secret (${secret.slice(0, 3)}…, ${secret.length} characters) appears in ${where}`
        )
    }
  }
  appendFileSync(path.join(os.tmpdir(), 'bnd-leak-scan.tsv'), `${places.length}\t${bytes}\t${secrets.length}\n`)
}

/**
 * Copies a manifest of __tests__/integration/manifests into a temporary directory with REGISTRY replaced by the
 * local registry's address (configurable, so not written in the file), applying `edit` to the text.
 */
export function manifestCopy(name: string, edit: (text: string) => string = text => text): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-manifests-'))
  const text = readFileSync(path.join(repoRoot, '__tests__/integration/manifests', name), 'utf8').replaceAll(
    'REGISTRY/',
    `${env.BND_REGISTRY}/`
  )
  const file = path.join(dir, name)
  writeFileSync(file, edit(text))
  return file
}

export const testRepository = 'it/web'

/** Inputs that build the test app and deploy it to `namespace`. */
export function deployInputs(namespace: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    image: `${env.BND_REGISTRY}/${testRepository}`,
    context: '__tests__/integration/app',
    'build-args': `BASE=${env.BND_BASE_IMAGE}`,
    'registry-username': env.BND_REGISTRY_USER,
    'registry-password': env.BND_REGISTRY_PASSWORD,
    manifests: manifestCopy('app.yaml'),
    namespace,
    'create-namespace': 'true',
    timeout: '2m',
    ...extra
  }
}

/** Every object of the kinds the tests touch in a namespace, without volatile fields, to compare before/after. */
export async function snapshot(namespace: string): Promise<string[]> {
  const list = await kubectlJson<{
    items: Array<{ kind: string; metadata: { name: string; resourceVersion: string } }>
  }>(['get', 'configmaps,secrets,services,deployments,statefulsets,daemonsets,jobs', '-n', namespace])
  return list.items.map(o => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort()
}

export async function namespaceExists(namespace: string): Promise<boolean> {
  return (await kubectl(['get', 'namespace', namespace, '--ignore-not-found', '-o', 'name'])).trim() !== ''
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(error => error as T)
    if (accept(value) || Date.now() > deadline) return value
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

/** A real PostgreSQL (Debian's, started as nobody, listening on `address`: loopback, or the real node's bridge); stopped by PID. */
export async function startPostgres(
  address = '127.0.0.1',
  wantedPort?: number
): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-pg-'))
  chownSync(dir, 65534, 65534)
  const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups']
  await execFileAsync('setpriv', [
    ...asNobody,
    path.join(env.BND_PG_BIN, 'initdb'),
    '-D',
    `${dir}/data`,
    '-A',
    'trust',
    '-U',
    'app'
  ])
  const port = wantedPort ?? (await freePort())
  const server: ChildProcess = spawn(
    'setpriv',
    [
      ...asNobody,
      path.join(env.BND_PG_BIN, 'postgres'),
      '-D',
      `${dir}/data`,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      `listen_addresses=${address}`
    ],
    {
      stdio: 'ignore'
    }
  )
  await eventually(
    () =>
      new Promise<boolean>(resolve =>
        net
          .connect(port, address)
          .on('connect', function (this: net.Socket) {
            this.destroy()
            resolve(true)
          })
          .on('error', () => resolve(false))
      ),
    up => up === true,
    15_000
  )
  return {
    port,
    stop: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return
      const exited = new Promise(resolve => server.once('exit', resolve))
      server.kill('SIGINT')
      await exited
    }
  }
}

/**
 * A kubeconfig holding only the token of a new ServiceAccount `deployer` of `namespace`, bound there to `rules` (a
 * Role's rules, as YAML flow text). `withNamespace: false` leaves the context's namespace unset.
 */
export async function namespacedDeployer(namespace: string, rules: string, withNamespace = true): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-deployer-'))
  writeFileSync(
    path.join(dir, 'rbac.yaml'),
    `apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: ${namespace}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: ${namespace}}
rules: ${rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer, namespace: ${namespace}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects: [{kind: ServiceAccount, name: deployer, namespace: ${namespace}}]
`
  )
  await kubectl(['apply', '-f', path.join(dir, 'rbac.yaml')])
  const admin = await kubectlJson(['config', 'view', '--raw', '--minify', '--flatten'])
  const token = (await kubectl(['-n', namespace, 'create', 'token', 'deployer', '--duration', '10m'])).trim()
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: admin.clusters[0].cluster }],
    users: [{ name: 'deployer', user: { token } }],
    contexts: [
      { name: 'deployer', context: { cluster: 'c', user: 'deployer', ...(withNamespace ? { namespace } : {}) } }
    ],
    'current-context': 'deployer'
  })
}
