/**
 * Failure diagnosis of the pods of a new revision, after Skaffold's status check and werf/kubedog: these states
 * will not heal by waiting, so the rollout fails at once instead of at its deadline.
 */
export interface PodLike {
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    ownerReferences?: Array<{ kind: string; name: string; uid?: string }>
  }
  spec?: { containers?: Array<{ name: string }>; nodeName?: string }
  status?: {
    phase?: string
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>
    containerStatuses?: ContainerStatus[]
    initContainerStatuses?: ContainerStatus[]
  }
}

interface ContainerState {
  waiting?: { reason?: string; message?: string }
  running?: { startedAt?: string }
  terminated?: { exitCode?: number; reason?: string; message?: string }
}

interface ContainerStatus {
  name: string
  ready?: boolean
  restartCount?: number
  state?: ContainerState
  lastState?: ContainerState
}

export interface PodFailure {
  pod: string
  container?: string
  reason: string
  message: string
  restartCount?: number
  /** Whether the previous container instance's log explains it (a crash loop). */
  previousLog: boolean
}

const fatalWaiting = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'RunContainerError',
  'CreateContainerConfigError',
  'CreateContainerError'
])

/** How long a pod may stay unschedulable before it counts as a failure (kstatus uses the same 15 s). */
export const unschedulableGraceMs = 15_000

export function diagnosePod(pod: PodLike, nowMs: number): PodFailure | undefined {
  const name = pod.metadata.name
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  for (const status of statuses) {
    const waiting = status.state?.waiting
    if (waiting?.reason && fatalWaiting.has(waiting.reason)) {
      const last = status.lastState?.terminated
      const lastWords = last ? ` (last exit code ${last.exitCode ?? '?'}${last.reason ? `, ${last.reason}` : ''})` : ''
      // A crash loop after OOM is an OOM problem, not a crash: name the cause.
      const reason =
        waiting.reason === 'CrashLoopBackOff' && last?.reason === 'OOMKilled' ? 'OOMKilled' : waiting.reason
      return {
        pod: name,
        container: status.name,
        reason,
        message: (waiting.message ?? '') + lastWords,
        restartCount: status.restartCount,
        previousLog: waiting.reason === 'CrashLoopBackOff'
      }
    }
    const terminated = status.state?.terminated
    if (terminated && (terminated.reason === 'OOMKilled' || (terminated.exitCode ?? 0) !== 0)) {
      return {
        pod: name,
        container: status.name,
        reason: terminated.reason === 'OOMKilled' ? 'OOMKilled' : 'Error',
        message: `container exited with code ${terminated.exitCode ?? '?'}${terminated.message ? `: ${terminated.message}` : ''}`,
        restartCount: status.restartCount,
        previousLog: false
      }
    }
  }
  if (pod.status?.phase === 'Failed') {
    return { pod: name, reason: 'PodFailed', message: 'the pod failed', previousLog: false }
  }
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled')
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = scheduled.lastTransitionTime ? Date.parse(scheduled.lastTransitionTime) : nowMs
    if (nowMs - since >= unschedulableGraceMs) {
      return {
        pod: name,
        reason: 'Unschedulable',
        message: scheduled.message ?? 'no node fits the pod',
        previousLog: false
      }
    }
  }
  return undefined
}

/** Objects this deploy writes, as deployedKey gives them: what a refused pod may be waiting for. */
export type DeployedObjects = ReadonlySet<string>
export const deployedKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind.toLowerCase()}/${namespace ?? ''}/${name}`

/**
 * The object an admission refusal names as missing, when this deploy writes it: the controller retries the pod
 * after a back-off, so the rollout is not failed for it (kubectl too waits). The ServiceAccount admission plugin
 * says `serviceaccount "x" not found`, the Priority plugin `no PriorityClass with name x was found`.
 */
export function awaitedDeployedObject(
  message: string,
  namespace: string | undefined,
  deployed: DeployedObjects
): string | undefined {
  const missing =
    /\b([a-z]+) "([^"]+)" not found/.exec(message) ?? /no (PriorityClass) with name (\S+) was found/.exec(message)
  if (!missing) return undefined
  const [, kind, name] = missing
  const found = deployed.has(deployedKey(kind, namespace, name)) || deployed.has(deployedKey(kind, undefined, name))
  return found ? `${kind.toLowerCase()} ${name}` : undefined
}

export interface ReplicaFailure {
  reason: string
  message: string
  /** Set when the failure waits for an object of this deploy (see awaitedDeployedObject): not a failed rollout. */
  awaiting?: string
}

/**
 * A workload whose controller cannot create pods (quota, admission webhook) says so in a ReplicaFailure
 * condition; the Deployment controller copies its ReplicaSet's onto the Deployment. A write conflict on the
 * ResourceQuota object while several pods are created at once ("Operation cannot be fulfilled on resourcequotas
 * ...: the object has been modified") lands there too, but the controller retries it at once: no failure.
 */
export function replicaFailure(
  object: { metadata?: { namespace?: string }; status?: Record<string, unknown> },
  deployed: DeployedObjects = new Set()
): ReplicaFailure | undefined {
  const conditions = (object.status?.conditions ?? []) as Array<{
    type: string
    status: string
    reason?: string
    message?: string
  }>
  const condition = conditions.find(c => c.type === 'ReplicaFailure' && c.status === 'True')
  if (
    !condition ||
    /the object has been modified; please apply your changes to the latest version/.test(condition.message ?? '')
  )
    return undefined
  const failure: ReplicaFailure = { reason: condition.reason ?? 'ReplicaFailure', message: condition.message ?? '' }
  const awaiting = awaitedDeployedObject(failure.message, object.metadata?.namespace, deployed)
  return awaiting ? { ...failure, awaiting } : failure
}

/**
 * A running pod that never became ready (its readiness probe keeps failing): not a failure while the rollout
 * may still progress, but what explains a progress deadline or a timeout. Undefined for a ready pod.
 */
export function notReadyPod(pod: PodLike): PodFailure | undefined {
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready')
  if (!ready || ready.status === 'True' || pod.status?.phase !== 'Running') return undefined
  const container = pod.status?.containerStatuses?.find(c => c.ready === false)
  return {
    pod: pod.metadata.name,
    container: container?.name,
    reason: 'not ready',
    message: ready.message ?? ready.reason ?? 'its readiness probe does not pass',
    restartCount: container?.restartCount,
    previousLog: false
  }
}

/**
 * A pod of the new revision that is not running yet (unscheduled, pulling, creating): what explains a timeout
 * when no pod reached Running. Undefined for a pod past Pending.
 */
export function pendingPod(pod: PodLike): PodFailure | undefined {
  if (pod.status?.phase !== undefined && pod.status.phase !== 'Pending') return undefined
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled')
  if (scheduled?.status === 'False') {
    return {
      pod: pod.metadata.name,
      reason: scheduled.reason ?? 'not scheduled',
      message: scheduled.message ?? '',
      previousLog: false
    }
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  const waiting = statuses.find(s => s.state?.waiting)
  return {
    pod: pod.metadata.name,
    container: waiting?.name,
    reason: waiting?.state?.waiting?.reason ?? 'Pending',
    message: waiting?.state?.waiting?.message ?? '',
    previousLog: false
  }
}

/** What keeps a pod from serving: not running yet, or running and not ready. */
export const stuckPod = (pod: PodLike): PodFailure | undefined => notReadyPod(pod) ?? pendingPod(pod)

/** A Warning event as core/v1 lists it: the API server folds repeats into `count` (events.k8s.io into series). */
export interface WarningEvent {
  involvedObject?: { name?: string }
  reason?: string
  message?: string
  count?: number
  series?: { count?: number }
}

/**
 * One line naming what blocks a rollout's new pods, grouped by state, each with the most repeated warning of
 * its pods (a readiness probe's 404 says more than "not ready"): "2 pods not ready: Readiness probe failed: HTTP
 * probe failed with statuscode: 404 ×12". Undefined when every pod given is ready.
 */
export function blockingLine(pods: PodLike[], events: WarningEvent[]): string | undefined {
  const groups = new Map<string, PodFailure[]>()
  for (const pod of pods) {
    const stuck = stuckPod(pod)
    if (!stuck) continue
    const state =
      stuck.reason === 'not ready'
        ? 'not ready'
        : stuck.reason === 'Unschedulable'
          ? 'unschedulable'
          : `pending (${stuck.reason})`
    groups.set(state, [...(groups.get(state) ?? []), stuck])
  }
  if (groups.size === 0) return undefined
  const parts: string[] = []
  for (const [state, failures] of groups) {
    const names = new Set(failures.map(f => f.pod))
    const repeats = new Map<string, number>()
    for (const event of events) {
      if (!event.involvedObject?.name || !names.has(event.involvedObject.name)) continue
      const text = event.message ?? event.reason ?? ''
      repeats.set(text, (repeats.get(text) ?? 0) + (event.series?.count ?? event.count ?? 1))
    }
    const [top] = [...repeats].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    const detail = top ? `${top[0]} ×${top[1]}` : failures.find(f => f.message)?.message
    parts.push(`${failures.length} pod${failures.length === 1 ? '' : 's'} ${state}${detail ? `: ${detail}` : ''}`)
  }
  return parts.join('; ')
}
