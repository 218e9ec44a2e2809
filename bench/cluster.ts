// The bench's side of the cluster: the manifests it applies, its namespaces, and its own watches, which time when
// objects meet kubectl's rules independently of the command measured.
import { ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { baseEnv, kubectlBin, stateDir } from './measure.ts'

/** Synchronous on purpose: where a baseline runs kubectl, the bench's watches see nothing until it returns, as before. */
export function kubectl(args: string[]): string {
  return execFileSync(kubectlBin, args, { env: baseEnv, encoding: 'utf8', maxBuffer: 256 << 20 })
}

export function objectsManifest(count: number, readyDelay?: string): string {
  const docs: string[] = []
  for (let i = 0; i < count; i++) {
    const kind = i % 3
    if (kind === 0) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\ndata: {key: value-${i}}\n`)
    else if (kind === 1)
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}}\nspec:\n  selector: {app: d-${i}}\n  ports: [{port: 80, targetPort: 8080}]\n`
      )
    // No replicas: the apply is what is measured, not thousands of pods behind it.
    else docs.push(deployment(`d-${i}`, 0, readyDelay))
  }
  return docs.join('---\n')
}

export function deployment(name: string, replicas: number, readyDelay?: string): string {
  const annotations = readyDelay ? `\n      annotations: {pod-ready.stage.kwok.x-k8s.io/delay: "${readyDelay}"}` : ''
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata:\n      labels: {app: ${name}}${annotations}\n    spec:\n      containers: [{name: app, image: "bench/app:1"}]\n`
}

export function writeManifest(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-manifests-'))
  writeFileSync(path.join(dir, 'objects.yaml'), text)
  return dir
}

export const applyInputs = (dir: string, namespace: string, extra: Record<string, string> = {}) => ({
  mode: 'apply',
  images: 'bench/app=bench/app:2',
  manifests: dir,
  namespace,
  wait: 'false',
  ...extra
})

let counter = 0
const namespaceName = (prefix: string): string =>
  `bench-${prefix}-${Date.now().toString(36)}${(counter++).toString(36)}`
const cleanup: string[] = []

/** Deletes the namespaces made so far, so one benchmark's objects do not load the controllers in the next. */
export function dropNamespaces(): void {
  if (cleanup.length)
    execFileSync(kubectlBin, ['delete', 'namespace', '--wait=false', '--ignore-not-found', ...cleanup.splice(0)], {
      env: baseEnv,
      stdio: 'ignore'
    })
}

export function freshNamespace(prefix: string): string {
  const name = namespaceName(prefix)
  kubectl(['create', 'namespace', name])
  cleanup.push(name)
  return name
}

/** Waits until the namespaces of earlier parts are gone: their garbage collection would load the next figures. */
export async function settle(): Promise<void> {
  dropNamespaces()
  const deadline = Date.now() + 180_000
  while (
    Date.now() < deadline &&
    kubectl(['get', 'namespaces', '-o', 'jsonpath={.items[*].status.phase}']).includes('Terminating')
  ) {
    await new Promise(resolve => setTimeout(resolve, 1000))
  }
}

const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

/**
 * CPU time (user + system, ms) the local control plane's processes (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok) have used so far: read around a command, it shows how much work the command made the cluster do.
 * Undefined when the cluster is not the local kwok one.
 */
export function clusterCpuMs(): number | undefined {
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

/** Watches Deployments of a namespace and records when each first meets kubectl's completion rule. */
export function completionWatcher(namespace: string): { completedAt: Map<string, number>; stop: () => void } {
  const completedAt = new Map<string, number>()
  const template =
    '{.metadata.name} {.metadata.generation} {.status.observedGeneration} {.spec.replicas} {.status.updatedReplicas} {.status.replicas} {.status.availableReplicas}{"\\n"}'
  const child: ChildProcess = spawn(
    kubectlBin,
    ['-n', namespace, 'get', 'deployments', '--watch', '-o', `jsonpath=${template}`],
    { env: baseEnv }
  )
  let pending = ''
  child.stdout!.on('data', chunk => {
    const at = performance.now()
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) {
      const [name, generation, observed, replicas, updated, current, available] = line.split(' ')
      const n = (s: string) => Number(s || 0)
      const complete =
        n(observed) >= n(generation) &&
        n(updated) >= n(replicas) &&
        n(current) <= n(updated) &&
        n(available) >= n(updated)
      if (complete && !completedAt.has(name)) completedAt.set(name, at)
    }
  })
  return { completedAt, stop: () => child.kill() }
}

/** Each object a kubectl get --watch -o json prints, with the time it arrived. */
export function watchObjects(args: string[]): { seen: Array<{ at: number; object: any }>; stop: () => void } {
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

export async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
