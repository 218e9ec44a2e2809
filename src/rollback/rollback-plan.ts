/**
 * Rollback choices, after kubectl's rollout undo (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go): which
 * revision to return to, and the patch that returns there. Pure, so each rule is table-tested.
 */
import { annotationKeys } from '../manifests/annotate.js'
import { sameValue } from '../manifests/documents.js'
import type { WorkloadRef } from './undo.js'

export interface OwnedObject {
  metadata: {
    name: string
    uid?: string
    annotations?: Record<string, string>
    labels?: Record<string, string>
    creationTimestamp?: string
    ownerReferences?: Array<{ uid?: string; controller?: boolean; kind?: string; name?: string }>
  }
}

export interface DeploymentLike extends OwnedObject {
  spec: { paused?: boolean; template: PodTemplate }
}

export interface ReplicaSetLike extends OwnedObject {
  spec: { template: PodTemplate }
}

export interface ControllerRevisionLike extends OwnedObject {
  revision: number
  data?: { spec?: { template?: PodTemplate & { $patch?: string } } }
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
  spec?: unknown
}

export type JsonPatch = Array<{ op: 'replace' | 'remove' | 'test' | 'add'; path: string; value?: unknown }>

export type UndoPlan =
  | {
      action: 'patch'
      revision: number
      patchType: 'json'
      patch: JsonPatch
      template: PodTemplate
      annotations: Record<string, string>
    }
  | {
      action: 'patch'
      revision: number
      patchType: 'strategic'
      patch: unknown
      template: PodTemplate
      revisionName: string
    }
  | { action: 'skip'; revision: number; reason: string }

export const revisionAnnotation = 'deployment.kubernetes.io/revision'

/** The Deployment's own values of these stay; every other annotation comes from the target ReplicaSet. */
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas'
])

export function isControlledBy(child: OwnedObject, owner: OwnedObject): boolean {
  return (child.metadata.ownerReferences ?? []).some(ref => ref.controller && ref.uid === owner.metadata.uid)
}

function withoutHash(template: PodTemplate): PodTemplate {
  const copy = structuredClone(template)
  if (copy.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash']
  }
  return copy
}

export function replicaSetRevision(rs: OwnedObject): number {
  const value = Number(rs.metadata.annotations?.[revisionAnnotation])
  return Number.isInteger(value) ? value : 0
}

/**
 * Plans `kubectl rollout undo deployment` (to `toRevision`, or the previous revision when 0): refuses a paused
 * Deployment, skips when the current template already matches the target (pod-template-hash ignored), and
 * otherwise replaces the template and the annotations as kubectl does.
 */
export function planDeploymentUndo(
  deployment: DeploymentLike,
  replicaSets: ReplicaSetLike[],
  toRevision = 0
): UndoPlan {
  const name = `deployment/${deployment.metadata.name}`
  if (deployment.spec.paused) {
    throw new Error(`${name} is paused; resume it (kubectl rollout resume ${name}) before rolling back.`)
  }
  const owned = replicaSets.filter(rs => isControlledBy(rs, deployment))
  let target: ReplicaSetLike | undefined
  if (toRevision > 0) {
    target = owned.find(rs => replicaSetRevision(rs) === toRevision)
    if (!target)
      throw new Error(
        `${name} has no revision ${toRevision} in its history (revisions: ${
          owned
            .map(replicaSetRevision)
            .sort((a, b) => a - b)
            .join(', ') || 'none'
        }).`
      )
  } else {
    const sorted = [...owned].sort((a, b) => replicaSetRevision(b) - replicaSetRevision(a))
    target = sorted[1]
    if (!target) throw new Error(`${name} has no previous revision to roll back to (no rollout history).`)
  }
  const revision = replicaSetRevision(target)
  if (sameValue(withoutHash(target.spec.template), withoutHash(deployment.spec.template))) {
    return {
      action: 'skip',
      revision,
      reason: `${name}: skipped rollback (current template already matches revision ${revision})`
    }
  }
  const template = withoutHash(target.spec.template)
  const annotations: Record<string, string> = {}
  for (const key of annotationsToSkip) {
    const value = deployment.metadata.annotations?.[key]
    if (value !== undefined) annotations[key] = value
  }
  for (const [key, value] of Object.entries(target.metadata.annotations ?? {}))
    if (!annotationsToSkip.has(key)) annotations[key] = value
  return {
    action: 'patch',
    revision,
    patchType: 'json',
    template,
    annotations,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations }
    ]
  }
}

/**
 * Plans `kubectl rollout undo` for a StatefulSet or DaemonSet from its ControllerRevisions: the data of the
 * target revision is the strategic merge patch that restores its template.
 */
export function planControllerRevisionUndo(
  kind: string,
  object: OwnedObject & { spec: { template: PodTemplate } },
  revisions: ControllerRevisionLike[],
  toRevision = 0
): UndoPlan {
  const name = `${kind.toLowerCase()}/${object.metadata.name}`
  const history = revisions.filter(r => isControlledBy(r, object)).sort((a, b) => a.revision - b.revision)
  let target: ControllerRevisionLike | undefined
  if (toRevision > 0) {
    target = history.find(r => r.revision === toRevision)
    if (!target)
      throw new Error(
        `${name} has no revision ${toRevision} in its history (revisions: ${history.map(r => r.revision).join(', ') || 'none'}).`
      )
  } else {
    target = history.at(-2)
    if (!target) throw new Error(`${name} has no previous revision to roll back to (no rollout history).`)
  }
  const template = structuredClone(target.data?.spec?.template ?? {})
  delete template.$patch
  if (sameValue(withoutHash(template), withoutHash(object.spec.template))) {
    return {
      action: 'skip',
      revision: target.revision,
      reason: `${name}: skipped rollback (current template already matches revision ${target.revision})`
    }
  }
  // kubectl restores the template only. The commit on the object goes back with it, as a Deployment's does from
  // its ReplicaSet, so that the workload again counts as changed by the deploy that made this revision.
  const commit = template.metadata?.annotations?.[annotationKeys.commit]
  const patch = commit
    ? { ...target.data, metadata: { annotations: { [annotationKeys.commit]: commit } } }
    : target.data
  return {
    action: 'patch',
    revision: target.revision,
    patchType: 'strategic',
    patch,
    template,
    revisionName: target.metadata.name
  }
}

/**
 * Why `rollback-to: previous` leaves a workload alone, or undefined to undo it: each deploy records its commit on
 * the object, and on the pod template only when it changed the template (keepUnchangedTemplate), so a template
 * commit that differs from the object's means the last deploy did not roll this workload.
 */
export function unchangedByLastDeploy(
  kind: string,
  live: OwnedObject & { spec: { template: PodTemplate } }
): string | undefined {
  const deployed = live.metadata.annotations?.[annotationKeys.commit]
  const running = live.spec.template.metadata?.annotations?.[annotationKeys.commit]
  if (!deployed || running === deployed) return undefined
  const pods = running
    ? `its pods are still those of commit ${running.slice(0, 12)}`
    : 'its pods predate build-and-deploy'
  return `${kind.toLowerCase()}/${live.metadata.name}: skipped, the last deploy (commit ${deployed.slice(0, 12)}) did not change it; ${pods}`
}

export interface HistoryRow {
  revision: number
  commit?: string
  images: string[]
  changeCause?: string
  created?: string
  live: boolean
}

const commitOf = (template: PodTemplate | undefined, owner: OwnedObject): string | undefined =>
  template?.metadata?.annotations?.[annotationKeys.commit] ?? owner.metadata.annotations?.[annotationKeys.commit]

const imagesOf = (template: PodTemplate | undefined): string[] =>
  ((template?.spec as { containers?: Array<{ image?: string }> } | undefined)?.containers ?? []).map(c => c.image ?? '')

/** Revisions of a workload, newest first, with the commit each came from and which one is live. */
export function historyRows(
  kind: string,
  live: OwnedObject & { spec: { template: PodTemplate }; status?: { updateRevision?: string } },
  replicaSets: ReplicaSetLike[],
  revisions: ControllerRevisionLike[]
): HistoryRow[] {
  if (kind === 'Deployment') {
    const current = Number(live.metadata.annotations?.[revisionAnnotation] ?? 0)
    return replicaSets
      .filter(rs => isControlledBy(rs, live))
      .map(rs => ({
        revision: replicaSetRevision(rs),
        commit: commitOf(rs.spec.template, rs),
        images: imagesOf(rs.spec.template),
        changeCause: rs.metadata.annotations?.['kubernetes.io/change-cause'],
        created: rs.metadata.creationTimestamp,
        live: replicaSetRevision(rs) === current
      }))
      .sort((a, b) => b.revision - a.revision)
  }
  const owned = revisions.filter(r => isControlledBy(r, live)).sort((a, b) => b.revision - a.revision)
  return owned.map((r, i) => ({
    revision: r.revision,
    commit: commitOf(r.data?.spec?.template, r),
    images: imagesOf(r.data?.spec?.template),
    changeCause: r.metadata.annotations?.['kubernetes.io/change-cause'],
    created: r.metadata.creationTimestamp,
    // A StatefulSet names its live revision; a DaemonSet's is its newest.
    live: kind === 'StatefulSet' ? r.metadata.name === live.status?.updateRevision : i === 0
  }))
}

interface PodOfSet {
  metadata: {
    name: string
    labels?: Record<string, string>
    ownerReferences?: Array<{ uid?: string; controller?: boolean }>
  }
  status?: { conditions?: Array<{ type: string; status: string }> }
}

/**
 * A StatefulSet rolled back from a broken revision does not replace its broken pods by itself: with the
 * OrderedReady policy it waits for them to become Ready first, which they never will. The Kubernetes docs call
 * this a forced rollback and tell to delete those pods; these are the ones.
 */
export function podsBlockingRollback(
  set: OwnedObject & { spec: { podManagementPolicy?: string } },
  pods: PodOfSet[],
  targetRevisionName: string
): string[] {
  if (set.spec.podManagementPolicy === 'Parallel') return []
  return pods
    .filter(pod => isControlledBy(pod, set))
    .filter(pod => pod.metadata.labels?.['controller-revision-hash'] !== targetRevisionName)
    .filter(pod => !pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'))
    .map(pod => pod.metadata.name)
}

/** A workload and its revisions, newest first, as modes history and rollback read them. */
export interface WorkloadHistory {
  workload: WorkloadRef
  rows: HistoryRow[]
}
