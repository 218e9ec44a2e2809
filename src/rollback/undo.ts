import type { Cluster, ObjectRef } from '../kube/cluster.js'
import { releaseFields } from '../kube/managed-fields.js'
import { undoHistoryOf } from '../status/readers.js'
import {
  ControllerRevisionLike,
  DeploymentLike,
  planControllerRevisionUndo,
  planDeploymentUndo,
  podsBlockingRollback,
  ReplicaSetLike,
  revisionAnnotation,
  UndoPlan
} from './rollback-plan.js'

export interface WorkloadRef {
  kind: string
  namespace: string
  name: string
}

export interface UndoResult {
  workload: WorkloadRef
  plan: UndoPlan
}

/** The log line of an undo: where the workload went, or why it was left. */
export const describeUndo = (r: UndoResult): string =>
  r.plan.action === 'skip'
    ? r.plan.reason
    : `${r.workload.kind.toLowerCase()}/${r.workload.name}: rolled back to revision ${r.plan.revision}`

/** Whether `kubectl rollout undo` can roll this kind back (its status reader names the history). */
export function canUndo(kind: string): boolean {
  return undoHistoryOf(kind) !== undefined
}

const objectRef = (w: WorkloadRef): ObjectRef => ({
  apiVersion: 'apps/v1',
  kind: w.kind,
  namespace: w.namespace,
  name: w.name
})

interface LiveWorkload extends DeploymentLike {
  spec: DeploymentLike['spec'] & { podManagementPolicy?: string }
  status?: { updateRevision?: string }
  metadata: DeploymentLike['metadata'] & { managedFields?: Array<{ manager?: string; operation?: string }> }
}

interface History {
  live: LiveWorkload
  replicaSets: ReplicaSetLike[]
  revisions: ControllerRevisionLike[]
}

/** The revision history of a workload: its ReplicaSets, or its ControllerRevisions. */
export async function readHistory(kube: Cluster, workload: WorkloadRef): Promise<History> {
  const history = await readHistoryIfExists(kube, workload)
  if (!history)
    throw new Error(
      `${workload.kind.toLowerCase()}/${workload.name} does not exist in namespace ${workload.namespace}.`
    )
  return history
}

/** As readHistory, or undefined when the workload does not exist. */
export async function readHistoryIfExists(kube: Cluster, workload: WorkloadRef): Promise<History | undefined> {
  const live = await kube.get<LiveWorkload>(objectRef(workload))
  if (!live) return undefined
  const { namespace } = workload
  if (undoHistoryOf(workload.kind) === 'ReplicaSet') {
    const list = await kube.list<ReplicaSetLike>({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace })
    return { live, replicaSets: list.items, revisions: [] }
  }
  const list = await kube.list<ControllerRevisionLike>({ apiVersion: 'apps/v1', kind: 'ControllerRevision', namespace })
  return { live, replicaSets: [], revisions: list.items }
}

/** The revision number a workload had, from the object as it was before this run. */
export function revisionBefore(
  kind: string,
  before: Record<string, unknown> | undefined,
  revisions: ControllerRevisionLike[]
): number {
  if (!before) return 0
  const metadata = before.metadata as { annotations?: Record<string, string> }
  if (kind === 'Deployment') return Number(metadata.annotations?.[revisionAnnotation] ?? 0)
  if (kind === 'StatefulSet') {
    const name = (before.status as { updateRevision?: string } | undefined)?.updateRevision
    return revisions.find(r => r.metadata.name === name)?.revision ?? 0
  }
  return 0
}

/**
 * Rolls a workload back as `kubectl rollout undo` does, then hands its fields back: the undo patch is an
 * Update by `<field manager>-rollback`, which would own the template and make the next server-side apply
 * conflict, so that manager's entry is removed from managedFields.
 */
/** `toRevision` is a revision number (0: the previous one), or chosen from the history once it is read. */
export async function undoWorkload(
  kube: Cluster,
  workload: WorkloadRef,
  toRevision: number | ((revisions: ControllerRevisionLike[]) => number),
  fieldManager: string
): Promise<UndoResult> {
  const { live, replicaSets, revisions } = await readHistory(kube, workload)
  const revision = typeof toRevision === 'number' ? toRevision : toRevision(revisions)
  if (revision < 0) {
    return {
      workload,
      plan: {
        action: 'skip',
        revision: 0,
        reason: `${workload.kind.toLowerCase()}/${workload.name}: no revision recorded before this run`
      }
    }
  }
  const plan =
    undoHistoryOf(workload.kind) === 'ReplicaSet'
      ? planDeploymentUndo(live, replicaSets, revision)
      : planControllerRevisionUndo(workload.kind, live, revisions, revision)
  if (plan.action === 'skip') return { workload, plan }
  const manager = `${fieldManager}-rollback`.slice(0, 128)
  await kube.patch(
    objectRef(workload),
    plan.patchType === 'json' ? { type: 'json', body: plan.patch } : { type: 'strategic', body: plan.patch },
    { fieldManager: manager }
  )
  await releaseFields(kube, objectRef(workload), manager)
  if (workload.kind === 'StatefulSet' && plan.patchType === 'strategic') {
    const pods = await kube.list<Parameters<typeof podsBlockingRollback>[1][number]>({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: workload.namespace
    })
    for (const name of podsBlockingRollback(live, pods.items, plan.revisionName)) {
      await kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: workload.namespace, name }).catch(() => undefined)
    }
  }
  return { workload, plan }
}

/** Rolls a workload back to the revision it had before this run (`before` is the object as it was then). */
export async function undoToBefore(
  kube: Cluster,
  workload: WorkloadRef,
  before: Record<string, unknown>,
  fieldManager: string
): Promise<UndoResult> {
  // A DaemonSet records no revision on itself: the previous one (0) is the one before this run.
  if (workload.kind === 'DaemonSet') return undoWorkload(kube, workload, 0, fieldManager)
  return undoWorkload(kube, workload, revisions => revisionBefore(workload.kind, before, revisions) || -1, fieldManager)
}
