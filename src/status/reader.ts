/**
 * One reader per kind, after kstatus (sigs.k8s.io/cli-utils pkg/kstatus/status): everything the action knows of
 * a kind's readiness lives in its reader, so adding a kind is one file, its table test and one line in
 * readers.ts. The wait (wait.ts) and the rollback (src/rollback) ask the reader instead of switching on kinds.
 */
import type { PodLike } from './diagnose.js'

/**
 * Rollout verdicts, mirroring kubectl's rollout status (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go)
 * rule for rule, so "succeeded" here means what `kubectl rollout status` would say.
 */
export type Verdict =
  | { state: 'progressing'; message: string }
  /** note: what the summary should say of an object that counts as ready without proving it. */
  | { state: 'done'; message: string; note?: string }
  | { state: 'failed'; message: string }

export interface WorkloadObject {
  apiVersion?: string
  kind: string
  metadata: { name: string; namespace?: string; generation?: number; annotations?: Record<string, string> }
  spec?: Record<string, unknown>
  status?: Record<string, unknown>
}

export interface StatusContext {
  /** How long the wait has watched the object: a new custom resource gets `statusGraceMs` to report a status. */
  ageMs: number
  /** The PVC's StorageClass volumeBindingMode, once the wait has read it. */
  bindingMode?: string
}

export interface WaitChoice {
  waitForJobs: boolean
  waitForCustomResources: boolean
  /** Off by default: where no load-balancer controller runs, no address ever comes. */
  waitForLoadBalancers: boolean
}

/** What the wait reads for a reader, beside the object and its pods (the wait owns the API calls). */
export interface RevisionLookup {
  /**
   * The `deployment.kubernetes.io/revision` of a ReplicaSet in the object's namespace, or undefined when it
   * cannot be read. `asOf` is the Deployment's revision: a rollback reuses an old ReplicaSet and changes its
   * revision, so the answer is read again once the Deployment's changes.
   */
  replicaSetRevision(name: string, asOf: string): Promise<string | undefined>
}

/** An object that may own a pod: its kind and name (in the pod's namespace). */
export interface PodOwner {
  kind: string
  name: string
}

/** How a kind's pods take part in the wait: they fail it fast, and explain a deadline or a timeout. */
export interface PodRules {
  /** The objects of this kind a pod may belong to, from its name, labels and owner references. */
  ownersOf(pod: PodLike): PodOwner[]
  /** Whether a pod belongs to the object's newest revision; only those can fail a rollout. */
  isNewRevision(object: WorkloadObject, pod: PodLike, lookup: RevisionLookup): Promise<boolean>
  /**
   * False for a kind whose controller retries failed pods itself (a Job, up to its backoffLimit): only the
   * object's verdict fails it, and its pods only explain it.
   */
  failFast: boolean
  /**
   * For a kind explained by its last failed pod (a Job): the label selector of its pods, read when the object
   * failed before any of its pods was seen.
   */
  explainedByLastPod?: (name: string) => string
  /** Set for a Pod: its own events on the pod watch are its object's, judged by its verdict. */
  isThePod?: boolean
}

/** How `kubectl rollout undo` restores a kind: from its ReplicaSets or from its ControllerRevisions. */
export type UndoHistory = 'ReplicaSet' | 'ControllerRevision'

export interface StatusReader {
  /** Whether this reader judges objects of this kind (apiVersion may be missing on recorded objects). */
  supports(apiVersion: string | undefined, kind: string): boolean
  /** Whether the wait waits on this object at all, given what the workflow asked for. */
  waitable(object: { apiVersion: string; kind: string; spec?: unknown }, choice: WaitChoice): boolean
  /** The verdict from the object's status as last seen: pure. */
  verdict(object: WorkloadObject, context: StatusContext): Verdict
  /** The resource name in API paths, for a built-in kind (custom resources find theirs by discovery). */
  plural?: string
  /** Set for a kind `kubectl rollout undo` can roll back. */
  undo?: UndoHistory
  /** Set for a kind whose pods the wait watches. */
  pods?: PodRules
  /** What the verdict needs read besides the object: the claim's StorageClass binding mode. */
  reads?: 'storageClassBindingMode'
}

interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
}

/** The status conditions of any kind, leaving out entries that are not conditions. */
export const conditionsOf = (object: WorkloadObject): Condition[] =>
  ((object.status?.conditions as Condition[] | undefined) ?? []).filter(c => c && typeof c.type === 'string')
export const nameOf = (object: WorkloadObject): string => `${object.kind.toLowerCase()}/${object.metadata.name}`
export const why = (c: Condition): string => [c.reason, c.message].filter(Boolean).join(': ')
export const num = (value: unknown): number => (typeof value === 'number' ? value : 0)

/** A reader for one built-in kind, judged by kind alone (recorded objects and watched pods may lack apiVersion). */
export const ofKind =
  (kind: string) =>
  (_apiVersion: string | undefined, candidate: string): boolean =>
    candidate === kind

/** The owner references of a pod that name an object of this kind. */
export const ownersOfKind = (kind: string, pod: PodLike): PodOwner[] =>
  (pod.metadata.ownerReferences ?? []).filter(o => o.kind === kind).map(o => ({ kind, name: o.name }))

/**
 * Until the controller has observed the latest spec, its revision fields still name the previous revision
 * (after a rollback, the failing one): judge no pod by them yet.
 */
export const specObserved = (object: WorkloadObject): boolean =>
  ((object.status?.observedGeneration as number | undefined) ?? 0) >= (object.metadata.generation ?? 0)
