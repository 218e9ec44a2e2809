// What every part of the bench shares: the local environment (through the integration harness's jest-free part),
// running the bundled action and kubectl with their wall time and maximum RSS, and the statistics of the samples.
import { ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { env as localEnv, randomSha } from '../__tests__/integration/local-env.ts'

export { localEnv, randomSha }
export const root = path.resolve(import.meta.dirname, '..')
export const runs = Number(process.env.RUNS ?? 5)
export const stateDir = localEnv.BND_STATE
export const kubectlBin = localEnv.BND_KUBECTL
export const node = path.join(root, 'node_modules/node/bin/node')
export const baseEnv: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: localEnv.KUBECONFIG, PATH: localEnv.PATH }
// BENCH_DIST measures another build of the action (e.g. a worktree of an older commit) against the same kubectl.
const entry = path.resolve(process.env.BENCH_DIST ?? path.join(root, 'dist/index.js'))
// BENCH_BEFORE names an older build too: the apply, wait and start parts then run it beside this one, in the same
// iterations, and report before → after.
export const beforeEntry = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : undefined
// GNU time's %M: the child's maximum resident set size, in KiB.
const gnuTime = '/usr/bin/time'

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
export const round = (n: number, digits = 0): number => Number(n.toFixed(digits))
export const maxOf = (values: Array<number | undefined>): number | undefined =>
  values.some(v => v !== undefined) ? Math.max(...values.filter((v): v is number => v !== undefined)) : undefined
export const mib = (kib?: number): string => (kib === undefined ? '–' : `${round(kib / 1024)} MiB`)

/** Spawns a command; with `rss`, through GNU time, which reports the command's maximum resident set size. */
function spawnMeasured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  rss: boolean
): { child: ChildProcess; maxRssKiB: () => number | undefined } {
  if (!rss || !existsSync(gnuTime))
    return { child: spawn(command, args, { env, cwd: root }), maxRssKiB: () => undefined }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-rss-')), 'rss')
  const child = spawn(gnuTime, ['-f', '%M', '-o', file, command, ...args], { env, cwd: root })
  return {
    child,
    maxRssKiB: () => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim().split('\n').pop()) : undefined)
  }
}

export function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = baseEnv,
  rss = false
): Promise<{ ms: number; code: number; output: string; maxRssKiB?: number }> {
  const started = performance.now()
  const { child, maxRssKiB } = spawnMeasured(command, args, env, rss)
  let output = ''
  child.stdout!.on('data', chunk => (output += chunk))
  child.stderr!.on('data', chunk => (output += chunk))
  return new Promise(resolve =>
    child.on('close', code =>
      resolve({ ms: performance.now() - started, code: code ?? -1, output, maxRssKiB: maxRssKiB() })
    )
  )
}

export interface ActionRun {
  ms: number
  code: number
  output: string
  endedAt: number
  maxRssKiB?: number
}

export interface ActionOptions {
  /** Sees each stdout line as it comes. */
  onLine?: (line: string, at: number) => void
  /** The bundle to run: this build's dist/index.js unless told. */
  bundle?: string
  rss?: boolean
  /** Added to the runner-like environment. */
  env?: NodeJS.ProcessEnv
}

/**
 * Runs the bundled action as a runner would. Not the harness's runAction: the bench times it from
 * performance.now() to the child's close (no leak scan after it), stamps each stdout line as it arrives, can run
 * it under GNU time, and passes the bench's whole environment through.
 */
export function action(
  inputs: Record<string, string>,
  sha: string,
  { onLine, bundle = entry, rss = false, env: extraEnv = {} }: ActionOptions = {}
): Promise<ActionRun> {
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
