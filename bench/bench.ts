// npm run bench: the action against kubectl on the same local control plane (scripts/env). Separate from the
// tests' pass/fail: it prints results and writes bench/results/latest.{json,md}. Every figure is the median of
// RUNS runs (default 5), and each comparison is a ratio against a baseline measured in the same invocation.
import { ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const runs = Number(process.env.RUNS ?? 5)
const stateDir = process.env.BND_STATE ?? path.join(os.homedir(), '.cache/build-and-deploy/state')
const envFile: Record<string, string> = {}
for (const line of readFileSync(path.join(stateDir, 'env.sh'), 'utf8').split('\n')) {
  const match = /^export (\w+)='([^']*)'/.exec(line)
  if (match) envFile[match[1]] = match[2]
}
const kubectlBin = envFile.BND_KUBECTL
const KUBECONFIG = process.env.DEPLOY_TEST_KUBECONFIG ?? envFile.KUBECONFIG
const PATH = `${envFile.BND_STATE}/bin:${process.env.PATH}`
const node = path.join(root, 'node_modules/node/bin/node')
const baseEnv = { ...process.env, KUBECONFIG, PATH }
// BENCH_DIST measures another build of the action (e.g. a worktree of an older commit) against the same kubectl.
const entry = path.resolve(process.env.BENCH_DIST ?? path.join(root, 'dist/index.js'))
// BENCH_BEFORE names an older build too: the apply, wait and start parts then run it beside this one, in the same
// iterations, and report before → after.
const beforeEntry = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : undefined
// GNU time's %M: the child's maximum resident set size, in KiB.
const gnuTime = '/usr/bin/time'

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const round = (n: number, digits = 0): number => Number(n.toFixed(digits))
let counter = 0
const namespaceName = (prefix: string): string => `bench-${prefix}-${Date.now().toString(36)}${(counter++).toString(36)}`

function kubectl(args: string[]): string {
  return execFileSync(kubectlBin, args, { env: baseEnv, encoding: 'utf8', maxBuffer: 256 << 20 })
}

/** Spawns a command; with `rss`, through GNU time, which reports the command's maximum resident set size. */
function spawnMeasured(command: string, args: string[], env: NodeJS.ProcessEnv, rss: boolean): { child: ChildProcess; maxRssKiB: () => number | undefined } {
  if (!rss || !existsSync(gnuTime)) return { child: spawn(command, args, { env, cwd: root }), maxRssKiB: () => undefined }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-rss-')), 'rss')
  const child = spawn(gnuTime, ['-f', '%M', '-o', file, command, ...args], { env, cwd: root })
  return { child, maxRssKiB: () => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim().split('\n').pop()) : undefined) }
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = baseEnv, rss = false): Promise<{ ms: number; code: number; output: string; maxRssKiB?: number }> {
  const started = performance.now()
  const { child, maxRssKiB } = spawnMeasured(command, args, env, rss)
  let output = ''
  child.stdout!.on('data', chunk => (output += chunk))
  child.stderr!.on('data', chunk => (output += chunk))
  return new Promise(resolve => child.on('close', code => resolve({ ms: performance.now() - started, code: code ?? -1, output, maxRssKiB: maxRssKiB() })))
}

interface ActionRun {
  ms: number
  code: number
  output: string
  endedAt: number
  maxRssKiB?: number
}

interface ActionOptions {
  /** Sees each stdout line as it comes. */
  onLine?: (line: string, at: number) => void
  /** The bundle to run: this build's dist/index.js unless told. */
  bundle?: string
  rss?: boolean
  /** Added to the runner-like environment. */
  env?: NodeJS.ProcessEnv
}

/** Runs the bundled action as a runner would. */
function action(inputs: Record<string, string>, sha: string, { onLine, bundle = entry, rss = false, env: extraEnv = {} }: ActionOptions = {}): Promise<ActionRun> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'bench-run-'))
  for (const name of ['output', 'summary', 'state']) writeFileSync(path.join(temp, name), '')
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    RUNNER_TEMP: temp,
    GITHUB_SHA: sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REPOSITORY: 'acme/bench',
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary'),
    GITHUB_STATE: path.join(temp, 'state'),
    ...extraEnv
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const started = performance.now()
  const { child, maxRssKiB } = spawnMeasured(node, [bundle], env, rss)
  let output = ''
  let pending = ''
  child.stdout!.on('data', chunk => {
    const at = performance.now()
    output += chunk
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) onLine?.(line, at)
  })
  child.stderr!.on('data', chunk => (output += chunk))
  return new Promise(resolve =>
    child.on('close', code => {
      const endedAt = performance.now()
      resolve({ ms: endedAt - started, code: code ?? -1, output, endedAt, maxRssKiB: maxRssKiB() })
    })
  )
}

const maxOf = (values: Array<number | undefined>): number | undefined => (values.some(v => v !== undefined) ? Math.max(...values.filter((v): v is number => v !== undefined)) : undefined)

const randomSha = (): string => Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')

// ---- manifests ------------------------------------------------------------------------------------------------

function objectsManifest(count: number, readyDelay?: string): string {
  const docs: string[] = []
  for (let i = 0; i < count; i++) {
    const kind = i % 3
    if (kind === 0) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\ndata: {key: value-${i}}\n`)
    else if (kind === 1) docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}}\nspec:\n  selector: {app: d-${i}}\n  ports: [{port: 80, targetPort: 8080}]\n`)
    // No replicas: the apply is what is measured, not thousands of pods behind it.
    else docs.push(deployment(`d-${i}`, 0, readyDelay))
  }
  return docs.join('---\n')
}

function deployment(name: string, replicas: number, readyDelay?: string): string {
  const annotations = readyDelay ? `\n      annotations: {pod-ready.stage.kwok.x-k8s.io/delay: "${readyDelay}"}` : ''
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata:\n      labels: {app: ${name}}${annotations}\n    spec:\n      containers: [{name: app, image: "bench/app:1"}]\n`
}

function writeManifest(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-manifests-'))
  writeFileSync(path.join(dir, 'objects.yaml'), text)
  return dir
}

function createNamespace(name: string): void {
  kubectl(['create', 'namespace', name])
}

const cleanup: string[] = []
/** Deletes the namespaces made so far, so one benchmark's objects do not load the controllers in the next. */
function dropNamespaces(): void {
  if (cleanup.length) execFileSync(kubectlBin, ['delete', 'namespace', '--wait=false', '--ignore-not-found', ...cleanup.splice(0)], { env: baseEnv, stdio: 'ignore' })
}
function freshNamespace(prefix: string): string {
  const name = namespaceName(prefix)
  createNamespace(name)
  cleanup.push(name)
  return name
}

const applyInputs = (dir: string, namespace: string, extra: Record<string, string> = {}) => ({
  mode: 'apply',
  images: 'bench/app=bench/app:2',
  manifests: dir,
  namespace,
  wait: 'false',
  ...extra
})

// ---- 1. apply throughput -------------------------------------------------------------------------------------

/**
 * CPU time (user + system, ms) the local control plane's processes (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok) have used so far: read around a command, it shows how much work the command made the cluster do.
 * Undefined when the cluster is not the local kwok one.
 */
const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

function clusterCpuMs(): number | undefined {
  const dir = path.join(stateDir, 'kwok/clusters', process.env.BND_CLUSTER_NAME ?? 'bnd', 'pids')
  if (process.env.DEPLOY_TEST_KUBECONFIG || !existsSync(dir)) return undefined
  let ticks = 0
  for (const file of readdirSync(dir)) {
    const stat = readFileSync(`/proc/${readFileSync(path.join(dir, file), 'utf8').trim()}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return (ticks * 1000) / clockTicksPerSecond
}

/**
 * One apply row. `iterations` and `clientSide` keep the large rows affordable: the client-side kubectl and the
 * dry-run-only pass say nothing new at scale.
 */
async function benchApply(count: number, { iterations = runs, clientSide = true } = {}) {
  const dir = writeManifest(objectsManifest(count))
  const samples = { action: [] as number[], actionBefore: [] as number[], actionDryRun: [] as number[], kubectlServerSide: [] as number[], kubectlClientSide: [] as number[], clusterCpuKubectl: [] as number[], reapply: [] as number[], reapplyBefore: [] as number[], kubectlReapply: [] as number[] }
  const rss = { action: [] as Array<number | undefined>, actionBefore: [] as Array<number | undefined>, kubectlServerSide: [] as Array<number | undefined> }
  // The same manifests again under a new commit, as the next deploy would send them: only the workloads' commit
  // records change. kubectl's second apply of the same files changes nothing.
  const reapply = async (namespace: string, into: number[], bundle?: string): Promise<void> => {
    const r = await action(applyInputs(dir, namespace), randomSha(), { bundle })
    if (r.code !== 0) throw new Error(`action re-apply failed:\n${r.output.slice(-2000)}`)
    into.push(r.ms)
  }
  const actionPart = async (): Promise<void> => {
    const namespace = freshNamespace('apply')
    const a = await action(applyInputs(dir, namespace), randomSha(), { rss: true })
    if (a.code !== 0) throw new Error(`action apply failed:\n${a.output.slice(-2000)}`)
    samples.action.push(a.ms)
    rss.action.push(a.maxRssKiB)
    await reapply(namespace, samples.reapply)
    if (clientSide) {
      // The validation pass alone (the strict server-side dry run of every object the apply sends first).
      const d = await action(applyInputs(dir, freshNamespace('dry'), { 'dry-run': 'true' }), randomSha())
      if (d.code !== 0) throw new Error(`action dry run failed:\n${d.output.slice(-2000)}`)
      samples.actionDryRun.push(d.ms)
    }
  }
  const beforePart = async (): Promise<void> => {
    const namespace = freshNamespace('before')
    const b = await action(applyInputs(dir, namespace), randomSha(), { rss: true, bundle: beforeEntry })
    if (b.code !== 0) throw new Error(`action (BENCH_BEFORE) apply failed:\n${b.output.slice(-2000)}`)
    samples.actionBefore.push(b.ms)
    rss.actionBefore.push(b.maxRssKiB)
    await reapply(namespace, samples.reapplyBefore, beforeEntry)
  }
  const kubectlPart = async (): Promise<void> => {
    const ssaNamespace = freshNamespace('ssa')
    const cpuBefore = clusterCpuMs()
    const s = await timed(kubectlBin, ['apply', '--server-side', '-n', ssaNamespace, '-f', dir], baseEnv, true)
    const cpuAfter = clusterCpuMs()
    if (s.code !== 0) throw new Error(s.output)
    samples.kubectlServerSide.push(s.ms)
    rss.kubectlServerSide.push(s.maxRssKiB)
    if (cpuBefore !== undefined && cpuAfter !== undefined) samples.clusterCpuKubectl.push(cpuAfter - cpuBefore)
    const again = await timed(kubectlBin, ['apply', '--server-side', '-n', ssaNamespace, '-f', dir])
    if (again.code !== 0) throw new Error(again.output)
    samples.kubectlReapply.push(again.ms)
    if (clientSide) {
      const c = await timed(kubectlBin, ['apply', '-n', freshNamespace('csa'), '-f', dir])
      if (c.code !== 0) throw new Error(c.output)
      samples.kubectlClientSide.push(c.ms)
    }
  }
  const parts = beforeEntry ? [actionPart, beforePart, kubectlPart] : [actionPart, kubectlPart]
  for (let i = 0; i < iterations; i++) {
    // A later part finds the earlier ones' objects live and their controllers still busy: the order rotates.
    for (let p = 0; p < parts.length; p++) await parts[(i + p) % parts.length]()
    // An iteration's namespaces go before the next one: thousands of live objects would load the later runs.
    dropNamespaces()
    await settle()
  }
  const m = { action: median(samples.action), kubectlServerSide: median(samples.kubectlServerSide) }
  return {
    objects: count,
    iterations,
    medianMs: {
      action: round(m.action),
      ...(beforeEntry ? { actionBefore: round(median(samples.actionBefore)) } : {}),
      ...(clientSide ? { actionDryRunOnly: round(median(samples.actionDryRun)), kubectlClientSide: round(median(samples.kubectlClientSide)) } : {}),
      kubectlServerSide: round(m.kubectlServerSide),
      reapply: round(median(samples.reapply)),
      ...(beforeEntry ? { reapplyBefore: round(median(samples.reapplyBefore)) } : {}),
      kubectlReapply: round(median(samples.kubectlReapply))
    },
    ratio: {
      vsServerSide: round(m.action / m.kubectlServerSide, 3),
      ...(beforeEntry ? { beforeVsServerSide: round(median(samples.actionBefore) / m.kubectlServerSide, 3) } : {}),
      ...(clientSide ? { vsClientSide: round(m.action / median(samples.kubectlClientSide), 3) } : {})
    },
    maxRssKiB: { action: maxOf(rss.action), ...(beforeEntry ? { actionBefore: maxOf(rss.actionBefore) } : {}), kubectlServerSide: maxOf(rss.kubectlServerSide) },
    // The control plane's own work for kubectl's apply, spread over every core, is a floor for any client: no
    // apply of these objects can finish sooner on this machine, however it sends them.
    ...(samples.clusterCpuKubectl.length
      ? { clusterCpuMsKubectl: round(median(samples.clusterCpuKubectl)), floorRatioVsServerSide: round(median(samples.clusterCpuKubectl) / os.cpus().length / m.kubectlServerSide, 3) }
      : {}),
    samples
  }
}

// ---- 2 and 3. waiting and detection ---------------------------------------------------------------------------

/** Watches Deployments of a namespace and records when each first meets kubectl's completion rule. */
function completionWatcher(namespace: string): { completedAt: Map<string, number>; stop: () => void } {
  const completedAt = new Map<string, number>()
  const template = '{.metadata.name} {.metadata.generation} {.status.observedGeneration} {.spec.replicas} {.status.updatedReplicas} {.status.replicas} {.status.availableReplicas}{"\\n"}'
  const child: ChildProcess = spawn(kubectlBin, ['-n', namespace, 'get', 'deployments', '--watch', '-o', `jsonpath=${template}`], { env: baseEnv })
  let pending = ''
  child.stdout!.on('data', chunk => {
    const at = performance.now()
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) {
      const [name, generation, observed, replicas, updated, current, available] = line.split(' ')
      const n = (s: string) => Number(s || 0)
      const complete = n(observed) >= n(generation) && n(updated) >= n(replicas) && n(current) <= n(updated) && n(available) >= n(updated)
      if (complete && !completedAt.has(name)) completedAt.set(name, at)
    }
  })
  return { completedAt, stop: () => child.kill() }
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

async function benchWait(count: number, { iterations = runs } = {}) {
  const text = Array.from({ length: count }, (_, i) => deployment(`w-${i}`, 2, '3s')).join('---\n')
  const dir = writeManifest(text)
  const overhead = { action: [] as number[], kubectlSequential: [] as number[], polling: [] as number[] }
  const total = { action: [] as number[], actionBefore: [] as number[], kubectlSequential: [] as number[], polling: [] as number[] }
  const rss = { action: [] as Array<number | undefined>, actionBefore: [] as Array<number | undefined>, kubectlApply: [] as Array<number | undefined>, kubectlRolloutStatus: [] as Array<number | undefined> }
  const detection: number[] = []
  const runBefore = async (): Promise<void> => {
    if (!beforeEntry) return
    const startedAt = performance.now()
    const run = await action(applyInputs(dir, freshNamespace('waitbefore'), { wait: 'true', timeout: '3m' }), randomSha(), { rss: true, bundle: beforeEntry })
    if (run.code !== 0) throw new Error(`action (BENCH_BEFORE) wait failed:\n${run.output.slice(-1500)}`)
    total.actionBefore.push(run.endedAt - startedAt)
    rss.actionBefore.push(run.maxRssKiB)
  }
  for (let i = 0; i < iterations; i++) {
    // The older build runs before this one in even iterations and after it in odd ones.
    if (i % 2 === 0) await runBefore()
    // The action: apply and wait in one run.
    {
      const namespace = freshNamespace('wait')
      const watcher = completionWatcher(namespace)
      await new Promise(resolve => setTimeout(resolve, 300))
      const reported = new Map<string, number>()
      const startedAt = performance.now()
      const run = await action(applyInputs(dir, namespace, { wait: 'true', timeout: '3m' }), randomSha(), {
        rss: true,
        onLine: (line, at) => {
          const match = /^✓ deployment\/(\S+) successfully rolled out/.exec(line)
          if (match) reported.set(match[1], at)
        }
      })
      await waitUntil(() => watcher.completedAt.size >= count, 10_000).catch(() => undefined)
      watcher.stop()
      if (run.code !== 0) throw new Error(`action wait failed:\n${run.output.split('\n').filter(l => l.startsWith('✗')).join('\n')}\n${run.output.slice(-1500)}`)
      overhead.action.push(run.endedAt - Math.max(...watcher.completedAt.values()))
      total.action.push(run.endedAt - startedAt)
      rss.action.push(run.maxRssKiB)
      for (const [name, at] of reported) if (watcher.completedAt.has(name)) detection.push(at - watcher.completedAt.get(name)!)
    }
    if (i % 2 === 1) await runBefore()
    // kubectl: apply, then rollout status one Deployment after another, as deploy scripts do.
    {
      const namespace = freshNamespace('seq')
      const watcher = completionWatcher(namespace)
      await new Promise(resolve => setTimeout(resolve, 300))
      const startedAt = performance.now()
      const applied = await timed(kubectlBin, ['apply', '--server-side', '-n', namespace, '-f', dir], baseEnv, true)
      if (applied.code !== 0) throw new Error(applied.output)
      rss.kubectlApply.push(applied.maxRssKiB)
      for (let d = 0; d < count; d++) {
        // One of them through GNU time, for its memory: its process is like the others.
        if (d > 0) execFileSync(kubectlBin, ['-n', namespace, 'rollout', 'status', `deployment/w-${d}`, '--timeout=3m'], { env: baseEnv })
        else rss.kubectlRolloutStatus.push((await timed(kubectlBin, ['-n', namespace, 'rollout', 'status', `deployment/w-${d}`, '--timeout=3m'], baseEnv, true)).maxRssKiB)
      }
      const endedAt = performance.now()
      await waitUntil(() => watcher.completedAt.size >= count, 10_000).catch(() => undefined)
      watcher.stop()
      overhead.kubectlSequential.push(endedAt - Math.max(...watcher.completedAt.values()))
      total.kubectlSequential.push(endedAt - startedAt)
    }
    // A 1-second polling loop over kubectl get.
    {
      const namespace = freshNamespace('poll')
      const watcher = completionWatcher(namespace)
      await new Promise(resolve => setTimeout(resolve, 300))
      const startedAt = performance.now()
      execFileSync(kubectlBin, ['apply', '--server-side', '-n', namespace, '-f', dir], { env: baseEnv })
      for (;;) {
        const list = JSON.parse(kubectl(['-n', namespace, 'get', 'deployments', '-o', 'json']))
        const done = list.items.every((d: any) => (d.status.observedGeneration ?? 0) >= d.metadata.generation && (d.status.updatedReplicas ?? 0) >= d.spec.replicas && (d.status.availableReplicas ?? 0) >= d.spec.replicas && (d.status.replicas ?? 0) <= (d.status.updatedReplicas ?? 0))
        if (done && list.items.length === count) break
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
      const endedAt = performance.now()
      await waitUntil(() => watcher.completedAt.size >= count, 10_000).catch(() => undefined)
      watcher.stop()
      overhead.polling.push(endedAt - Math.max(...watcher.completedAt.values()))
      total.polling.push(endedAt - startedAt)
    }
    dropNamespaces()
    await settle()
  }
  const m = { action: median(overhead.action), kubectlSequential: median(overhead.kubectlSequential), polling: median(overhead.polling) }
  const t = { action: median(total.action), kubectlSequential: median(total.kubectlSequential), polling: median(total.polling) }
  return {
    deployments: count,
    overheadMedianMs: { action: round(m.action), kubectlSequential: round(m.kubectlSequential), polling: round(m.polling) },
    // kubectl's overhead is near zero (or below the bench watcher's own latency), so this ratio says little;
    // the wall-time ratio below compares the whole apply-and-wait.
    ratio: { vsKubectlSequential: round(m.action / m.kubectlSequential, 3), vsPolling: round(m.action / m.polling, 3) },
    totalMedianMs: { action: round(t.action), ...(beforeEntry ? { actionBefore: round(median(total.actionBefore)) } : {}), kubectlSequential: round(t.kubectlSequential), polling: round(t.polling) },
    totalRatio: { vsKubectlSequential: round(t.action / t.kubectlSequential, 3), vsPolling: round(t.action / t.polling, 3) },
    maxRssKiB: { action: maxOf(rss.action), ...(beforeEntry ? { actionBefore: maxOf(rss.actionBefore) } : {}), kubectlApply: maxOf(rss.kubectlApply), kubectlRolloutStatus: maxOf(rss.kubectlRolloutStatus) },
    detectionMedianMs: detection.length ? round(median(detection)) : null,
    detectionSamples: detection.length,
    samples: { overhead, total }
  }
}

// ---- 4. cold start and size -----------------------------------------------------------------------------------

/** Waits until the namespaces of earlier parts are gone: their garbage collection would load the start figures. */
async function settle(): Promise<void> {
  dropNamespaces()
  const deadline = Date.now() + 180_000
  while (Date.now() < deadline && kubectl(['get', 'namespaces', '-o', 'jsonpath={.items[*].status.phase}']).includes('Terminating')) {
    await new Promise(resolve => setTimeout(resolve, 1000))
  }
}

async function benchColdStart() {
  await settle()
  // A loopback stand-in for the API server records when the first request arrives and when the first write
  // (the dry-run apply) does. It answers discovery and the namespace check as a cluster would, refuses the write,
  // and the run then fails fast.
  let firstRequestAt = 0
  let firstWriteAt = 0
  const answers: Record<string, object> = {
    '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'namespaces', kind: 'Namespace', namespaced: false }, { name: 'configmaps', kind: 'ConfigMap', namespaced: true }] },
    '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }] },
    '/api/v1/namespaces/default': { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'default' } }
  }
  const server = http.createServer((request, response) => {
    const at = performance.now()
    if (!firstRequestAt) firstRequestAt = at
    const answer = request.method === 'GET' ? answers[new URL(request.url ?? '/', 'http://x').pathname] : undefined
    if (request.method !== 'GET' && !firstWriteAt) firstWriteAt = at
    response.writeHead(answer ? 200 : 403, { 'content-type': 'application/json' })
    response.end(JSON.stringify(answer ?? { kind: 'Status', code: 403, message: 'bench' }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const kubeconfig = `apiVersion: v1\nclusters: [{name: b, cluster: {server: 'http://127.0.0.1:${port}'}}]\nusers: [{name: b, user: {token: t}}]\ncontexts: [{name: b, context: {cluster: b, user: b}}]\ncurrent-context: b\n`
  const dir = writeManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n' + deployment('d', 1))
  const toFirstRequest: number[] = []
  const toFirstWrite: number[] = []
  const coldCache = { toFirstRequest: [] as number[], toFirstWrite: [] as number[] }
  const before = { toFirstRequest: [] as number[], toFirstWrite: [] as number[] }
  const bare: number[] = []
  // The action keeps V8's compile cache in NODE_COMPILE_CACHE (else the OS temp directory): one directory for the
  // bench's warm runs, and an empty one for each cold run, as on a fresh runner.
  const warmCache = mkdtempSync(path.join(os.tmpdir(), 'bench-compile-cache-'))
  const once = async (into: { toFirstRequest: number[]; toFirstWrite: number[] }, options: ActionOptions): Promise<void> => {
    firstRequestAt = 0
    firstWriteAt = 0
    const started = performance.now()
    const run = await action({ ...applyInputs(dir, 'default'), kubeconfig, lock: 'false' }, randomSha(), options)
    if (!firstWriteAt) throw new Error(`the action sent no write to the stand-in:\n${run.output.slice(-1500)}`)
    into.toFirstRequest.push(firstRequestAt - started)
    into.toFirstWrite.push(firstWriteAt - started)
  }
  for (let i = 0; i < Math.max(runs, 7) * 3; i++) {
    await once({ toFirstRequest, toFirstWrite }, { env: { NODE_COMPILE_CACHE: warmCache } })
    await once(coldCache, { env: { NODE_COMPILE_CACHE: mkdtempSync(path.join(os.tmpdir(), 'bench-compile-cache-')) } })
    // NODE_COMPILE_CACHE would turn the cache on for any build: the older one runs as it would on a runner.
    if (beforeEntry) await once(before, { bundle: beforeEntry, env: { NODE_COMPILE_CACHE: undefined } })
    bare.push((await timed(node, ['-e', '0'])).ms)
  }
  server.close()
  const size = (dir: string): number =>
    readdirSync(dir).reduce((sum, name) => {
      const file = path.join(dir, name)
      return sum + (statSync(file).isDirectory() ? size(file) : statSync(file).size)
    }, 0)
  const m = median(toFirstRequest)
  return {
    toFirstApiRequestMedianMs: round(m),
    toFirstWriteMedianMs: round(median(toFirstWrite)),
    coldCache: { toFirstApiRequestMedianMs: round(median(coldCache.toFirstRequest)), toFirstWriteMedianMs: round(median(coldCache.toFirstWrite)) },
    ...(beforeEntry ? { before: { toFirstApiRequestMedianMs: round(median(before.toFirstRequest)), toFirstWriteMedianMs: round(median(before.toFirstWrite)) } } : {}),
    bareNodeStartMedianMs: round(median(bare)),
    ratioVsBareNode: round(m / median(bare), 2),
    distBytes: size(path.join(root, 'dist')),
    mainBundleBytes: statSync(path.join(root, 'dist/index.js')).size,
    samples: { toFirstRequest, toFirstWrite, coldCache, before, bare }
  }
}

// ---- 5. redeploy of an existing SHA -----------------------------------------------------------------------------

const appInputs = (namespace: string, extra: Record<string, string> = {}) => ({
  image: `${envFile.BND_REGISTRY}/bench/web`,
  context: 'example/web',
  'build-args': `BASE=${envFile.BND_BASE_IMAGE}`,
  'registry-username': envFile.BND_REGISTRY_USER,
  'registry-password': envFile.BND_REGISTRY_PASSWORD,
  manifests: appManifests,
  namespace,
  'create-namespace': 'true',
  ...extra
})
let appManifests = ''

async function benchRedeploy() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-app-'))
  writeFileSync(path.join(dir, 'web.yaml'), readFileSync(path.join(root, 'manifests/base/web.yaml'), 'utf8').replaceAll('ghcr.io/acme/web', `${envFile.BND_REGISTRY}/bench/web`))
  appManifests = dir
  const namespace = freshNamespace('redeploy')
  const sha = randomSha()
  const first = await action(appInputs(namespace), sha)
  if (first.code !== 0) throw new Error(first.output.slice(-2000))
  const action_: number[] = []
  const kubectl_: number[] = []
  for (let i = 0; i < runs; i++) {
    const run = await action(appInputs(namespace), sha)
    if (run.code !== 0 || !run.output.includes('skip-existing')) throw new Error(run.output.slice(-2000))
    action_.push(run.ms)
    // Baseline: what a script does for the same redeploy, with the image already built: apply and wait.
    const patched = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-kubectl-')), 'web.yaml')
    writeFileSync(patched, readFileSync(path.join(dir, 'web.yaml'), 'utf8').replace(/image: \S+/, `image: ${envFile.BND_REGISTRY}/bench/web:${sha}`))
    const started = performance.now()
    execFileSync(kubectlBin, ['apply', '--server-side', '--force-conflicts', '--field-manager=bench-kubectl', '-n', namespace, '-f', patched], { env: baseEnv })
    execFileSync(kubectlBin, ['-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=2m'], { env: baseEnv })
    kubectl_.push(performance.now() - started)
  }
  return { medianMs: round(median(action_)), kubectlApplyAndStatusMedianMs: round(median(kubectl_)), ratio: round(median(action_) / median(kubectl_), 3), samples: { action: action_, kubectl: kubectl_ } }
}

// ---- 5b. redeploy where one of three workloads changed -----------------------------------------------------------

const podUids = (namespace: string): Map<string, Set<string>> => {
  const byApp = new Map<string, Set<string>>()
  for (const pod of JSON.parse(kubectl(['-n', namespace, 'get', 'pods', '-o', 'json'])).items) {
    if (pod.metadata.deletionTimestamp) continue
    const app = pod.metadata.labels.app
    if (!byApp.has(app)) byApp.set(app, new Set())
    byApp.get(app)!.add(pod.metadata.uid)
  }
  return byApp
}
const replaced = (before: Map<string, Set<string>>, after: Map<string, Set<string>>, app: string): number =>
  [...(before.get(app) ?? [])].filter(uid => !after.get(app)?.has(uid)).length

/**
 * A new commit whose only change is workload a's image: the action (mode apply, a new SHA each run) against
 * kubectl apply --server-side + rollout status of a, b and c, in a namespace of its own. Pods restarted counts
 * the pods of each workload that no longer run after the command ends.
 */
async function benchPartialRedeploy() {
  // a's image comes from the images input, as a deploy's built image would; b and c are applied as written.
  const written = ['a', 'b', 'c'].map(name => deployment(name, 3).replace('bench/app:1', `bench/${name}:1`)).join('---\n')
  const dir = writeManifest(written)
  const manifest = (tag: number) => written.replace('bench/a:1', `bench/a:${tag}`)
  const namespace = freshNamespace('partial')
  const kubectlNamespace = freshNamespace('partial-kubectl')
  const inputs = (tag: number) => ({ mode: 'apply', manifests: dir, images: `bench/a=bench/a:${tag}`, namespace, timeout: '2m' })
  const first = await action(inputs(0), randomSha())
  if (first.code !== 0) throw new Error(first.output.slice(-2000))
  execFileSync(kubectlBin, ['apply', '--server-side', '-n', kubectlNamespace, '-f', path.join(writeManifest(manifest(0)), 'objects.yaml')], { env: baseEnv })
  for (const name of ['a', 'b', 'c']) execFileSync(kubectlBin, ['-n', kubectlNamespace, 'rollout', 'status', `deployment/${name}`, '--timeout=2m'], { env: baseEnv })
  const action_: number[] = []
  const kubectl_: number[] = []
  const restarted = { a: [] as number[], b: [] as number[], c: [] as number[], kubectlA: [] as number[], kubectlOthers: [] as number[] }
  for (let i = 1; i <= runs; i++) {
    const before = podUids(namespace)
    const run = await action(inputs(i), randomSha())
    if (run.code !== 0) throw new Error(run.output.slice(-2000))
    action_.push(run.ms)
    const after = podUids(namespace)
    for (const app of ['a', 'b', 'c'] as const) restarted[app].push(replaced(before, after, app))

    const kubectlBefore = podUids(kubectlNamespace)
    const file = path.join(writeManifest(manifest(i)), 'objects.yaml')
    const started = performance.now()
    execFileSync(kubectlBin, ['apply', '--server-side', '-n', kubectlNamespace, '-f', file], { env: baseEnv })
    for (const name of ['a', 'b', 'c']) execFileSync(kubectlBin, ['-n', kubectlNamespace, 'rollout', 'status', `deployment/${name}`, '--timeout=2m'], { env: baseEnv })
    kubectl_.push(performance.now() - started)
    const kubectlAfter = podUids(kubectlNamespace)
    restarted.kubectlA.push(replaced(kubectlBefore, kubectlAfter, 'a'))
    restarted.kubectlOthers.push(replaced(kubectlBefore, kubectlAfter, 'b') + replaced(kubectlBefore, kubectlAfter, 'c'))
  }
  return {
    medianMs: round(median(action_)),
    kubectlApplyAndStatusMedianMs: round(median(kubectl_)),
    ratio: round(median(action_) / median(kubectl_), 3),
    podsRestarted: { a: Math.max(...restarted.a), b: Math.max(...restarted.b), c: Math.max(...restarted.c), kubectlA: Math.max(...restarted.kubectlA), kubectlOthers: Math.max(...restarted.kubectlOthers) },
    samples: { action: action_, kubectl: kubectl_, restarted }
  }
}

// ---- 5c. blue-green: from the new colour ready to traffic switched --------------------------------------------------

/** Each object a kubectl get --watch -o json prints, with the time it arrived. */
function watchObjects(args: string[]): { seen: Array<{ at: number; object: any }>; stop: () => void } {
  const seen: Array<{ at: number; object: any }> = []
  const child: ChildProcess = spawn(kubectlBin, [...args, '--watch', '-o', 'json'], { env: baseEnv })
  let pending = ''
  child.stdout!.on('data', chunk => {
    const at = performance.now()
    pending += chunk
    let end: number
    while ((end = pending.indexOf('\n}\n')) >= 0) {
      seen.push({ at, object: JSON.parse(pending.slice(0, end + 2)) })
      pending = pending.slice(end + 3)
    }
  })
  return { seen, stop: () => child.kill() }
}

/**
 * strategy blue-green, 3 replicas behind one Service: the bench's own watches time the new colour's Deployment
 * meeting kubectl's completion rule (at a generation past the one before the run) and the Service's selector
 * turning to that colour. The action's verify gate is off, so this is the action's own latency.
 */
async function benchBlueGreenSwitch() {
  const namespace = freshNamespace('bluegreen')
  const written = deployment('web', 3) + '---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n'
  const dir = writeManifest(written)
  const inputs = (tag: number) => ({ mode: 'apply', strategy: 'blue-green', manifests: dir, images: `bench/app=bench/app:${tag}`, namespace, timeout: '2m' })
  const first = await action(inputs(0), randomSha())
  if (first.code !== 0) throw new Error(first.output.slice(-2000))
  const readyToSwitched: number[] = []
  const total: number[] = []
  for (let i = 1; i <= runs; i++) {
    const live = JSON.parse(kubectl(['-n', namespace, 'get', 'service', 'web', '-o', 'json'])).spec.selector['build-and-deploy/colour']
    const next = live === 'blue' ? 'green' : 'blue'
    const before = kubectl(['-n', namespace, 'get', 'deployment', `web-${next}`, '--ignore-not-found', '-o', 'jsonpath={.metadata.generation}'])
    const startGeneration = Number(before || 0)
    // The whole list: kubectl's watch of one name ends at once when that Deployment does not exist yet.
    const deployments = watchObjects(['-n', namespace, 'get', 'deployments'])
    const services = watchObjects(['-n', namespace, 'get', 'service', 'web'])
    await new Promise(resolve => setTimeout(resolve, 300))
    const run = await action(inputs(i), randomSha())
    await new Promise(resolve => setTimeout(resolve, 300))
    deployments.stop()
    services.stop()
    if (run.code !== 0) throw new Error(run.output.slice(-2000))
    const ready = deployments.seen.find(({ object: d }) => {
      const n = (v: unknown) => Number(v ?? 0)
      return d.metadata.name === `web-${next}` && n(d.metadata.generation) > startGeneration && n(d.status?.observedGeneration) >= n(d.metadata.generation) && n(d.status?.updatedReplicas) >= n(d.spec.replicas) && n(d.status?.replicas) <= n(d.status?.updatedReplicas) && n(d.status?.availableReplicas) >= n(d.status?.updatedReplicas)
    })
    const switched = services.seen.find(({ object }) => object.spec.selector['build-and-deploy/colour'] === next)
    if (!ready || !switched) throw new Error(`blue-green bench: ${ready ? '' : 'no completion'} ${switched ? '' : 'no switch'} seen`)
    readyToSwitched.push(switched.at - ready.at)
    total.push(run.ms)
  }
  return { readyToSwitchedMedianMs: round(median(readyToSwitched)), deployMedianMs: round(median(total)), samples: { readyToSwitched: readyToSwitched.map(v => round(v)), total } }
}

// ---- 6. build -----------------------------------------------------------------------------------------------------

async function benchBuild() {
  const docker = envFile.BND_DOCKER
  const dockerEnv = { ...baseEnv, DOCKER_BUILDKIT: '1' }
  const contexts = mkdtempSync(path.join(os.tmpdir(), 'bench-build-'))
  // `dir/.` copies the contents; path.join would drop the trailing `.`.
  for (const app of ['api', 'web']) {
    mkdirSync(path.join(contexts, app))
    execFileSync('cp', ['-r', `${path.join(root, 'example', app)}/.`, path.join(contexts, app)])
  }
  const buildArgs = `BASE=${envFile.BND_BASE_IMAGE}\nGO_IMAGE=${envFile.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch`
  const inputs = {
    mode: 'build',
    build: `${envFile.BND_REGISTRY}/bench/api=${contexts}/api\n${envFile.BND_REGISTRY}/bench/web=${contexts}/web`,
    'build-args': buildArgs,
    'skip-existing': 'false',
    'registry-username': envFile.BND_REGISTRY_USER,
    'registry-password': envFile.BND_REGISTRY_PASSWORD
  }
  const first: number[] = []
  const rebuild: number[] = []
  const plainFirst: number[] = []
  for (let i = 0; i < runs; i++) {
    // A cold builder: no cached layers and no Go build cache (the base images stay).
    execFileSync(docker, ['builder', 'prune', '-af'], { env: dockerEnv, stdio: 'ignore' })
    const a = await action(inputs, randomSha())
    if (a.code !== 0) throw new Error(a.output.slice(-2000))
    first.push(a.ms)
    // A source-only change of the API: its module layer stays cached, its build reuses Go's cache.
    writeFileSync(path.join(contexts, 'api/cmd/api/bench.go'), `package main\n\nconst benchRun = "${i}-${Date.now()}"\n`)
    const b = await action(inputs, randomSha())
    if (b.code !== 0) throw new Error(b.output.slice(-2000))
    rebuild.push(b.ms)
    execFileSync(docker, ['builder', 'prune', '-af'], { env: dockerEnv, stdio: 'ignore' })
    const started = performance.now()
    for (const app of ['api', 'web']) {
      const args = buildArgs.split('\n').flatMap(arg => ['--build-arg', arg])
      execFileSync(docker, ['build', '-q', ...args, '-t', `bench-plain/${app}:1`, path.join(contexts, app)], { env: dockerEnv, stdio: 'ignore' })
    }
    plainFirst.push(performance.now() - started)
  }
  const imageBytes = (image: string): number => Number(execFileSync(docker, ['image', 'inspect', '-f', '{{.Size}}', image], { env: dockerEnv, encoding: 'utf8' }).trim())
  return {
    firstBuildMedianMs: round(median(first)),
    rebuildAfterSourceChangeMedianMs: round(median(rebuild)),
    plainDockerBuildMedianMs: round(median(plainFirst)),
    imageBytes: { api: imageBytes('bench-plain/api:1'), web: imageBytes('bench-plain/web:1') },
    samples: { first, rebuild, plainFirst }
  }
}

// ---- main ---------------------------------------------------------------------------------------------------------

const targets = (r: any) => [
  [`apply 500 objects ≤ 0.80× kubectl apply --server-side${r.apply[1].floorRatioVsServerSide ? ` (floor on this machine: ${r.apply[1].floorRatioVsServerSide})` : ''}`, r.apply[1].ratio.vsServerSide, r.apply[1].ratio.vsServerSide <= 0.8],
  ['wait overhead with 50 Deployments ≤ 500 ms', r.wait[2].overheadMedianMs.action, r.wait[2].overheadMedianMs.action <= 500],
  ['wait with 50 Deployments ≤ 0.2× sequential kubectl (total apply and wait; the overhead ratio divides by ~0)', r.wait[2].totalRatio.vsKubectlSequential, r.wait[2].totalRatio.vsKubectlSequential <= 0.2],
  ['detection median ≤ 100 ms', r.wait[2].detectionMedianMs, r.wait[2].detectionMedianMs <= 100],
  ['start to first API request ≤ 150 ms', r.coldStart.toFirstApiRequestMedianMs, r.coldStart.toFirstApiRequestMedianMs <= 150],
  ['start to first write ≤ 100 ms', r.coldStart.toFirstWriteMedianMs, r.coldStart.toFirstWriteMedianMs <= 100],
  ['dist/ ≤ 3 MB', r.coldStart.distBytes, r.coldStart.distBytes <= 3_000_000],
  ['redeploy of an existing SHA ≤ 3 s', r.redeploy.medianMs, r.redeploy.medianMs <= 3000],
  ...scaleTargets(r)
]

/**
 * "No row grows worse than linearly": from the 500-object row to the 2,000-object one and from 50 Deployments to
 * 200, time per object and memory may grow by at most the row's factor (4×), with 10% for the noise of a run.
 */
function scaleTargets(r: any): Array<[string, number, boolean]> {
  const rows: Array<[string, number, boolean]> = []
  const apply500 = r.apply.find((a: any) => a.objects === 500)
  const apply2000 = r.apply.find((a: any) => a.objects === 2000)
  if (apply500 && apply2000) {
    const perObject = round(apply2000.medianMs.action / 2000 / (apply500.medianMs.action / 500), 2)
    rows.push(['apply: time per object at 2,000 ÷ at 500 ≤ 1.1', perObject, perObject <= 1.1])
    if (apply500.maxRssKiB?.action && apply2000.maxRssKiB?.action) {
      const memory = round(apply2000.maxRssKiB.action / apply500.maxRssKiB.action, 2)
      rows.push(['apply: max RSS at 2,000 ÷ at 500 ≤ 4.4', memory, memory <= 4.4])
    }
  }
  const wait50 = r.wait.find((w: any) => w.deployments === 50)
  const wait200 = r.wait.find((w: any) => w.deployments === 200)
  if (wait50 && wait200) {
    const perDeployment = round(wait200.totalMedianMs.action / 200 / (wait50.totalMedianMs.action / 50), 2)
    rows.push(['wait: total time per Deployment at 200 ÷ at 50 ≤ 1.1', perDeployment, perDeployment <= 1.1])
    if (wait50.maxRssKiB?.action && wait200.maxRssKiB?.action) {
      const memory = round(wait200.maxRssKiB.action / wait50.maxRssKiB.action, 2)
      rows.push(['wait: max RSS at 200 ÷ at 50 ≤ 4.4', memory, memory <= 4.4])
    }
  }
  return rows
}

// ---- 9. cold environment ---------------------------------------------------------------------------------------

/**
 * What building the local environment's binaries cost, as scripts/env/build-binaries.sh recorded it (one row per
 * build, fetching modules and compiling timed apart). Not re-measured here: a cold build takes minutes, and each
 * fresh machine's first `npm run demo` or `npm test` adds its rows.
 */
function coldEnvironment() {
  const file = path.join(process.env.BND_CACHE ?? path.dirname(stateDir), 'build-times.tsv')
  if (!existsSync(file)) return undefined
  const [, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  const builds = lines.map(line => {
    const [date, built, fetchS, compileS, cores] = line.split('\t')
    return { date, built, fetchS: Number(fetchS), compileS: Number(compileS), cores: Number(cores) }
  })
  return { file, builds }
}

async function main(): Promise<void> {
  if (!existsSync(node)) throw new Error('node_modules/node is missing: run npm install')
  const only = (process.env.BENCH_ONLY ?? 'apply,wait,start,redeploy,partial,bluegreen,build').split(',')
  const results: any = { date: new Date().toISOString(), runs, machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, kubernetes: JSON.parse(kubectl(['version', '-o', 'json'])).serverVersion.gitVersion }
  try {
    if (only.includes('apply')) {
      results.apply = [await benchApply(100), await benchApply(500), await benchApply(2000, { iterations: Math.min(runs, 3), clientSide: false })]
      dropNamespaces()
      console.log('apply', JSON.stringify(results.apply.map((r: any) => ({ objects: r.objects, medianMs: r.medianMs, ratio: r.ratio }))))
    }
    if (only.includes('wait')) {
      results.wait = [await benchWait(1), await benchWait(10), await benchWait(50), await benchWait(200, { iterations: Math.min(runs, 3) })]
      dropNamespaces()
      console.log('wait', JSON.stringify(results.wait.map((r: any) => ({ deployments: r.deployments, overhead: r.overheadMedianMs, total: r.totalMedianMs, ratio: r.totalRatio, detection: r.detectionMedianMs }))))
    }
    if (only.includes('start')) {
      results.coldStart = await benchColdStart()
      console.log('start', JSON.stringify({ ...results.coldStart, samples: undefined }))
    }
    if (only.includes('redeploy')) {
      results.redeploy = await benchRedeploy()
      console.log('redeploy', JSON.stringify({ ...results.redeploy, samples: undefined }))
    }
    if (only.includes('partial')) {
      results.partialRedeploy = await benchPartialRedeploy()
      dropNamespaces()
      console.log('partial', JSON.stringify({ ...results.partialRedeploy, samples: undefined }))
    }
    if (only.includes('bluegreen')) {
      results.blueGreen = await benchBlueGreenSwitch()
      dropNamespaces()
      console.log('bluegreen', JSON.stringify({ ...results.blueGreen, samples: undefined }))
    }
    if (only.includes('build')) {
      if (!appManifests) await benchRedeploy().then(r => (results.redeploy ??= r))
      results.build = await benchBuild()
      console.log('build', JSON.stringify({ ...results.build, samples: undefined }))
    }
  } finally {
    dropNamespaces()
  }
  results.coldEnvironment = coldEnvironment()
  mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  const latest = path.join(root, 'bench/results/latest.json')
  // A run of some parts (BENCH_ONLY) keeps the other parts' figures from the last run, saying from when.
  const previous = existsSync(latest) ? JSON.parse(readFileSync(latest, 'utf8')) : {}
  results.carriedOver = {}
  for (const part of ['apply', 'wait', 'coldStart', 'redeploy', 'partialRedeploy', 'blueGreen', 'build']) {
    if (results[part] !== undefined || previous[part] === undefined) continue
    results[part] = previous[part]
    results.carriedOver[part] = previous.carriedOver?.[part] ?? previous.date
  }
  writeFileSync(latest, JSON.stringify(results, null, 2) + '\n')
  const md: string[] = [`# Benchmarks, ${results.date}`, '', `${results.machine}; Kubernetes ${results.kubernetes} (kwok nodes); median of ${runs} runs each.`, '']
  const carried = Object.entries(results.carriedOver as Record<string, string>)
  if (carried.length > 0) md.push(`Not re-run this time, figures from earlier runs: ${carried.map(([part, date]) => `${part} (${date})`).join(', ')}.`, '')
  if (results.apply) {
    md.push(
      '## Apply',
      '',
      'The action validates everything with a strict server-side dry run before it writes anything. "dry-run: true" is the action with that input: the validation pass, plus a read of each live object to show its changes (so an upper bound of the pass). "Control plane CPU" is the CPU time etcd, kube-apiserver, controller-manager, scheduler and kwok used during kubectl\'s apply; divided by the cores it is the least time any client needs for these objects here, shown as a ratio to kubectl\'s time ("floor").',
      ''
    )
    const before = results.apply.some((r: any) => r.medianMs.actionBefore !== undefined)
    md.push(
      `| objects | runs | action${before ? ' (before → after)' : ''} | dry-run: true | kubectl apply --server-side | kubectl apply | ratio vs SSA${before ? ' (before → after)' : ''} | ratio vs client-side | control plane CPU (kubectl SSA) | floor ratio vs SSA | max RSS: action${before ? ' (before → after)' : ''} | max RSS: kubectl SSA |`,
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
    )
    const mib = (kib?: number): string => (kib === undefined ? '–' : `${round(kib / 1024)} MiB`)
    const pair = (b: unknown, a: unknown, unit = ''): string => (b === undefined ? `${a}${unit}` : `${b}${unit} → ${a}${unit}`)
    const reapplyRows = results.apply.filter((r: any) => r.medianMs.reapply !== undefined)
    const reapplyTable = reapplyRows.length
      ? [
          '',
          'Re-apply: the same manifests again in the same namespace, the action under a new commit (so only the workloads\' commit records change) and kubectl as it is (a no-op).',
          '',
          '| objects | action re-apply | kubectl apply --server-side again | ratio |',
          '| --- | --- | --- | --- |',
          ...reapplyRows.map((r: any) => `| ${r.objects} | ${pair(r.medianMs.reapplyBefore, r.medianMs.reapply, ' ms')} | ${r.medianMs.kubectlReapply} ms | ${round(r.medianMs.reapply / r.medianMs.kubectlReapply, 3)} |`)
        ]
      : []
    for (const r of results.apply) {
      md.push(
        `| ${r.objects} | ${r.iterations ?? runs} | ${pair(r.medianMs.actionBefore, r.medianMs.action, ' ms')} | ${r.medianMs.actionDryRunOnly ?? '–'}${r.medianMs.actionDryRunOnly ? ' ms' : ''} | ${r.medianMs.kubectlServerSide} ms | ${r.medianMs.kubectlClientSide ?? '–'}${r.medianMs.kubectlClientSide ? ' ms' : ''} | ${pair(r.ratio.beforeVsServerSide, r.ratio.vsServerSide)} | ${r.ratio.vsClientSide ?? '–'} | ${r.clusterCpuMsKubectl ?? '–'} ms | ${r.floorRatioVsServerSide ?? '–'} | ${r.maxRssKiB ? (r.maxRssKiB.actionBefore !== undefined ? `${mib(r.maxRssKiB.actionBefore)} → ` : '') + mib(r.maxRssKiB.action) : '–'} | ${mib(r.maxRssKiB?.kubectlServerSide)} |`
      )
    }
    md.push(...reapplyTable)
    md.push('')
  }
  if (results.wait) {
    md.push('## Waiting', '', 'Overhead: from the moment the last Deployment met the completion rule (seen by the bench\'s own watch) to the end of the command. Total: apply and wait, start to end.', '')
    const before = results.wait.some((r: any) => r.totalMedianMs.actionBefore !== undefined)
    const mib = (kib?: number): string => (kib === undefined ? '–' : `${round(kib / 1024)} MiB`)
    md.push(
      `| Deployments | overhead: action | kubectl rollout status, one by one | 1 s polling | total: action${before ? ' (before → after)' : ''} | kubectl one by one | polling | total ratio vs one by one | detection median | max RSS: action${before ? ' (before → after)' : ''} | max RSS: kubectl apply / rollout status |`,
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
    )
    for (const r of results.wait) {
      const total = r.totalMedianMs.actionBefore !== undefined ? `${r.totalMedianMs.actionBefore} ms → ${r.totalMedianMs.action} ms` : `${r.totalMedianMs.action} ms`
      const rss = r.maxRssKiB ? (r.maxRssKiB.actionBefore !== undefined ? `${mib(r.maxRssKiB.actionBefore)} → ` : '') + mib(r.maxRssKiB.action) : '–'
      md.push(
        `| ${r.deployments} | ${r.overheadMedianMs.action} ms | ${r.overheadMedianMs.kubectlSequential} ms | ${r.overheadMedianMs.polling} ms | ${total} | ${r.totalMedianMs.kubectlSequential} ms | ${r.totalMedianMs.polling} ms | ${r.totalRatio.vsKubectlSequential} | ${r.detectionMedianMs} ms (${r.detectionSamples} samples) | ${rss} | ${r.maxRssKiB ? `${mib(r.maxRssKiB.kubectlApply)} / ${mib(r.maxRssKiB.kubectlRolloutStatus)}` : '–'} |`
      )
    }
    md.push('')
  }
  if (results.coldStart) {
    const c = results.coldStart
    const was = (key: 'toFirstApiRequestMedianMs' | 'toFirstWriteMedianMs'): string => (c.before ? ` (before: ${c.before[key]} ms)` : '')
    md.push(
      '## Start',
      '',
      `With V8's compile cache warm (a later run on the same runner): start to first API request ${c.toFirstApiRequestMedianMs} ms${was('toFirstApiRequestMedianMs')}, to the first write (the dry-run apply, after credentials, discovery, the namespace check and reading the manifests) ${c.toFirstWriteMedianMs} ms${was('toFirstWriteMedianMs')}. ` +
        (c.coldCache ? `With it empty (a fresh runner): ${c.coldCache.toFirstApiRequestMedianMs} ms and ${c.coldCache.toFirstWriteMedianMs} ms. ` : '') +
        `Bare \`node -e 0\`: ${c.bareNodeStartMedianMs} ms. A loopback stand-in answers discovery and the namespace and refuses the write; median of ${c.samples.toFirstRequest.length} runs each. dist/: ${c.distBytes} bytes; dist/index.js (the loader, which imports the bundle after turning the cache on): ${c.mainBundleBytes} bytes.`,
      ''
    )
  }
  if (results.redeploy) md.push('## Redeploy of an existing SHA', '', `Action (skip-existing, apply, wait): ${results.redeploy.medianMs} ms; kubectl apply --server-side + rollout status of the same manifests: ${results.redeploy.kubectlApplyAndStatusMedianMs} ms; ratio ${results.redeploy.ratio}.`, '')
  if (results.partialRedeploy) {
    const r = results.partialRedeploy
    md.push(
      '## Redeploy where one of three workloads changed',
      '',
      `Three Deployments of 3 replicas; a new commit changes only a's image (mode apply, a new SHA each run). Action: ${r.medianMs} ms; kubectl apply --server-side + rollout status of a, b and c: ${r.kubectlApplyAndStatusMedianMs} ms; ratio ${r.ratio}. Pods restarted (most in any run): action a ${r.podsRestarted.a}, b ${r.podsRestarted.b}, c ${r.podsRestarted.c}; kubectl a ${r.podsRestarted.kubectlA}, b and c ${r.podsRestarted.kubectlOthers}.`,
      ''
    )
  }
  if (results.blueGreen) {
    const r = results.blueGreen
    md.push(
      '## Blue-green: new colour ready → traffic switched',
      '',
      `3 replicas behind one Service, no verify gate; the bench's own watches see the new colour's Deployment complete and the Service's selector turn: ${r.readyToSwitchedMedianMs} ms (samples ${r.samples.readyToSwitched.join(', ')} ms). Whole deploy: ${r.deployMedianMs} ms.`,
      ''
    )
  }
  if (results.build) {
    md.push(
      '## Build (example/api and example/web in one step, through the action, mode build)',
      '',
      `First build (cold builder cache, base images present) + push of both: ${results.build.firstBuildMedianMs} ms; rebuild after a source-only change of the API: ${results.build.rebuildAfterSourceChangeMedianMs} ms; plain cold \`docker build\` of both, no push: ${results.build.plainDockerBuildMedianMs} ms. Image sizes: api ${results.build.imageBytes.api} bytes, web ${results.build.imageBytes.web} bytes.`,
      ''
    )
  }
  if (results.coldEnvironment?.builds.length) {
    md.push(
      '## Cold environment: building the binaries',
      '',
      `As scripts/env/build-binaries.sh recorded each build on this machine (${results.coldEnvironment.file}); \`npm run demo\` builds etcd and the Kubernetes and kwok set, \`npm test\` also act and helm.`,
      '',
      '| date | built | fetching modules | compiling | total | cores |',
      '| --- | --- | --- | --- | --- | --- |'
    )
    for (const b of results.coldEnvironment.builds) md.push(`| ${b.date} | ${b.built} | ${b.fetchS} s | ${b.compileS} s | ${b.fetchS + b.compileS} s | ${b.cores} |`)
    md.push('')
  }
  if (results.apply && results.wait && results.coldStart && results.redeploy) {
    md.push('## Targets', '', '| target | measured | met |', '| --- | --- | --- |')
    for (const [name, value, met] of targets(results)) md.push(`| ${name} | ${value} | ${met ? 'yes' : 'no'} |`)
    md.push('')
  }
  writeFileSync(path.join(root, 'bench/results/latest.md'), md.join('\n'))
  console.log(md.join('\n'))
}

await main()
