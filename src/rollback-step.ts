import * as core from '@actions/core'
import { resolveNamespace } from './apply-plan.js'
import { Settings } from './inputs.js'
import { KubeClient } from './kube.js'
import { resolveKubeTarget } from './kubeconfig.js'
import { DeployLock, defaultIdentity } from './lock.js'
import { SourcedObject } from './manifests/documents.js'
import { canUndo, readHistory, undoWorkload, UndoResult, WorkloadRef } from './rollback.js'
import { HistoryRow, historyRows, planControllerRevisionUndo, planDeploymentUndo } from './rollback-plan.js'
import { waitForRollouts, WaitOutcome } from './wait.js'

export interface WorkloadHistory {
  workload: WorkloadRef
  rows: HistoryRow[]
}

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

async function connect(settings: Settings): Promise<KubeClient> {
  const kube = new KubeClient(resolveKubeTarget(settings.kube))
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

export interface ManualRollback {
  restored: UndoResult[]
  waits: WaitOutcome[]
}

/**
 * mode rollback with `previous` or a revision number: every workload of the manifests goes back as with
 * `kubectl rollout undo [--to-revision]`, under the deploy lock, and the rollout is waited on.
 */
export async function rollbackWorkloads(settings: Settings, objects: SourcedObject[], toRevision: number): Promise<ManualRollback> {
  const kube = await connect(settings)
  let lock: DeployLock | undefined
  try {
    const workloads = workloadsOf(objects, settings, kube.namespace)
    if (settings.lock) {
      const holder = { identity: defaultIdentity(settings.run.runUrl), runUrl: settings.run.runUrl, actor: settings.run.actor, sha: settings.run.sha }
      lock = await DeployLock.acquire(kube, settings.namespace ?? kube.namespace ?? 'default', settings.lock.name, holder, settings.lock.timeoutMs, line => core.info(line))
      core.saveState('lock', JSON.stringify({ namespace: lock.namespace, name: lock.name, identity: holder.identity }))
    }
    // Plan every undo before changing any, so an unknown revision or a paused Deployment changes nothing.
    for (const workload of workloads) {
      const { live, replicaSets, revisions } = await readHistory(kube, workload)
      if (workload.kind === 'Deployment') planDeploymentUndo(live, replicaSets, toRevision)
      else planControllerRevisionUndo(workload.kind, live, revisions, toRevision)
    }
    const restored: UndoResult[] = []
    for (const workload of workloads) {
      const result = await undoWorkload(kube, workload, toRevision, settings.fieldManager)
      core.info(result.plan.action === 'skip' ? result.plan.reason : `${workload.kind.toLowerCase()}/${workload.name}: rolled back to revision ${result.plan.revision}`)
      restored.push(result)
    }
    const items = restored
      .filter(r => r.plan.action === 'patch')
      .map(r => ({ apiVersion: 'apps/v1', kind: r.workload.kind, plural: `${r.workload.kind.toLowerCase()}s`, namespace: r.workload.namespace, name: r.workload.name }))
    const waits = settings.wait ? await waitForRollouts(kube, items, { timeoutMs: settings.timeoutMs, log: line => core.info(line) }) : []
    return { restored, waits }
  } finally {
    await lock?.release().catch(error => core.warning(`Could not release the deploy lock: ${(error as Error).message}`))
    kube.close()
  }
}
