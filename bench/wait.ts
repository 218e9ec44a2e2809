// 2 and 3. Waiting and detection: the action's apply and wait against kubectl rollout status one Deployment after
// another and against a 1-second polling loop, timed by the bench's own watch.
import { execFileSync } from 'node:child_process'
import {
  applyInputs,
  completionWatcher,
  deployment,
  dropNamespaces,
  freshNamespace,
  kubectl,
  settle,
  waitUntil,
  writeManifest
} from './cluster.ts'
import {
  action,
  baseEnv,
  beforeEntry,
  kubectlBin,
  maxOf,
  median,
  mib,
  randomSha,
  round,
  runs,
  timed
} from './measure.ts'

interface WaitSamples {
  overhead: Record<'action' | 'kubectlSequential' | 'polling', number[]>
  total: Record<'action' | 'actionBefore' | 'kubectlSequential' | 'polling', number[]>
  rss: Record<'action' | 'actionBefore' | 'kubectlApply' | 'kubectlRolloutStatus', Array<number | undefined>>
  detection: number[]
}

/** Runs `measure` with a completion watch of a fresh namespace; returns when it ended and when the last Deployment completed. */
async function watched(
  prefix: string,
  count: number,
  measure: (namespace: string) => Promise<number>
): Promise<{ endedAt: number; lastCompletedAt: number; completedAt: Map<string, number> }> {
  const namespace = freshNamespace(prefix)
  const watcher = completionWatcher(namespace)
  await new Promise(resolve => setTimeout(resolve, 300))
  const endedAt = await measure(namespace)
  await waitUntil(() => watcher.completedAt.size >= count, 10_000).catch(() => undefined)
  watcher.stop()
  return { endedAt, lastCompletedAt: Math.max(...watcher.completedAt.values()), completedAt: watcher.completedAt }
}

/** The action: apply and wait in one run. */
async function actionWait(dir: string, count: number, s: WaitSamples): Promise<void> {
  const reported = new Map<string, number>()
  let startedAt = 0
  let failure = ''
  let rss: number | undefined
  const { endedAt, lastCompletedAt, completedAt } = await watched('wait', count, async namespace => {
    startedAt = performance.now()
    const run = await action(applyInputs(dir, namespace, { wait: 'true', timeout: '3m' }), randomSha(), {
      rss: true,
      onLine: (line, at) => {
        const match = /^✓ deployment\/(\S+) successfully rolled out/.exec(line)
        if (match) reported.set(match[1], at)
      }
    })
    if (run.code !== 0)
      failure = `action wait failed:\n${run.output
        .split('\n')
        .filter(l => l.startsWith('✗'))
        .join('\n')}\n${run.output.slice(-1500)}`
    rss = run.maxRssKiB
    return run.endedAt
  })
  if (failure) throw new Error(failure)
  s.overhead.action.push(endedAt - lastCompletedAt)
  s.total.action.push(endedAt - startedAt)
  s.rss.action.push(rss)
  for (const [name, at] of reported) if (completedAt.has(name)) s.detection.push(at - completedAt.get(name)!)
}

/** kubectl: apply, then rollout status one Deployment after another, as deploy scripts do. */
async function kubectlSequentialWait(dir: string, count: number, s: WaitSamples): Promise<void> {
  let startedAt = 0
  const { endedAt, lastCompletedAt } = await watched('seq', count, async namespace => {
    startedAt = performance.now()
    const applied = await timed(kubectlBin, ['apply', '--server-side', '-n', namespace, '-f', dir], baseEnv, true)
    if (applied.code !== 0) throw new Error(applied.output)
    s.rss.kubectlApply.push(applied.maxRssKiB)
    for (let d = 0; d < count; d++) {
      // One of them through GNU time, for its memory: its process is like the others.
      if (d > 0)
        execFileSync(kubectlBin, ['-n', namespace, 'rollout', 'status', `deployment/w-${d}`, '--timeout=3m'], {
          env: baseEnv
        })
      else
        s.rss.kubectlRolloutStatus.push(
          (
            await timed(
              kubectlBin,
              ['-n', namespace, 'rollout', 'status', `deployment/w-${d}`, '--timeout=3m'],
              baseEnv,
              true
            )
          ).maxRssKiB
        )
    }
    return performance.now()
  })
  s.overhead.kubectlSequential.push(endedAt - lastCompletedAt)
  s.total.kubectlSequential.push(endedAt - startedAt)
}

/** A 1-second polling loop over kubectl get. */
async function pollingWait(dir: string, count: number, s: WaitSamples): Promise<void> {
  let startedAt = 0
  const { endedAt, lastCompletedAt } = await watched('poll', count, async namespace => {
    startedAt = performance.now()
    execFileSync(kubectlBin, ['apply', '--server-side', '-n', namespace, '-f', dir], { env: baseEnv })
    for (;;) {
      const list = JSON.parse(kubectl(['-n', namespace, 'get', 'deployments', '-o', 'json']))
      const done = list.items.every(
        (d: any) =>
          (d.status.observedGeneration ?? 0) >= d.metadata.generation &&
          (d.status.updatedReplicas ?? 0) >= d.spec.replicas &&
          (d.status.availableReplicas ?? 0) >= d.spec.replicas &&
          (d.status.replicas ?? 0) <= (d.status.updatedReplicas ?? 0)
      )
      if (done && list.items.length === count) break
      await new Promise(resolve => setTimeout(resolve, 1000))
    }
    return performance.now()
  })
  s.overhead.polling.push(endedAt - lastCompletedAt)
  s.total.polling.push(endedAt - startedAt)
}

async function beforeWait(dir: string, s: WaitSamples): Promise<void> {
  if (!beforeEntry) return
  const startedAt = performance.now()
  const run = await action(
    applyInputs(dir, freshNamespace('waitbefore'), { wait: 'true', timeout: '3m' }),
    randomSha(),
    { rss: true, bundle: beforeEntry }
  )
  if (run.code !== 0) throw new Error(`action (BENCH_BEFORE) wait failed:\n${run.output.slice(-1500)}`)
  s.total.actionBefore.push(run.endedAt - startedAt)
  s.rss.actionBefore.push(run.maxRssKiB)
}

export async function benchWait(count: number, { iterations = runs } = {}) {
  const dir = writeManifest(Array.from({ length: count }, (_, i) => deployment(`w-${i}`, 2, '3s')).join('---\n'))
  const s: WaitSamples = {
    overhead: { action: [], kubectlSequential: [], polling: [] },
    total: { action: [], actionBefore: [], kubectlSequential: [], polling: [] },
    rss: { action: [], actionBefore: [], kubectlApply: [], kubectlRolloutStatus: [] },
    detection: []
  }
  for (let i = 0; i < iterations; i++) {
    // The older build runs before this one in even iterations and after it in odd ones.
    if (i % 2 === 0) await beforeWait(dir, s)
    await actionWait(dir, count, s)
    if (i % 2 === 1) await beforeWait(dir, s)
    await kubectlSequentialWait(dir, count, s)
    await pollingWait(dir, count, s)
    dropNamespaces()
    await settle()
  }
  return waitRow(count, s)
}

function waitRow(count: number, { overhead, total, rss, detection }: WaitSamples) {
  const m = {
    action: median(overhead.action),
    kubectlSequential: median(overhead.kubectlSequential),
    polling: median(overhead.polling)
  }
  const t = {
    action: median(total.action),
    kubectlSequential: median(total.kubectlSequential),
    polling: median(total.polling)
  }
  return {
    deployments: count,
    overheadMedianMs: {
      action: round(m.action),
      kubectlSequential: round(m.kubectlSequential),
      polling: round(m.polling)
    },
    // kubectl's overhead is near zero (or below the bench watcher's own latency), so this ratio says little;
    // the wall-time ratio below compares the whole apply-and-wait.
    ratio: { vsKubectlSequential: round(m.action / m.kubectlSequential, 3), vsPolling: round(m.action / m.polling, 3) },
    totalMedianMs: {
      action: round(t.action),
      ...(beforeEntry ? { actionBefore: round(median(total.actionBefore)) } : {}),
      kubectlSequential: round(t.kubectlSequential),
      polling: round(t.polling)
    },
    totalRatio: {
      vsKubectlSequential: round(t.action / t.kubectlSequential, 3),
      vsPolling: round(t.action / t.polling, 3)
    },
    maxRssKiB: {
      action: maxOf(rss.action),
      ...(beforeEntry ? { actionBefore: maxOf(rss.actionBefore) } : {}),
      kubectlApply: maxOf(rss.kubectlApply),
      kubectlRolloutStatus: maxOf(rss.kubectlRolloutStatus)
    },
    detectionMedianMs: detection.length ? round(median(detection)) : null,
    detectionSamples: detection.length,
    samples: { overhead, total }
  }
}

/** The Waiting section of latest.md. */
export function waitMarkdown(rows: any[]): string[] {
  const md = [
    '## Waiting',
    '',
    "Overhead: from the moment the last Deployment met the completion rule (seen by the bench's own watch) to the end of the command. Total: apply and wait, start to end.",
    ''
  ]
  const before = rows.some((r: any) => r.totalMedianMs.actionBefore !== undefined)
  md.push(
    `| Deployments | overhead: action | kubectl rollout status, one by one | 1 s polling | total: action${before ? ' (before → after)' : ''} | kubectl one by one | polling | total ratio vs one by one | detection median | max RSS: action${before ? ' (before → after)' : ''} | max RSS: kubectl apply / rollout status |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  )
  for (const r of rows) {
    const total =
      r.totalMedianMs.actionBefore !== undefined
        ? `${r.totalMedianMs.actionBefore} ms → ${r.totalMedianMs.action} ms`
        : `${r.totalMedianMs.action} ms`
    const rss = r.maxRssKiB
      ? (r.maxRssKiB.actionBefore !== undefined ? `${mib(r.maxRssKiB.actionBefore)} → ` : '') + mib(r.maxRssKiB.action)
      : '–'
    md.push(
      `| ${r.deployments} | ${r.overheadMedianMs.action} ms | ${r.overheadMedianMs.kubectlSequential} ms | ${r.overheadMedianMs.polling} ms | ${total} | ${r.totalMedianMs.kubectlSequential} ms | ${r.totalMedianMs.polling} ms | ${r.totalRatio.vsKubectlSequential} | ${r.detectionMedianMs} ms (${r.detectionSamples} samples) | ${rss} | ${r.maxRssKiB ? `${mib(r.maxRssKiB.kubectlApply)} / ${mib(r.maxRssKiB.kubectlRolloutStatus)}` : '–'} |`
    )
  }
  md.push('')
  return md
}
