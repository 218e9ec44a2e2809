import { formatDuration } from '../format/duration.js'
import {
  blockingLine,
  DeployedObjects,
  diagnosePod,
  PodFailure,
  PodLike,
  replicaFailure,
  stuckPod,
  WarningEvent
} from './diagnose.js'
import type { Cluster, ListQuery } from '../kube/cluster.js'
import { Diagnosis, gatherDetails } from './pod-details.js'
import type { RevisionLookup, StatusReader, Verdict, WorkloadObject } from './reader.js'
import { readerFor, readers, rolloutVerdict } from './readers.js'
import { watchLoop } from './watch.js'

export type { Diagnosis } from './pod-details.js'

/** A workload to wait on, as it stood right after the apply. */
export interface WaitItem {
  apiVersion: string
  kind: string
  plural: string
  namespace?: string
  name: string
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

const itemKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`
const describe = (item: WaitItem): string => `${item.kind.toLowerCase()}/${item.name}`

interface Tracked {
  item: WaitItem
  /** Who judges it; undefined for a built-in kind that is current once applied. */
  reader?: StatusReader
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

/**
 * Waits on every workload at once with one watch per namespace and resource (never polling), evaluating
 * kubectl's rollout rules on each event, and fails fast when a pod of the new revision is in a state that
 * waiting will not fix. Dropped watches resume from the last resourceVersion; 410 Gone re-lists.
 */
export async function waitForRollouts(kube: Cluster, items: WaitItem[], options: WaitOptions): Promise<WaitOutcome[]> {
  const wait = new RolloutWait(kube, items, options)
  return wait.tracked.size === 0 ? [] : wait.run()
}

/** One wait: the workloads it tracks, what it saw of them, and the watches that feed it until it ends. */
class RolloutWait {
  readonly started = Date.now()
  readonly tracked = new Map<string, Tracked>()
  private readonly stop = new AbortController()
  private readonly replicaSetRevisions = new Map<string, Promise<string | undefined>>()
  private readonly pendingDiagnoses = new Set<string>()
  private settle!: () => void
  private readonly allSettled = new Promise<void>(resolve => (this.settle = resolve))

  constructor(
    private readonly kube: Cluster,
    items: WaitItem[],
    private readonly options: WaitOptions
  ) {
    for (const item of items)
      this.tracked.set(itemKey(item.kind, item.namespace, item.name), {
        item,
        reader: readerFor(item.apiVersion, item.kind),
        pods: new Map()
      })
  }

  async run(): Promise<WaitOutcome[]> {
    const { options, stop } = this
    // The stuck pods are read before the watches stop, so the timeout names why, as a progress deadline does.
    const timer = setTimeout(
      () => void this.explainTimeout().finally(() => stop.abort(new Error('timeout'))),
      options.timeoutMs
    )
    options.signal?.addEventListener('abort', () => stop.abort(options.signal!.reason), { once: true })
    const watchers = [...this.watchObjects(), ...this.watchPods()]
    // Unschedulable counts only after 15 s, and a custom resource's grace for a status ends, with no event to
    // mark either: re-judge what is in memory.
    const ticker = setInterval(() => this.rejudge(), 1000)
    const progress = setInterval(() => void this.reportProgress(), options.progressEveryMs ?? 15_000)

    await Promise.race([
      this.allSettled,
      new Promise<void>(resolve => stop.signal.addEventListener('abort', () => resolve(), { once: true }))
    ])
    clearTimeout(timer)
    clearInterval(ticker)
    clearInterval(progress)
    const reason = stop.signal.aborted ? String((stop.signal.reason as Error)?.message) : ''
    stop.abort(new Error('done'))
    await Promise.allSettled(watchers)
    this.closeUnfinished(reason)
    return [...this.tracked.values()].map(t => t.outcome!)
  }

  /** For a read beside the watches (a StorageClass, a Job's pods, events): bounded, and ended with the wait. */
  private briefly(): AbortSignal {
    return AbortSignal.any([this.stop.signal, AbortSignal.timeout(5000)])
  }

  private finish(entry: Tracked, outcome: Omit<WaitOutcome, 'item' | 'durationMs'>): void {
    if (entry.outcome) return
    entry.outcome = { item: entry.item, durationMs: Date.now() - this.started, ...outcome }
    this.options.log(
      `${outcome.state === 'succeeded' ? '✓' : '✗'} ${outcome.message} (${formatDuration(entry.outcome.durationMs)})`
    )
    if (outcome.state === 'failed') this.stop.abort(new Error('failed'))
    if ([...this.tracked.values()].every(t => t.outcome)) this.settle()
  }

  private closeUnfinished(reason: string): void {
    for (const entry of this.tracked.values()) {
      if (entry.outcome) continue
      const last = entry.verdict?.message ?? `${describe(entry.item)}: no status observed`
      const durationMs = Date.now() - this.started
      if (reason === 'timeout') {
        entry.outcome = {
          item: entry.item,
          state: 'timed-out',
          message: `timed out after ${formatDuration(this.options.timeoutMs)}: ${last}`,
          durationMs,
          diagnosis: entry.timeoutDiagnosis
        }
      } else {
        entry.outcome = {
          item: entry.item,
          state: 'stopped',
          message: `not finished when the wait stopped: ${last}`,
          durationMs
        }
      }
    }
  }

  private evaluate(entry: Tracked): void {
    if (entry.outcome || !entry.object) return
    if (entry.reader?.reads === 'storageClassBindingMode' && entry.bindingMode === undefined)
      void this.readBindingMode(entry)
    const verdict = rolloutVerdict(
      { ...entry.object, apiVersion: entry.item.apiVersion },
      { ageMs: Date.now() - this.started, bindingMode: entry.bindingMode }
    )
    // A finished rollout is said once, by finish (with its ✓ and time).
    if (verdict.message !== entry.verdict?.message && verdict.state !== 'done') this.options.log(verdict.message)
    entry.verdict = verdict
    if (verdict.state === 'done')
      return this.finish(entry, {
        state: 'succeeded',
        message: verdict.message,
        ...(verdict.note ? { note: verdict.note } : {})
      })
    if (verdict.state === 'failed') {
      if (!entry.explaining) void this.explainFailure(entry, verdict.message)
      entry.explaining = true
      return
    }
    const cannotCreate = replicaFailure(entry.object, this.options.deployed)
    if (cannotCreate?.awaiting) {
      const line = `${describe(entry.item)}: pods wait for ${cannotCreate.awaiting} of this deploy (${cannotCreate.reason}); the controller retries them`
      if (line !== entry.awaitingLine) this.options.log(line)
      entry.awaitingLine = line
    } else if (cannotCreate) {
      return this.finish(entry, {
        state: 'failed',
        message: `${describe(entry.item)} cannot create pods: ${cannotCreate.reason}: ${cannotCreate.message}`
      })
    }
    void this.diagnosePods(entry)
  }

  private rejudge(): void {
    for (const entry of this.tracked.values()) {
      if (entry.outcome) continue
      if (entry.object) this.evaluate(entry)
      else if (entry.pods.size > 0) void this.diagnosePods(entry)
    }
  }

  /** Whether a pod belongs to the workload's newest revision (its reader says how); only those can fail a rollout. */
  private async isNewRevision(entry: Tracked, pod: PodLike): Promise<boolean> {
    if (!entry.object) return false
    const rules = entry.reader?.pods
    return rules ? rules.isNewRevision(entry.object, pod, this.revisionLookup(entry)) : true
  }

  private revisionLookup(entry: Tracked): RevisionLookup {
    return {
      replicaSetRevision: (name, asOf) => {
        const cacheKey = `${entry.item.namespace}/${name}@${asOf}`
        let rsRevision = this.replicaSetRevisions.get(cacheKey)
        if (!rsRevision) {
          rsRevision = this.kube
            .get<{ metadata: { annotations?: Record<string, string> } }>(
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: entry.item.namespace, name },
              { signal: this.stop.signal }
            )
            .then(rs => rs?.metadata.annotations?.['deployment.kubernetes.io/revision'])
            .catch(() => undefined)
          this.replicaSetRevisions.set(cacheKey, rsRevision)
        }
        return rsRevision
      }
    }
  }

  private async diagnosePods(entry: Tracked): Promise<void> {
    // A Job retries a failed pod up to its backoffLimit: only its Failed condition fails it (then explained).
    if (entry.reader?.pods?.failFast === false) return
    for (const pod of entry.pods.values()) {
      const failure = diagnosePod(pod, Date.now())
      if (!failure || entry.outcome) continue
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`
      if (this.pendingDiagnoses.has(key) || !(await this.isNewRevision(entry, pod))) continue
      this.pendingDiagnoses.add(key)
      const diagnosis = await gatherDetails(this.kube, pod, failure)
      this.finish(entry, {
        state: 'failed',
        message: `${describe(entry.item)}: pod ${failure.pod}${failure.container ? ` container ${failure.container}` : ''} is ${failure.reason}`,
        diagnosis
      })
      return
    }
  }

  /** A claim waiting for its first consumer is ready as it stands: only its StorageClass says so. */
  private async readBindingMode(entry: Tracked): Promise<void> {
    if (entry.readingBindingMode) return
    entry.readingBindingMode = true
    type StorageClass = { metadata: { name: string; annotations?: Record<string, string> }; volumeBindingMode?: string }
    const className = (entry.object?.spec as { storageClassName?: string } | undefined)?.storageClassName
    const signal = this.briefly()
    const kube = this.kube
    try {
      const storageClass = className
        ? await kube.get<StorageClass>(
            { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: className },
            { signal }
          )
        : (
            await kube.list<StorageClass>({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' }, {}, { signal })
          ).items.find(c => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
      entry.bindingMode = storageClass ? (storageClass.volumeBindingMode ?? 'Immediate') : 'unknown'
    } catch {
      entry.bindingMode = 'unknown'
    }
    this.evaluate(entry)
  }

  private async stuckNewPod(entry: Tracked): Promise<{ pod: PodLike; failure: PodFailure } | undefined> {
    // A failed Job is explained by its last failed pod, with that pod's log; one that failed at once may be seen
    // failed before its pods are: read them.
    const explainedByLastPod = entry.reader?.pods?.explainedByLastPod
    const lastPods = async (labelSelector: string): Promise<PodLike[]> => {
      if (entry.pods.size > 0) return [...entry.pods.values()].reverse()
      const selector = { labelSelector }
      const signal = this.briefly()
      return this.kube
        .list<PodLike>({ apiVersion: 'v1', kind: 'Pod', namespace: entry.item.namespace ?? 'default' }, selector, {
          signal
        })
        .then(
          l => l.items.reverse(),
          () => []
        )
    }
    const pods = explainedByLastPod ? await lastPods(explainedByLastPod(entry.item.name)) : entry.pods.values()
    for (const pod of pods) {
      const failure = stuckPod(pod) ?? (explainedByLastPod ? diagnosePod(pod, Date.now()) : undefined)
      if (failure && (await this.isNewRevision(entry, pod))) return { pod, failure }
    }
    return undefined
  }

  /** A failed rollout (a progress deadline): a pod of the new revision that never turned ready says why. */
  private async explainFailure(entry: Tracked, message: string): Promise<void> {
    const stuck = await this.stuckNewPod(entry)
    this.finish(entry, {
      state: 'failed',
      message,
      diagnosis: stuck ? await gatherDetails(this.kube, stuck.pod, stuck.failure) : undefined
    })
  }

  private async explainTimeout(): Promise<void> {
    const explain = async (entry: Tracked): Promise<void> => {
      const stuck = await this.stuckNewPod(entry)
      if (stuck) entry.timeoutDiagnosis = await gatherDetails(this.kube, stuck.pod, stuck.failure)
    }
    const unfinished = [...this.tracked.values()].filter(t => !t.outcome)
    let cap: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled(unfinished.map(explain)),
      new Promise(resolve => (cap = setTimeout(resolve, 8000)))
    ])
    clearTimeout(cap)
  }

  /** Every progressEveryMs, one line per unfinished rollout naming what blocks it. */
  private async reportProgress(): Promise<void> {
    const unfinished = [...this.tracked.values()].filter(t => !t.outcome && t.object)
    const warnings = new Map<string, Promise<WarningEvent[]>>()
    const warningsIn = (namespace: string): Promise<WarningEvent[]> => {
      if (!warnings.has(namespace)) {
        const signal = this.briefly()
        warnings.set(
          namespace,
          this.kube
            .list<WarningEvent>(
              { apiVersion: 'v1', kind: 'Event', namespace },
              { fieldSelector: 'type=Warning' },
              { signal }
            )
            .then(l => l.items)
            .catch(() => [])
        )
      }
      return warnings.get(namespace)!
    }
    for (const entry of unfinished) {
      const pods: PodLike[] = []
      for (const pod of entry.pods.values()) if (await this.isNewRevision(entry, pod)) pods.push(pod)
      const blocked =
        pods.length > 0 ? blockingLine(pods, await warningsIn(entry.item.namespace ?? 'default')) : undefined
      if (entry.outcome || this.stop.signal.aborted) continue
      this.options.log(
        `… ${describe(entry.item)} after ${formatDuration(Date.now() - this.started)}: ${blocked ?? entry.verdict?.message ?? 'no status observed yet'}`
      )
    }
  }

  /** The tracked workload a pod belongs to, as the readers of kinds with pods name its owners. */
  private ownerOf(pod: PodLike): Tracked | undefined {
    const ns = pod.metadata.namespace
    const byReaders = readers.flatMap(r => r.pods?.ownersOf(pod) ?? [])
    // A kind without pod rules (a custom resource) may own pods directly too.
    const direct = pod.metadata.ownerReferences ?? []
    for (const owner of [...byReaders, ...direct]) {
      const entry = this.tracked.get(itemKey(owner.kind, ns, owner.name))
      if (entry) return entry
    }
    return undefined
  }

  /** One watch per apiVersion, resource and namespace; by name when it holds a single object. */
  private watchObjects(): Array<Promise<void>> {
    const groups = new Map<string, WaitItem[]>()
    for (const { item } of this.tracked.values()) {
      const key = `${item.apiVersion}|${item.plural}|${item.namespace ?? ''}`
      groups.set(key, [...(groups.get(key) ?? []), item])
    }
    return [...groups.values()].map(group => {
      const { apiVersion, kind, namespace } = group[0]
      const query: ListQuery = group.length === 1 ? { fieldSelector: `metadata.name=${group[0].name}` } : {}
      return watchLoop<WorkloadObject>(
        this.kube,
        { apiVersion, kind, namespace },
        query,
        this.stop.signal,
        this.options.log,
        (type, object) => {
          const entry = this.tracked.get(
            itemKey(object.kind ?? group[0].kind, object.metadata.namespace, object.metadata.name)
          )
          if (!entry) return
          if (type === 'DELETED')
            return this.finish(entry, {
              state: 'failed',
              message: `${describe(entry.item)} was deleted while waiting for its rollout`
            })
          entry.object = { ...object, kind: entry.item.kind }
          this.evaluate(entry)
        }
      )
    })
  }

  /** One pod watch per namespace of a workload whose reader follows pods. */
  private watchPods(): Array<Promise<void>> {
    const podNamespaces = new Set(
      [...this.tracked.values()].filter(t => t.reader?.pods).map(t => t.item.namespace ?? 'default')
    )
    return [...podNamespaces].map(namespace =>
      watchLoop<PodLike>(
        this.kube,
        { apiVersion: 'v1', kind: 'Pod', namespace },
        {},
        this.stop.signal,
        this.options.log,
        (type, pod) => {
          const entry = this.ownerOf(pod)
          if (!entry || entry.outcome) return
          if (type === 'DELETED') entry.pods.delete(pod.metadata.name)
          else entry.pods.set(pod.metadata.name, pod)
          if (entry.reader?.pods?.isThePod && type !== 'DELETED') {
            entry.object = { ...(pod as WorkloadObject), kind: entry.item.kind }
            this.evaluate(entry)
          } else void this.diagnosePods(entry)
        }
      )
    )
  }
}
