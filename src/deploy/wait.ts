import { formatDuration } from '../duration.js'
import { blockingLine, DeployedObjects, diagnosePod, PodFailure, PodLike, replicaFailure, stuckPod, WarningEvent } from './diagnose.js'
import { retryDelayMs } from '../kube/retry.js'
import type { Cluster, CollectionRef, ListQuery } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import { rolloutVerdict, Verdict, WorkloadObject } from './rollout.js'

/** A workload to wait on, as it stood right after the apply. */
export interface WaitItem {
  apiVersion: string
  kind: string
  plural: string
  namespace?: string
  name: string
}

export interface Diagnosis extends PodFailure {
  events: string[]
  logs: string[]
}

export interface WaitOutcome {
  item: WaitItem
  state: 'succeeded' | 'failed' | 'timed-out' | 'stopped'
  message: string
  durationMs: number
  diagnosis?: Diagnosis
  /** Said in the summary of an object counted ready without proof (no status reported). */
  note?: string
}

export interface WaitOptions {
  timeoutMs: number
  log: (line: string) => void
  signal?: AbortSignal
  /** What this deploy wrote (deployedKey): a pod refused for want of one of these is retried, not a failure. */
  deployed?: DeployedObjects
  /** How often a line names what blocks each unfinished rollout; 15 s unless a test says otherwise. */
  progressEveryMs?: number
}

const itemKey = (kind: string, namespace: string | undefined, name: string): string => `${kind}/${namespace ?? ''}/${name}`
const describe = (item: WaitItem): string => `${item.kind.toLowerCase()}/${item.name}`

interface Tracked {
  item: WaitItem
  object?: WorkloadObject
  verdict?: Verdict
  outcome?: WaitOutcome
  /** Pods of this workload, by name, as last seen. */
  pods: Map<string, PodLike>
  /** The last line logged for pods refused until an object of this deploy exists, so it is said once. */
  awaitingLine?: string
  /** Why it had not finished when the timeout struck: a stuck pod of the new revision. */
  timeoutDiagnosis?: Diagnosis
  /** A PVC's StorageClass volumeBindingMode, read once ('unknown' when it cannot be read). */
  bindingMode?: string
  readingBindingMode?: boolean
  /** Set once a failed verdict is being explained, so the 1 s re-judging does not gather its details again. */
  explaining?: boolean
}

/** Kinds whose pods the wait watches, to fail fast on them and to explain a timeout. */
const podOwners = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'Job'])

/**
 * Waits on every workload at once with one watch per namespace and resource (never polling), evaluating
 * kubectl's rollout rules on each event, and fails fast when a pod of the new revision is in a state that
 * waiting will not fix. Dropped watches resume from the last resourceVersion; 410 Gone re-lists.
 */
export async function waitForRollouts(kube: Cluster, items: WaitItem[], options: WaitOptions): Promise<WaitOutcome[]> {
  const started = Date.now()
  const tracked = new Map<string, Tracked>()
  for (const item of items) tracked.set(itemKey(item.kind, item.namespace, item.name), { item, pods: new Map() })
  if (tracked.size === 0) return []

  const stop = new AbortController()
  // The stuck pods are read before the watches stop, so the timeout names why, as a progress deadline does.
  const timer = setTimeout(() => void explainTimeout().finally(() => stop.abort(new Error('timeout'))), options.timeoutMs)
  options.signal?.addEventListener('abort', () => stop.abort(options.signal!.reason), { once: true })
  const replicaSetRevisions = new Map<string, Promise<string | undefined>>()
  let settle: () => void
  const allSettled = new Promise<void>(resolve => (settle = resolve))
  const pendingDiagnoses = new Set<string>()
  /** For a read beside the watches (a StorageClass, a Job's pods, events): bounded, and ended with the wait. */
  const briefly = (): AbortSignal => AbortSignal.any([stop.signal, AbortSignal.timeout(5000)])

  const finish = (entry: Tracked, outcome: Omit<WaitOutcome, 'item' | 'durationMs'>): void => {
    if (entry.outcome) return
    entry.outcome = { item: entry.item, durationMs: Date.now() - started, ...outcome }
    options.log(`${outcome.state === 'succeeded' ? '✓' : '✗'} ${outcome.message} (${formatDuration(entry.outcome.durationMs)})`)
    if (outcome.state === 'failed') stop.abort(new Error('failed'))
    if ([...tracked.values()].every(t => t.outcome)) settle()
  }

  const evaluate = (entry: Tracked): void => {
    if (entry.outcome || !entry.object) return
    if (entry.item.kind === 'PersistentVolumeClaim' && entry.bindingMode === undefined) void readBindingMode(entry)
    const verdict = rolloutVerdict({ ...entry.object, apiVersion: entry.item.apiVersion }, { ageMs: Date.now() - started, bindingMode: entry.bindingMode })
    // A finished rollout is said once, by finish (with its ✓ and time).
    if (verdict.message !== entry.verdict?.message && verdict.state !== 'done') options.log(verdict.message)
    entry.verdict = verdict
    if (verdict.state === 'done') return finish(entry, { state: 'succeeded', message: verdict.message, ...(verdict.note ? { note: verdict.note } : {}) })
    if (verdict.state === 'failed') {
      if (!entry.explaining) void explainFailure(entry, verdict.message)
      entry.explaining = true
      return
    }
    const cannotCreate = replicaFailure(entry.object, options.deployed)
    if (cannotCreate?.awaiting) {
      const line = `${describe(entry.item)}: pods wait for ${cannotCreate.awaiting} of this deploy (${cannotCreate.reason}); the controller retries them`
      if (line !== entry.awaitingLine) options.log(line)
      entry.awaitingLine = line
    } else if (cannotCreate) {
      return finish(entry, { state: 'failed', message: `${describe(entry.item)} cannot create pods: ${cannotCreate.reason}: ${cannotCreate.message}` })
    }
    void diagnosePods(entry)
  }

  /** Whether a pod belongs to the workload's newest revision; only those can fail a rollout. */
  const isNewRevision = async (entry: Tracked, pod: PodLike): Promise<boolean> => {
    const object = entry.object
    if (!object) return false
    const labels = pod.metadata.labels ?? {}
    // Until the controller has observed the latest spec, its revision fields still name the previous revision
    // (after a rollback, the failing one): judge no pod by them yet.
    const generation = object.metadata.generation ?? 0
    const observed = (object.status?.observedGeneration as number | undefined) ?? 0
    if ((entry.item.kind === 'Deployment' || entry.item.kind === 'StatefulSet') && observed < generation) return false
    switch (entry.item.kind) {
      case 'StatefulSet':
        return !!object.status?.updateRevision && labels['controller-revision-hash'] === object.status.updateRevision
      case 'DaemonSet':
        return labels['pod-template-generation'] === String(object.metadata.generation)
      case 'Deployment': {
        const owner = pod.metadata.ownerReferences?.find(o => o.kind === 'ReplicaSet')
        const revision = object.metadata.annotations?.['deployment.kubernetes.io/revision']
        if (!owner || !revision) return false
        const cacheKey = `${entry.item.namespace}/${owner.name}@${revision}`
        let rsRevision = replicaSetRevisions.get(cacheKey)
        if (!rsRevision) {
          rsRevision = kube
            .get<{ metadata: { annotations?: Record<string, string> } }>({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: entry.item.namespace, name: owner.name }, { signal: stop.signal })
            .then(rs => rs?.metadata.annotations?.['deployment.kubernetes.io/revision'])
            .catch(() => undefined)
          replicaSetRevisions.set(cacheKey, rsRevision)
        }
        return (await rsRevision) === revision
      }
      default:
        return true
    }
  }

  const diagnosePods = async (entry: Tracked): Promise<void> => {
    // A Job retries a failed pod up to its backoffLimit: only its Failed condition fails it (then explained).
    if (entry.item.kind === 'Job') return
    for (const pod of entry.pods.values()) {
      const failure = diagnosePod(pod, Date.now())
      if (!failure || entry.outcome) continue
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`
      if (pendingDiagnoses.has(key) || !(await isNewRevision(entry, pod))) continue
      pendingDiagnoses.add(key)
      const diagnosis = await gatherDetails(kube, pod, failure)
      finish(entry, {
        state: 'failed',
        message: `${describe(entry.item)}: pod ${failure.pod}${failure.container ? ` container ${failure.container}` : ''} is ${failure.reason}`,
        diagnosis
      })
      return
    }
  }

  /** A claim waiting for its first consumer is ready as it stands: only its StorageClass says so. */
  const readBindingMode = async (entry: Tracked): Promise<void> => {
    if (entry.readingBindingMode) return
    entry.readingBindingMode = true
    type StorageClass = { metadata: { name: string; annotations?: Record<string, string> }; volumeBindingMode?: string }
    const className = (entry.object?.spec as { storageClassName?: string } | undefined)?.storageClassName
    const signal = briefly()
    try {
      const storageClass = className
        ? await kube.get<StorageClass>({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: className }, { signal })
        : (await kube.list<StorageClass>({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' }, {}, { signal })).items.find(c => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
      entry.bindingMode = storageClass ? (storageClass.volumeBindingMode ?? 'Immediate') : 'unknown'
    } catch {
      entry.bindingMode = 'unknown'
    }
    evaluate(entry)
  }

  const stuckNewPod = async (entry: Tracked): Promise<{ pod: PodLike; failure: PodFailure } | undefined> => {
    // A failed Job is explained by its last failed pod, with that pod's log; one that failed at once may be seen
    // failed before its pods are: read them.
    const jobPods = async (): Promise<PodLike[]> => {
      if (entry.pods.size > 0) return [...entry.pods.values()].reverse()
      const selector = { labelSelector: `batch.kubernetes.io/job-name=${entry.item.name}` }
      const signal = briefly()
      return kube.list<PodLike>({ apiVersion: 'v1', kind: 'Pod', namespace: entry.item.namespace ?? 'default' }, selector, { signal }).then(l => l.items.reverse(), () => [])
    }
    const pods = entry.item.kind === 'Job' ? await jobPods() : entry.pods.values()
    for (const pod of pods) {
      const failure = stuckPod(pod) ?? (entry.item.kind === 'Job' ? diagnosePod(pod, Date.now()) : undefined)
      if (failure && (await isNewRevision(entry, pod))) return { pod, failure }
    }
    return undefined
  }

  /** A failed rollout (a progress deadline): a pod of the new revision that never turned ready says why. */
  const explainFailure = async (entry: Tracked, message: string): Promise<void> => {
    const stuck = await stuckNewPod(entry)
    finish(entry, { state: 'failed', message, diagnosis: stuck ? await gatherDetails(kube, stuck.pod, stuck.failure) : undefined })
  }

  const explainTimeout = async (): Promise<void> => {
    const explain = async (entry: Tracked): Promise<void> => {
      const stuck = await stuckNewPod(entry)
      if (stuck) entry.timeoutDiagnosis = await gatherDetails(kube, stuck.pod, stuck.failure)
    }
    const unfinished = [...tracked.values()].filter(t => !t.outcome)
    await Promise.race([Promise.allSettled(unfinished.map(explain)), new Promise(resolve => setTimeout(resolve, 8000))])
  }

  /** Every progressEveryMs, one line per unfinished rollout naming what blocks it. */
  const reportProgress = async (): Promise<void> => {
    const unfinished = [...tracked.values()].filter(t => !t.outcome && t.object)
    const warnings = new Map<string, Promise<WarningEvent[]>>()
    const warningsIn = (namespace: string): Promise<WarningEvent[]> => {
      if (!warnings.has(namespace)) {
        const signal = briefly()
        warnings.set(namespace, kube.list<WarningEvent>({ apiVersion: 'v1', kind: 'Event', namespace }, { fieldSelector: 'type=Warning' }, { signal }).then(l => l.items).catch(() => []))
      }
      return warnings.get(namespace)!
    }
    for (const entry of unfinished) {
      const pods: PodLike[] = []
      for (const pod of entry.pods.values()) if (await isNewRevision(entry, pod)) pods.push(pod)
      const blocked = pods.length > 0 ? blockingLine(pods, await warningsIn(entry.item.namespace ?? 'default')) : undefined
      if (entry.outcome || stop.signal.aborted) continue
      options.log(`… ${describe(entry.item)} after ${formatDuration(Date.now() - started)}: ${blocked ?? entry.verdict?.message ?? 'no status observed yet'}`)
    }
  }

  const ownerOf = (pod: PodLike): Tracked | undefined => {
    const ns = pod.metadata.namespace
    const direct = tracked.get(itemKey('Pod', ns, pod.metadata.name))
    if (direct) return direct
    for (const owner of pod.metadata.ownerReferences ?? []) {
      if (owner.kind === 'ReplicaSet') {
        // A Deployment's ReplicaSet is named <deployment>-<pod-template-hash>.
        const hash = pod.metadata.labels?.['pod-template-hash']
        if (hash && owner.name.endsWith(`-${hash}`)) {
          const entry = tracked.get(itemKey('Deployment', ns, owner.name.slice(0, -hash.length - 1)))
          if (entry) return entry
        }
      }
      const entry = tracked.get(itemKey(owner.kind, ns, owner.name))
      if (entry) return entry
    }
    return undefined
  }

  const watchers: Array<Promise<void>> = []
  const groups = new Map<string, WaitItem[]>()
  for (const { item } of tracked.values()) {
    const key = `${item.apiVersion}|${item.plural}|${item.namespace ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), item])
  }
  for (const group of groups.values()) {
    const { apiVersion, kind, namespace } = group[0]
    const query: ListQuery = group.length === 1 ? { fieldSelector: `metadata.name=${group[0].name}` } : {}
    watchers.push(
      watchLoop<WorkloadObject>(kube, { apiVersion, kind, namespace }, query, stop.signal, options.log, (type, object) => {
        const entry = tracked.get(itemKey(object.kind ?? group[0].kind, object.metadata.namespace, object.metadata.name))
        if (!entry) return
        if (type === 'DELETED') return finish(entry, { state: 'failed', message: `${describe(entry.item)} was deleted while waiting for its rollout` })
        entry.object = { ...object, kind: entry.item.kind }
        evaluate(entry)
      })
    )
  }
  const podNamespaces = new Set([...tracked.values()].filter(t => podOwners.has(t.item.kind)).map(t => t.item.namespace ?? 'default'))
  for (const namespace of podNamespaces) {
    watchers.push(
      watchLoop<PodLike>(kube, { apiVersion: 'v1', kind: 'Pod', namespace }, {}, stop.signal, options.log, (type, pod) => {
        const entry = ownerOf(pod)
        if (!entry || entry.outcome) return
        if (type === 'DELETED') entry.pods.delete(pod.metadata.name)
        else entry.pods.set(pod.metadata.name, pod)
        if (entry.item.kind === 'Pod' && type !== 'DELETED') {
          entry.object = { ...(pod as WorkloadObject), kind: 'Pod' }
          evaluate(entry)
        } else void diagnosePods(entry)
      })
    )
  }
  // Unschedulable counts only after 15 s, and a custom resource's grace for a status ends, with no event to mark
  // either: re-judge what is in memory.
  const ticker = setInterval(() => {
    for (const entry of tracked.values()) {
      if (entry.outcome) continue
      if (entry.object) evaluate(entry)
      else if (entry.pods.size > 0) void diagnosePods(entry)
    }
  }, 1000)
  const progress = setInterval(() => void reportProgress(), options.progressEveryMs ?? 15_000)

  await Promise.race([allSettled, new Promise<void>(resolve => stop.signal.addEventListener('abort', () => resolve(), { once: true }))])
  clearTimeout(timer)
  clearInterval(ticker)
  clearInterval(progress)
  const reason = stop.signal.aborted ? String((stop.signal.reason as Error)?.message) : ''
  stop.abort(new Error('done'))
  await Promise.allSettled(watchers)
  for (const entry of tracked.values()) {
    if (entry.outcome) continue
    const last = entry.verdict?.message ?? `${describe(entry.item)}: no status observed`
    if (reason === 'timeout') {
      entry.outcome = { item: entry.item, state: 'timed-out', message: `timed out after ${formatDuration(options.timeoutMs)}: ${last}`, durationMs: Date.now() - started, diagnosis: entry.timeoutDiagnosis }
    } else {
      entry.outcome = { item: entry.item, state: 'stopped', message: `not finished when the wait stopped: ${last}`, durationMs: Date.now() - started }
    }
  }
  return [...tracked.values()].map(t => t.outcome!)
}

/**
 * List, then watch from the list's resourceVersion; on a clean end re-watch from the last version seen, on
 * 410 Gone (or an ERROR event) re-list, on a dropped connection back off and retry, until aborted.
 */
async function watchLoop<T extends { metadata: { resourceVersion?: string; name: string; namespace?: string }; kind?: string }>(
  kube: Cluster,
  collection: CollectionRef,
  query: ListQuery,
  signal: AbortSignal,
  log: (line: string) => void,
  onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T) => void
): Promise<void> {
  const watched = `${collection.kind} watch${collection.namespace ? ` in ${collection.namespace}` : ''}`
  let resourceVersion: string | undefined
  let failures = 0
  while (!signal.aborted) {
    try {
      if (!resourceVersion) {
        const list = await kube.list<T>(collection, query, { signal })
        for (const object of list.items) onEvent('ADDED', object)
        resourceVersion = list.metadata.resourceVersion
      }
      for await (const event of kube.watch<T>(collection, { ...query, resourceVersion, timeoutSeconds: 300 }, signal)) {
        failures = 0
        if (event.type === 'ERROR') {
          const status = event.object as unknown as { code?: number; message?: string }
          if (status.code !== 410) log(`${watched}: ${status.message ?? 'error'}; re-listing`)
          resourceVersion = undefined
          break
        }
        resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion
        if (event.type !== 'BOOKMARK') onEvent(event.type, event.object)
      }
    } catch (error) {
      if (signal.aborted) return
      if (error instanceof KubeApiError && error.statusCode === 410) {
        resourceVersion = undefined
        continue
      }
      failures++
      if (failures === 1 || failures % 10 === 0) log(`${watched} interrupted (${(error as Error).message}); resuming`)
      await new Promise(resolve => setTimeout(resolve, retryDelayMs(Math.min(failures, 5))))
    }
  }
}

// Warnings a kubelet repeats on every pod of some clusters that never explain a failed rollout.
const noiseEvents = new Set(['MissingClusterDNS'])

async function gatherDetails(kube: Cluster, pod: PodLike, failure: PodFailure): Promise<Diagnosis> {
  const ns = pod.metadata.namespace ?? 'default'
  const signal = AbortSignal.timeout(5000)
  const [events, logs] = await Promise.all([
    kube
      .list<{ reason?: string; message?: string; lastTimestamp?: string; eventTime?: string }>(
        { apiVersion: 'v1', kind: 'Event', namespace: ns },
        { fieldSelector: `involvedObject.name=${pod.metadata.name},type=Warning` },
        { signal }
      )
      .then(list =>
        list.items
          .filter(e => !noiseEvents.has(e.reason ?? ''))
          .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
          .slice(-5)
          .map(e => `${e.reason}: ${e.message}`)
      )
      .catch(() => [] as string[]),
    failure.container
      ? kube
          .podLog({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod.metadata.name }, { container: failure.container, tailLines: 20, previous: failure.previousLog || undefined }, { signal })
          .then(text => String(text).split('\n').filter(Boolean))
          .catch(() => [] as string[])
      : Promise.resolve([] as string[])
  ])
  return { ...failure, events, logs }
}
