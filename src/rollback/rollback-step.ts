import * as core from '@actions/core'
import { resolveNamespace } from '../manifests/documents.js'
import type { Settings } from '../settings/types.js'
import type { WorkloadHistory } from './rollback-plan.js'
import type { Cluster } from '../kube/cluster.js'
import { lockNamespace } from '../run/lock.js'
import { withCluster } from '../run/context.js'
import { SourcedObject } from '../manifests/documents.js'
import {
  canUndo,
  describeUndo,
  readHistory,
  readHistoryIfExists,
  undoWorkload,
  UndoResult,
  WorkloadRef
} from './undo.js'
import { resolveCommitPrefix } from './commit-prefix.js'
import { describeLive } from './live-revision.js'
import { historyLogLines } from './history-log.js'
import { historyRows, planControllerRevisionUndo, planDeploymentUndo, unchangedByLastDeploy } from './rollback-plan.js'
import { pluralOf, undoHistoryOf } from '../status/readers.js'
import { waitForRollouts, WaitOutcome } from '../status/wait.js'
import { strategyNamed } from '../strategies/registry.js'

/** The Deployments, StatefulSets and DaemonSets the manifests describe, in their effective namespaces. */
function workloadsOf(objects: SourcedObject[], settings: Settings, contextNamespace?: string): WorkloadRef[] {
  const workloads: WorkloadRef[] = []
  for (const { object, file, document } of objects) {
    if (!canUndo(object.kind)) continue
    const copy = structuredClone(object)
    const problem = resolveNamespace(copy, true, settings.namespace, contextNamespace)
    if (problem) throw new Error(`${file} document ${document} (${object.kind} ${object.metadata.name}): ${problem}`)
    workloads.push({ kind: object.kind, namespace: copy.metadata.namespace!, name: object.metadata.name })
  }
  if (workloads.length === 0)
    throw new Error(
      'The manifests describe no Deployment, StatefulSet or DaemonSet, so there is nothing with a revision history.'
    )
  return workloads
}

export async function readHistories(settings: Settings, objects: SourcedObject[]): Promise<WorkloadHistory[]> {
  return withCluster(settings, ({ kube }) =>
    Promise.all(
      workloadsOf(objects, settings, kube.namespace).map(async workload => {
        const { live, replicaSets, revisions } = await readHistory(kube, workload)
        return { workload, rows: historyRows(workload.kind, live, replicaSets, revisions) }
      })
    )
  )
}

/**
 * The full SHA a `rollback-to` prefix names, from the revisions of the manifests' workloads (as the strategy
 * names them: under blue-green, both colours of each Deployment).
 */
export async function resolveRollbackCommit(
  settings: Settings,
  objects: SourcedObject[],
  prefix: string
): Promise<string> {
  return withCluster(settings, async ({ kube }) => {
    const workloads = workloadsOf(objects, settings, kube.namespace).flatMap(strategyNamed(settings.strategy).historyOf)
    const histories: WorkloadHistory[] = []
    for (const workload of workloads) {
      const history = await readHistoryIfExists(kube, workload)
      if (history)
        histories.push({
          workload,
          rows: historyRows(workload.kind, history.live, history.replicaSets, history.revisions)
        })
    }
    if (histories.length === 0)
      throw new Error(
        `rollback-to '${prefix}': none of ${workloads.map(w => `${w.kind.toLowerCase()}/${w.name}`).join(', ')} exists, so there is no history to find the commit in. Give the full 40-character SHA.`
      )
    return resolveCommitPrefix(prefix, histories)
  })
}

/** After a rollback: what runs now, in the log (the summary's history table marks the same rows live). */
export async function readLiveHistories(settings: Settings, objects: SourcedObject[]): Promise<WorkloadHistory[]> {
  const histories = await readHistories(settings, objects)
  for (const history of histories) core.info(describeLive(history))
  return histories
}

/** mode history prints its table to the log too, as the summary is not where a terminal user (act) looks. */
export function logHistories(histories: WorkloadHistory[]): void {
  for (const line of historyLogLines(histories)) core.info(line)
}

export interface ManualRollback {
  restored: UndoResult[]
  waits: WaitOutcome[]
}

/**
 * mode rollback with `previous` or a revision number: every workload of the manifests goes back as with
 * `kubectl rollout undo [--to-revision]`, under the deploy lock, and the rollout is waited on.
 */
export async function rollbackWorkloads(
  settings: Settings,
  objects: SourcedObject[],
  toRevision: number
): Promise<ManualRollback> {
  return underLock(settings, objects, async kube => {
    const workloads = workloadsOf(objects, settings, kube.namespace)
    // Plan every undo before changing any, so an unknown revision or a paused Deployment changes nothing.
    const restored: UndoResult[] = []
    const toUndo: WorkloadRef[] = []
    for (const workload of workloads) {
      const { live, replicaSets, revisions } = await readHistory(kube, workload)
      const skipped = toRevision === 0 ? unchangedByLastDeploy(workload.kind, live) : undefined
      if (skipped) {
        restored.push({ workload, plan: { action: 'skip', revision: 0, reason: skipped } })
        continue
      }
      if (undoHistoryOf(workload.kind) === 'ReplicaSet') planDeploymentUndo(live, replicaSets, toRevision)
      else planControllerRevisionUndo(workload.kind, live, revisions, toRevision)
      toUndo.push(workload)
    }
    for (const workload of toUndo) restored.push(await undoWorkload(kube, workload, toRevision, settings.fieldManager))
    for (const result of restored) core.info(describeUndo(result))
    if (toUndo.length === 0) core.notice('Nothing to roll back: the last deploy changed no workload of the manifests.')
    const items = restored
      .filter(r => r.plan.action === 'patch')
      .map(r => ({
        apiVersion: 'apps/v1',
        kind: r.workload.kind,
        plural: pluralOf(r.workload.kind),
        namespace: r.workload.namespace,
        name: r.workload.name
      }))
    const waits = settings.wait
      ? await waitForRollouts(kube, items, { timeoutMs: settings.timeoutMs, log: line => core.info(line) })
      : []
    return { restored, waits }
  })
}

/**
 * Connects, takes the deploy lock where a deploy of these manifests takes it (lockNamespace), runs `work`, and
 * always releases the lock and closes.
 */
export function underLock<T>(
  settings: Settings,
  objects: SourcedObject[],
  work: (kube: Cluster, namespace: string) => Promise<T>
): Promise<T> {
  return withCluster(settings, async context => {
    await context.holdLock(
      lockNamespace(
        objects.map(o => o.object),
        settings.namespace,
        context.kube.namespace
      )
    )
    return work(context.kube, context.targetNamespace)
  })
}
