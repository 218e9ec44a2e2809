import * as core from '@actions/core'
import { resolveNamespace } from '../deploy/apply-plan.js'
import { existingImages, substitutionsFor } from '../build/build-step.js'
import { acquireDeployLock, deployManifests, prepareManifests, readManifests } from '../deploy/deploy-step.js'
import { Settings } from '../inputs.js'
import type { RunReport, WorkloadHistory } from '../run-report.js'
import type { Cluster } from '../kube/cluster.js'
import { connect as connectTo, defaultNamespace } from '../kube/connect.js'
import { DeployLock, lockNamespace } from '../deploy/lock.js'
import { SourcedObject } from '../manifests/documents.js'
import { canUndo, describeUndo, readHistory, readHistoryIfExists, undoWorkload, UndoResult, WorkloadRef } from './undo.js'
import { resolveCommitPrefix } from './commit-prefix.js'
import { describeLive } from './live-revision.js'
import { historyLogLines } from './history-log.js'
import { historyRows, planControllerRevisionUndo, planDeploymentUndo, unchangedByLastDeploy } from './rollback-plan.js'
import { waitForRollouts, WaitOutcome } from '../deploy/wait.js'
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
  if (workloads.length === 0) throw new Error('The manifests describe no Deployment, StatefulSet or DaemonSet, so there is nothing with a revision history.')
  return workloads
}

async function connect(settings: Settings): Promise<Cluster> {
  const kube = connectTo(settings.kube, { stallLimitMs: settings.timeoutMs })
  await kube.authenticate()
  return kube
}

export async function readHistories(settings: Settings, objects: SourcedObject[]): Promise<WorkloadHistory[]> {
  const kube = await connect(settings)
  try {
    return await Promise.all(
      workloadsOf(objects, settings, kube.namespace).map(async workload => {
        const { live, replicaSets, revisions } = await readHistory(kube, workload)
        return { workload, rows: historyRows(workload.kind, live, replicaSets, revisions) }
      })
    )
  } finally {
    kube.close()
  }
}

/**
 * The full SHA a `rollback-to` prefix names, from the revisions of the manifests' workloads (as the strategy
 * names them: under blue-green, both colours of each Deployment).
 */
async function resolveRollbackCommit(settings: Settings, objects: SourcedObject[], prefix: string): Promise<string> {
  const kube = await connect(settings)
  try {
    const workloads = workloadsOf(objects, settings, kube.namespace).flatMap(strategyNamed(settings.strategy).historyOf)
    const histories: WorkloadHistory[] = []
    for (const workload of workloads) {
      const history = await readHistoryIfExists(kube, workload)
      if (history) histories.push({ workload, rows: historyRows(workload.kind, history.live, history.replicaSets, history.revisions) })
    }
    if (histories.length === 0) throw new Error(`rollback-to '${prefix}': none of ${workloads.map(w => `${w.kind.toLowerCase()}/${w.name}`).join(', ')} exists, so there is no history to find the commit in. Give the full 40-character SHA.`)
    return resolveCommitPrefix(prefix, histories)
  } finally {
    kube.close()
  }
}

/** After a rollback: what runs now, in the log (the summary's history table marks the same rows live). */
async function recordLive(settings: Settings, objects: SourcedObject[], report: RunReport): Promise<void> {
  report.history = await readHistories(settings, objects)
  for (const history of report.history) core.info(describeLive(history))
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
export async function rollbackWorkloads(settings: Settings, objects: SourcedObject[], toRevision: number): Promise<ManualRollback> {
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
      if (workload.kind === 'Deployment') planDeploymentUndo(live, replicaSets, toRevision)
      else planControllerRevisionUndo(workload.kind, live, revisions, toRevision)
      toUndo.push(workload)
    }
    for (const workload of toUndo) restored.push(await undoWorkload(kube, workload, toRevision, settings.fieldManager))
    for (const result of restored) core.info(describeUndo(result))
    if (toUndo.length === 0) core.notice('Nothing to roll back: the last deploy changed no workload of the manifests.')
    const items = restored
      .filter(r => r.plan.action === 'patch')
      .map(r => ({ apiVersion: 'apps/v1', kind: r.workload.kind, plural: `${r.workload.kind.toLowerCase()}s`, namespace: r.workload.namespace, name: r.workload.name }))
    const waits = settings.wait ? await waitForRollouts(kube, items, { timeoutMs: settings.timeoutMs, log: line => core.info(line) }) : []
    return { restored, waits }
  })
}

/**
 * Connects, takes the deploy lock where a deploy of these manifests takes it (lockNamespace), runs `work`, and
 * always releases the lock and closes.
 */
async function underLock<T>(settings: Settings, objects: SourcedObject[], work: (kube: Cluster, namespace: string) => Promise<T>): Promise<T> {
  const kube = await connect(settings)
  let lock: DeployLock | undefined
  try {
    const namespace = defaultNamespace(settings.namespace, kube)
    lock = await acquireDeployLock(kube, settings, lockNamespace(objects.map(o => o.object), settings.namespace, kube.namespace))
    return await work(kube, namespace)
  } finally {
    await lock?.release().catch(error => core.warning(`Could not release the deploy lock: ${(error as Error).message}`))
    kube.close()
  }
}

/** mode rollback under a strategy with its own way back (blue-green: the Services go back to the other colour), under the deploy lock. */
function switchTrafficBack(settings: Settings, objects: SourcedObject[], report: RunReport): Promise<void> {
  return underLock(settings, objects, async (kube, namespace) => {
    const { traffic, waits } = await strategyNamed(settings.strategy).switchBack!(kube, objects, namespace, settings)
    report.traffic = traffic
    report.waits = waits
    const failed = waits.filter(w => w.state !== 'succeeded')
    if (failed.length > 0) throw new Error(`The switch back did not happen: the other colour's rollout failed:\n${failed.map(w => w.message).join('\n')}`)
  })
}

/** mode abort: the canary of the manifests is deleted under the deploy lock; the stable version stays. */
export async function abortMode(settings: Settings, report: RunReport): Promise<string> {
  const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
  await underLock(settings, manifests.objects, async (kube, namespace) => {
    report.traffic = await core.group('Abort the canary', () => strategyNamed(settings.strategy).abort!(kube, manifests.objects, namespace))
  })
  return manifests.file
}

/** mode rollback: redeploy a commit's image (no rebuild), or undo each workload's last rollout. */
export async function rollbackMode(settings: Settings, report: RunReport): Promise<string | undefined> {
  const target = settings.rollbackTo!
  if (target.kind === 'sha') {
    let sha = target.sha
    if (sha.length < 40) {
      const asWritten = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
      sha = await resolveRollbackCommit(settings, asWritten.objects, sha)
      core.info(`rollback-to ${target.sha}: commit ${sha}`)
    }
    const atCommit: Settings = { ...settings, run: { ...settings.run, sha } }
    report.images = await existingImages(atCommit)
    const manifests = await readManifests(atCommit, substitutionsFor(report.images))
    const file = await deployManifests(atCommit, report, manifests)
    if (strategyNamed(settings.strategy).liveUnderManifestNames) await recordLive(settings, manifests.objects, report)
    return file
  }
  const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
  if (strategyNamed(settings.strategy).switchBack) {
    await core.group('Switch back', () => switchTrafficBack(settings, manifests.objects, report))
    return manifests.file
  }
  const started = Date.now()
  const result = await core.group('Roll back', () => rollbackWorkloads(settings, manifests.objects, target.kind === 'revision' ? target.revision : 0))
  report.waits = result.waits
  const succeeded = result.waits.every(w => w.state === 'succeeded')
  report.rollback = { restored: result.restored, created: [], deleted: false, notRestored: [], waits: result.waits, durationMs: Date.now() - started, succeeded }
  await recordLive(settings, manifests.objects, report)
  const failed = result.waits.filter(w => w.state !== 'succeeded')
  if (failed.length > 0) throw new Error(`The rollback did not complete:\n${failed.map(w => w.message).join('\n')}`)
  return manifests.file
}
