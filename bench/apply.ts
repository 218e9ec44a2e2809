// 1. Apply throughput: the action against kubectl apply (server-side and client-side), and a re-apply of the same
// manifests.
import os from 'node:os'
import {
  applyInputs,
  clusterCpuMs,
  dropNamespaces,
  freshNamespace,
  objectsManifest,
  settle,
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

type Samples = Record<
  | 'action'
  | 'actionBefore'
  | 'actionDryRun'
  | 'kubectlServerSide'
  | 'kubectlClientSide'
  | 'clusterCpuKubectl'
  | 'reapply'
  | 'reapplyBefore'
  | 'kubectlReapply',
  number[]
>
type RssSamples = Record<'action' | 'actionBefore' | 'kubectlServerSide', Array<number | undefined>>

/** The three parts of one iteration: this build, the BENCH_BEFORE one, and kubectl. */
function applyParts(dir: string, samples: Samples, rss: RssSamples, clientSide: boolean): Array<() => Promise<void>> {
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
  return beforeEntry ? [actionPart, beforePart, kubectlPart] : [actionPart, kubectlPart]
}

/**
 * One apply row. `iterations` and `clientSide` keep the large rows affordable: the client-side kubectl and the
 * dry-run-only pass say nothing new at scale.
 */
export async function benchApply(count: number, { iterations = runs, clientSide = true } = {}) {
  const dir = writeManifest(objectsManifest(count))
  const samples: Samples = {
    action: [],
    actionBefore: [],
    actionDryRun: [],
    kubectlServerSide: [],
    kubectlClientSide: [],
    clusterCpuKubectl: [],
    reapply: [],
    reapplyBefore: [],
    kubectlReapply: []
  }
  const rss: RssSamples = { action: [], actionBefore: [], kubectlServerSide: [] }
  const parts = applyParts(dir, samples, rss, clientSide)
  for (let i = 0; i < iterations; i++) {
    // A later part finds the earlier ones' objects live and their controllers still busy: the order rotates.
    for (let p = 0; p < parts.length; p++) await parts[(i + p) % parts.length]()
    // An iteration's namespaces go before the next one: thousands of live objects would load the later runs.
    dropNamespaces()
    await settle()
  }
  return applyRow(count, iterations, clientSide, samples, rss)
}

function applyRow(count: number, iterations: number, clientSide: boolean, samples: Samples, rss: RssSamples) {
  const m = { action: median(samples.action), kubectlServerSide: median(samples.kubectlServerSide) }
  return {
    objects: count,
    iterations,
    medianMs: {
      action: round(m.action),
      ...(beforeEntry ? { actionBefore: round(median(samples.actionBefore)) } : {}),
      ...(clientSide
        ? {
            actionDryRunOnly: round(median(samples.actionDryRun)),
            kubectlClientSide: round(median(samples.kubectlClientSide))
          }
        : {}),
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
    maxRssKiB: {
      action: maxOf(rss.action),
      ...(beforeEntry ? { actionBefore: maxOf(rss.actionBefore) } : {}),
      kubectlServerSide: maxOf(rss.kubectlServerSide)
    },
    // The control plane's own work for kubectl's apply, spread over every core, is a floor for any client: no
    // apply of these objects can finish sooner on this machine, however it sends them.
    ...(samples.clusterCpuKubectl.length
      ? {
          clusterCpuMsKubectl: round(median(samples.clusterCpuKubectl)),
          floorRatioVsServerSide: round(median(samples.clusterCpuKubectl) / os.cpus().length / m.kubectlServerSide, 3)
        }
      : {}),
    samples
  }
}

/** The Apply section of latest.md. */
export function applyMarkdown(rows: any[], runs: number): string[] {
  const md = [
    '## Apply',
    '',
    'The action validates everything with a strict server-side dry run before it writes anything. "dry-run: true" is the action with that input: the validation pass, plus a read of each live object to show its changes (so an upper bound of the pass). "Control plane CPU" is the CPU time etcd, kube-apiserver, controller-manager, scheduler and kwok used during kubectl\'s apply; divided by the cores it is the least time any client needs for these objects here, shown as a ratio to kubectl\'s time ("floor").',
    ''
  ]
  const before = rows.some((r: any) => r.medianMs.actionBefore !== undefined)
  md.push(
    `| objects | runs | action${before ? ' (before → after)' : ''} | dry-run: true | kubectl apply --server-side | kubectl apply | ratio vs SSA${before ? ' (before → after)' : ''} | ratio vs client-side | control plane CPU (kubectl SSA) | floor ratio vs SSA | max RSS: action${before ? ' (before → after)' : ''} | max RSS: kubectl SSA |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  )
  const pair = (b: unknown, a: unknown, unit = ''): string =>
    b === undefined ? `${a}${unit}` : `${b}${unit} → ${a}${unit}`
  const reapplyRows = rows.filter((r: any) => r.medianMs.reapply !== undefined)
  const reapplyTable = reapplyRows.length
    ? [
        '',
        "Re-apply: the same manifests again in the same namespace, the action under a new commit (so only the workloads' commit records change) and kubectl as it is (a no-op).",
        '',
        '| objects | action re-apply | kubectl apply --server-side again | ratio |',
        '| --- | --- | --- | --- |',
        ...reapplyRows.map(
          (r: any) =>
            `| ${r.objects} | ${pair(r.medianMs.reapplyBefore, r.medianMs.reapply, ' ms')} | ${r.medianMs.kubectlReapply} ms | ${round(r.medianMs.reapply / r.medianMs.kubectlReapply, 3)} |`
        )
      ]
    : []
  for (const r of rows) {
    md.push(
      `| ${r.objects} | ${r.iterations ?? runs} | ${pair(r.medianMs.actionBefore, r.medianMs.action, ' ms')} | ${r.medianMs.actionDryRunOnly ?? '–'}${r.medianMs.actionDryRunOnly ? ' ms' : ''} | ${r.medianMs.kubectlServerSide} ms | ${r.medianMs.kubectlClientSide ?? '–'}${r.medianMs.kubectlClientSide ? ' ms' : ''} | ${pair(r.ratio.beforeVsServerSide, r.ratio.vsServerSide)} | ${r.ratio.vsClientSide ?? '–'} | ${r.clusterCpuMsKubectl ?? '–'} ms | ${r.floorRatioVsServerSide ?? '–'} | ${r.maxRssKiB ? (r.maxRssKiB.actionBefore !== undefined ? `${mib(r.maxRssKiB.actionBefore)} → ` : '') + mib(r.maxRssKiB.action) : '–'} | ${mib(r.maxRssKiB?.kubectlServerSide)} |`
    )
  }
  md.push(...reapplyTable)
  md.push('')
  return md
}
