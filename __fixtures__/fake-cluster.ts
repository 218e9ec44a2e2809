/**
 * An in-process Kubernetes API server behind the Cluster interface (src/kube/cluster.ts), for unit tests of the
 * applier, the rollout wait, the lock, ApplySet, the strategies and undo without a cluster. It keeps what those rely
 * on as the real server does: one resourceVersion counter, generation bumped by spec changes only, server-side apply
 * with managedFields, conflicts and dry runs, optimistic locking, JSON patch `test`, selectors, watches replayed
 * from a resourceVersion (410 once it is compacted away), and small controllers (controllers.ts) that move
 * Deployments, StatefulSets, DaemonSets and Jobs along in steps a watch can see.
 *
 *   const fake = new FakeCluster({ namespaces: ['shop'] })
 *   fake.failPods('app=web', { reason: 'CrashLoopBackOff', log: 'panic: boom\n' })
 *   await applyAll(fake, ...); await fake.settle()
 *   expect(fake.requests.filter(r => r.verb === 'apply' && !r.dryRun)).toHaveLength(3)
 *
 * Test helpers: seed, object, objectsOf, requests, failNext, failPods / healPods, exceedProgressDeadline,
 * setPodLog, compact (410 for older watches), endWatches, settle (controllers idle), resourceVersion.
 * Left out on purpose: deletionTimestamp and finalizers (a delete removes at once; dependents go in the next
 * controller pass), admission, quota, RBAC beyond SelfSubjectAccessReview (`authorize`), schemas beyond the
 * top-level and spec fields of the common kinds (fake-kinds.ts), conversion between versions (a relabelling).
 */
import type { ServerCapabilities } from '../src/kube/capabilities.js'
import type {
  ApplyObject,
  ApplyOptions,
  CallOptions,
  Cluster,
  CollectionRef,
  DeleteOptions,
  JsonPatchOperation,
  ListQuery,
  ObjectList,
  ObjectRef,
  Patch,
  PodLogQuery,
  ResourceInfo,
  WatchEvent,
  WatchQuery,
  WriteOptions
} from '../src/kube/cluster.js'
import { KubeApiError, type KubeStatus } from '../src/kube/errors.js'
import type { ManagedFieldsEntry } from '../src/kube/managed-fields.js'
import { runControllers, type ControllerHost, type ControllerSwitches, type PodFailure } from './fake-controllers.js'
import {
  canonical,
  clone,
  conflictMessage,
  conflictWith,
  entryId,
  fieldValues,
  formatPath,
  fromFieldsV1,
  isObj,
  mergeApplied,
  removePath,
  strategicMerge,
  toFieldsV1,
  type Conflict,
  type FieldPath,
  type Obj
} from './fake-fields.js'
import {
  applyDefaults,
  builtinKinds,
  crdKind,
  groupVersion,
  splitApiVersion,
  undeclaredFields,
  type KindInfo
} from './fake-kinds.js'
import { fieldMatcher, labelMatcher } from './fake-selectors.js'

export type { PodFailure } from './fake-controllers.js'

export type Verb = 'get' | 'list' | 'watch' | 'apply' | 'create' | 'replace' | 'patch' | 'delete' | 'podLog'

/** One call the fake answered (or refused), for assertions on request counts and dry runs. */
export interface RecordedRequest {
  verb: Verb
  apiVersion: string
  kind: string
  namespace?: string
  name?: string
  /** The REST path the real client would use. */
  path: string
  dryRun?: boolean
  force?: boolean
  fieldManager?: string
  subresource?: string
  query?: WatchQuery
  patchType?: Patch['type']
  preconditions?: DeleteOptions['preconditions']
}

/** A failure to inject: the matching requests after `skip` of them are refused with `status`, `times` times. */
export interface FailureRule {
  verb?: Verb | Verb[]
  kind?: string
  name?: string
  namespace?: string
  /** Only dry runs (true) or only real writes (false). */
  dryRun?: boolean
  status: number
  reason?: string
  message?: string
  /** Matching requests let through first; 0 refuses the next one. */
  skip?: number
  /** How many matching requests are refused; 1 by default. */
  times?: number
}

export interface FakeClusterOptions {
  /** Namespaces that exist from the start, besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[]
  /** The context's default namespace (Cluster.namespace), used for namespaced refs that name none. */
  namespace?: string
  /** Watch history kept, in events; older resourceVersions answer 410 Expired. */
  historyLimit?: number
  /** Controllers to turn off (all run by default). */
  controllers?: Partial<ControllerSwitches>
  /** Node names, for DaemonSets; one node by default. */
  nodes?: string[]
  /** The field manager of writes that name none (the real server takes the User-Agent's first part). */
  defaultFieldManager?: string
  kubeVersion?: string
  /** The clock for timestamps; a fixed start advancing one second per write by default, so tests are deterministic. */
  now?: () => Date
}

interface StoredEvent {
  rv: number
  type: 'ADDED' | 'MODIFIED' | 'DELETED'
  info: KindInfo
  object: Obj
  previous?: Obj
}

interface Watcher {
  info: KindInfo
  namespace?: string
  deliver(event: StoredEvent): void
  end(): void
}

interface Meta {
  name: string
  namespace?: string
  generateName?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  managedFields?: ManagedFieldsEntry[]
  ownerReferences?: Array<{ uid: string; controller?: boolean; kind: string; name: string; apiVersion: string }>
}

const meta = (o: Obj): Meta => o.metadata as Meta

const reasons: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout'
}

const statusBody = (code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatus =>
  ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code
  }) as KubeStatus

const immutableSpecFields: Record<string, string[]> = {
  Job: ['selector', 'template', 'completionMode'],
  Deployment: ['selector'],
  ReplicaSet: ['selector'],
  DaemonSet: ['selector'],
  StatefulSet: ['selector', 'serviceName', 'volumeClaimTemplates', 'podManagementPolicy'],
  Service: ['clusterIP']
}

// A custom resource's KindInfo is made afresh from its CRD at each look-up: kinds compare by group and kind.
const sameKind = (a: KindInfo, b: KindInfo): boolean => a.group === b.group && a.kind === b.kind

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease']

export class FakeCluster implements Cluster {
  readonly server = new URL('https://fake-cluster.test:6443')
  readonly context = 'fake'
  readonly namespace?: string
  /** Every call, in order. */
  readonly requests: RecordedRequest[] = []
  /** Controllers, switchable while a test runs. */
  readonly controllers: ControllerSwitches
  /** Decides SelfSubjectAccessReviews; everything is allowed by default. */
  authorize: (attributes: Obj) => boolean = () => true

  private readonly objects = new Map<string, Obj>()
  private readonly history: StoredEvent[] = []
  private compactedRv = 0
  private rv = 1
  private readonly watchers = new Set<Watcher>()
  private readonly rules: FailureRule[] = []
  private readonly podFailures: Array<{
    matches: (labels: Record<string, string> | undefined) => boolean
    namespace?: string
    failure: PodFailure
  }> = []
  private readonly deadlines = new Set<string>()
  private readonly logs = new Map<string, string>()
  private readonly historyLimit: number
  private readonly defaultFieldManager: string
  private readonly kubeVersion: string
  private readonly nodes: string[]
  private readonly clock: () => Date
  private closed = false
  private uidCounter = 0
  private nameCounter = 0
  private ipCounter = 10
  private reconcileScheduled = false
  private settleWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = []
  private passes = 0

  constructor(options: FakeClusterOptions = {}) {
    this.namespace = options.namespace
    this.historyLimit = options.historyLimit ?? 10_000
    this.defaultFieldManager = options.defaultFieldManager ?? 'unknown'
    this.kubeVersion = options.kubeVersion ?? 'v1.33.1'
    this.nodes = options.nodes ?? ['fake-node-1']
    let tick = Date.UTC(2026, 0, 1)
    this.clock = options.now ?? (() => new Date((tick += 1000)))
    this.controllers = {
      deployment: true,
      replicaSet: true,
      pod: true,
      statefulSet: true,
      daemonSet: true,
      job: true,
      crd: true,
      garbageCollector: true,
      ...options.controllers
    }
    for (const name of [...systemNamespaces, ...(options.namespaces ?? [])])
      this.store(
        this.newObject(
          this.kindOf('', 'Namespace')!,
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
          'kube-apiserver',
          'Update',
          true
        )
      )
    for (const name of this.nodes)
      this.store(
        this.newObject(
          this.kindOf('', 'Node')!,
          {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name },
            status: { conditions: [{ type: 'Ready', status: 'True' }] }
          },
          'kubelet',
          'Update',
          true
        )
      )
  }

  // ---- test helpers ------------------------------------------------------------------------------------------

  /** Stores objects as they are (creating namespaces they need), as if written earlier by `manager`, then lets controllers run. */
  seed(objects: ApplyObject[], manager = 'seed'): this {
    for (const object of objects) {
      const info = this.mustKind(object.apiVersion, object.kind, 'POST', '')
      const namespace = info.namespaced ? (object.metadata.namespace ?? this.defaultNamespace()) : undefined
      if (namespace && !this.objects.has(this.key(this.kindOf('', 'Namespace')!, undefined, namespace)))
        this.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }], manager)
      const input = clone(object) as Obj
      meta(input).namespace = namespace
      const existing = this.objects.get(this.key(info, namespace, object.metadata.name))
      this.store(
        existing
          ? this.updated(info, existing, input, { manager })
          : this.newObject(info, input, manager, 'Update', true)
      )
    }
    return this
  }

  /** The stored object, or undefined; a copy. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read API objects as loose JSON, as eslint.config.js lets them
  object<T = any>(ref: ObjectRef): T | undefined {
    const info = this.kindFor(ref.apiVersion, ref.kind)
    const stored = info && this.objects.get(this.key(info, this.namespaceOf(info, ref.namespace), ref.name))
    return stored ? (clone(stored) as T) : undefined
  }

  /** Every stored object of a kind (in one namespace), copies sorted by namespace and name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read API objects as loose JSON, as eslint.config.js lets them
  objectsOf<T = any>(apiVersion: string, kind: string, namespace?: string): T[] {
    const info = this.kindFor(apiVersion, kind)
    return info ? (this.scan(info, namespace).map(clone) as T[]) : []
  }

  /** Refuses matching requests (after `skip` of them) with a Status of `status`. */
  failNext(rule: FailureRule): this {
    this.rules.push({ skip: 0, times: 1, ...rule })
    return this
  }

  /** Pods matching `selector` (existing and future ones) fail as `failure` says instead of becoming ready. */
  failPods(selector: string, failure: PodFailure, namespace?: string): this {
    this.podFailures.push({ matches: labelMatcher(selector), namespace, failure })
    this.scheduleReconcile()
    return this
  }

  /** Ends every pod failure: the pods become ready. */
  healPods(): this {
    this.podFailures.length = 0
    this.scheduleReconcile()
    return this
  }

  /** The Deployment reports Progressing=False ProgressDeadlineExceeded until its rollout completes. */
  exceedProgressDeadline(ref: { namespace?: string; name: string }): this {
    this.deadlines.add(`${ref.namespace ?? this.defaultNamespace()}/${ref.name}`)
    this.scheduleReconcile()
    return this
  }

  /** A container log, as podLog answers it. */
  setPodLog(ref: { namespace?: string; name: string }, container: string, text: string, previous = false): this {
    this.logs.set(`${ref.namespace ?? this.defaultNamespace()}/${ref.name}/${container}/${previous}`, text)
    return this
  }

  /** Forgets the watch history: a watch from any earlier resourceVersion answers 410 Expired. */
  compact(): this {
    this.history.length = 0
    this.compactedRv = this.rv
    return this
  }

  /** Ends every open watch as the server does when its timeout passes. */
  endWatches(): this {
    for (const w of [...this.watchers]) w.end()
    return this
  }

  /** The current resourceVersion of the whole store. */
  get resourceVersion(): string {
    return String(this.rv)
  }

  /** Resolves once the controllers have nothing left to do. */
  settle(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.settleWaiters.push({ resolve, reject })
      this.scheduleReconcile()
    })
  }

  // ---- Cluster -----------------------------------------------------------------------------------------------

  async authenticate(): Promise<void> {
    this.assertOpen()
  }

  warmUp(): void {}

  close(): void {
    this.closed = true
    for (const w of [...this.watchers]) w.end()
  }

  async resourceFor(apiVersion: string, kindName: string): Promise<ResourceInfo | undefined> {
    this.assertOpen()
    const info = this.kindFor(apiVersion, kindName)
    return info && { plural: info.plural, namespaced: info.namespaced, groupVersion: apiVersion }
  }

  async resourceForGroupKind(group: string, kindName: string): Promise<ResourceInfo | undefined> {
    this.assertOpen()
    const info = this.kindOf(group, kindName)
    return (
      info && { plural: info.plural, namespaced: info.namespaced, groupVersion: groupVersion(group, info.versions[0]) }
    )
  }

  async serverCapabilities(): Promise<ServerCapabilities> {
    this.assertOpen()
    const out = new Set<string>()
    for (const info of this.servedKinds()) {
      for (const version of info.versions) {
        const gv = groupVersion(info.group, version)
        out.add(gv).add(`${gv}/${info.kind}`)
        if (info.scale) out.add(`${gv}/Scale`)
      }
    }
    return { kubeVersion: this.kubeVersion, apiVersions: [...out].sort(), failed: [] }
  }

  async get<T>(ref: ObjectRef, options?: CallOptions): Promise<T | undefined> {
    const info = this.begin('get', ref, options, {})
    const stored = info && this.objects.get(this.key(info, this.namespaceOf(info, ref.namespace), ref.name))
    return stored ? (this.answer(stored, ref.apiVersion) as T) : undefined
  }

  async list<T>(ref: CollectionRef, query: ListQuery = {}, options?: CallOptions): Promise<ObjectList<T>> {
    const info = this.mustBegin('list', ref, options, { query })
    const matches = this.matcher(info, query, 'GET', this.path(info, ref))
    let items = this.scan(info, ref.namespace).filter(matches)
    let next: string | undefined
    if (query.continue) items = items.filter(o => this.sortKey(o) > Buffer.from(query.continue!, 'base64').toString())
    if (query.limit && items.length > query.limit) {
      items = items.slice(0, query.limit)
      next = Buffer.from(this.sortKey(items[items.length - 1])).toString('base64')
    }
    // Items of a built-in list carry no apiVersion and kind; custom resources (unstructured) do.
    const builtin = builtinKinds.includes(info)
    const answered = items.map(o => {
      const a = this.answer(o, ref.apiVersion)
      if (builtin) {
        delete a.apiVersion
        delete a.kind
      }
      return a
    })
    return {
      metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) },
      items: answered as T[]
    }
  }

  async *watch<T>(ref: CollectionRef, query: WatchQuery, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const info = this.mustBegin('watch', ref, { signal }, { query })
    const matches = this.matcher(info, query, 'GET', this.path(info, ref))
    const queue: Array<WatchEvent<T>> = []
    let wake: (() => void) | undefined
    let ended = false
    const push = (event: WatchEvent<T>): void => {
      queue.push(event)
      wake?.()
    }
    const translate = (e: StoredEvent): void => {
      if (ref.namespace && meta(e.object).namespace !== ref.namespace) return
      const now = matches(e.object)
      const before = e.previous !== undefined && matches(e.previous)
      // A selected watch sees an object enter (ADDED) and leave (DELETED) the selection, as the real watch cache does.
      const type =
        e.type === 'MODIFIED'
          ? now && before
            ? 'MODIFIED'
            : now
              ? 'ADDED'
              : before
                ? 'DELETED'
                : undefined
          : now
            ? e.type
            : undefined
      if (type) push({ type, object: this.answer(e.object, ref.apiVersion) as T })
    }
    const since = query.resourceVersion && query.resourceVersion !== '0' ? Number(query.resourceVersion) : undefined
    if (since !== undefined && since < this.compactedRv) {
      const oldest = this.history[0]?.rv ?? this.rv
      yield { type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${since} (${oldest})`) as T }
      return
    }
    if (since === undefined)
      for (const o of this.scan(info, ref.namespace)) translate({ rv: 0, type: 'ADDED', info, object: o })
    else for (const e of this.history) if (e.rv > since && sameKind(e.info, info)) translate(e)
    const end = (): void => {
      ended = true
      wake?.()
    }
    const watcher: Watcher = {
      info,
      namespace: ref.namespace,
      deliver: e => sameKind(e.info, info) && translate(e),
      end
    }
    this.watchers.add(watcher)
    signal.addEventListener('abort', end, { once: true })
    // unref: a watch a test abandons without aborting does not keep jest running.
    const timer = query.timeoutSeconds ? setTimeout(end, query.timeoutSeconds * 1000).unref() : undefined
    try {
      while (true) {
        while (queue.length > 0) yield queue.shift()!
        if (ended || signal.aborted) return
        await new Promise<void>(resolve => (wake = resolve))
        wake = undefined
      }
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', end)
      this.watchers.delete(watcher)
    }
  }

  async apply<T>(object: ApplyObject, options: ApplyOptions): Promise<T> {
    const info = this.mustBegin('apply', object, options, {
      dryRun: options.dryRun,
      force: options.force,
      fieldManager: options.fieldManager
    })
    const namespace = this.namespaceOf(info, object.metadata.namespace)
    const live = this.objects.get(this.key(info, namespace, object.metadata.name))
    const path = this.path(info, object, object.metadata.name)
    if (!live) this.assertNamespace(info, namespace, 'PATCH', path)
    // An apply is always checked against the schema (api-concepts: field validation); the real server answers a 500.
    const undeclared = undeclaredFields(info.kind, object)
    if (undeclared.length > 0) {
      const gvk = `${info.group}/${splitApiVersion(object.apiVersion).version}, Kind=${info.kind}`
      const message = `failed to create typed patch object (${namespace ?? ''}/${object.metadata.name}; ${gvk}): ${undeclared[0]}: field not declared in schema`
      throw new KubeApiError(
        500,
        { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 } as KubeStatus,
        'PATCH',
        path
      )
    }
    const applied = clone(object) as Obj
    delete applied.status
    meta(applied).namespace = namespace
    const result = live
      ? this.applied(info, live, applied, options, path)
      : this.newObject(info, applied, options.fieldManager, 'Apply')
    if (!live) delete meta(result).resourceVersion
    options.onStatus?.(live ? 200 : 201)
    return this.answer(options.dryRun ? result : this.store(result), object.apiVersion) as T
  }

  async create<T>(object: ApplyObject, options: WriteOptions = {}): Promise<T> {
    const info = this.mustBegin('create', object, options, {
      dryRun: options.dryRun,
      fieldManager: options.fieldManager
    })
    const namespace = this.namespaceOf(info, object.metadata.namespace)
    const path = this.path(info, object)
    const input = clone(object) as Obj
    meta(input).namespace = namespace
    if (info.group === 'authorization.k8s.io') return this.review(input) as T
    this.dropUndeclared(info, object, input, options, 'POST', path)
    if (!meta(input).name && typeof meta(input).generateName === 'string')
      meta(input).name = `${meta(input).generateName}${this.suffix()}`
    this.assertNamespace(info, namespace, 'POST', path)
    if (this.objects.has(this.key(info, namespace, meta(input).name))) {
      const message = `${this.resourceName(info)} "${meta(input).name}" already exists`
      throw new KubeApiError(
        409,
        statusBody(409, 'AlreadyExists', message, { name: meta(input).name, kind: info.plural }),
        'POST',
        path
      )
    }
    delete meta(input).resourceVersion
    const result = this.newObject(info, input, options.fieldManager ?? this.defaultFieldManager, 'Update')
    options.onStatus?.(201)
    return this.answer(options.dryRun ? result : this.store(result), object.apiVersion) as T
  }

  async replace<T>(object: ApplyObject, options: WriteOptions = {}): Promise<T> {
    const info = this.mustBegin('replace', object, options, {
      dryRun: options.dryRun,
      fieldManager: options.fieldManager
    })
    const namespace = this.namespaceOf(info, object.metadata.namespace)
    const path = this.path(info, object, object.metadata.name)
    const live = this.mustFind(info, namespace, object.metadata.name, 'PUT', path)
    const input = clone(object) as Obj
    this.dropUndeclared(info, object, input, options, 'PUT', path)
    meta(input).namespace = namespace
    const result = this.updated(info, live, input, {
      manager: options.fieldManager ?? this.defaultFieldManager,
      path,
      method: 'PUT'
    })
    options.onStatus?.(200)
    return this.answer(options.dryRun ? result : this.store(result), object.apiVersion) as T
  }

  async patch<T>(
    ref: ObjectRef,
    patch: Patch,
    options: WriteOptions & { subresource?: 'scale' | 'status' } = {}
  ): Promise<T> {
    const info = this.mustBegin('patch', ref, options, {
      dryRun: options.dryRun,
      fieldManager: options.fieldManager,
      subresource: options.subresource,
      patchType: patch.type
    })
    const namespace = this.namespaceOf(info, ref.namespace)
    const path = this.path(info, ref, ref.name) + (options.subresource ? `/${options.subresource}` : '')
    const live = this.mustFind(info, namespace, ref.name, 'PATCH', path)
    const manager = options.fieldManager ?? this.defaultFieldManager
    let result: Obj
    let answer: (stored: Obj) => Obj = stored => this.answer(stored, ref.apiVersion)
    if (options.subresource === 'scale') {
      if (!info.scale)
        throw new KubeApiError(
          404,
          statusBody(404, 'NotFound', 'the server could not find the requested resource'),
          'PATCH',
          path
        )
      const scale = applyPatch(scaleOf(live), patch, path)
      const next = clone(live)
      ;(next.spec as Obj).replicas = (scale.spec as Obj | undefined)?.replicas
      result = this.updated(info, live, next, { manager, subresource: 'scale', path, method: 'PATCH' })
      answer = stored => scaleOf(stored)
    } else {
      const next = applyPatch(this.answer(live, ref.apiVersion), patch, path)
      result = this.updated(info, live, next, { manager, subresource: options.subresource, path, method: 'PATCH' })
    }
    options.onStatus?.(200)
    return answer(options.dryRun ? result : this.store(result)) as T
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const info = this.mustBegin('delete', ref, options, {
      dryRun: options.dryRun,
      preconditions: options.preconditions
    })
    const namespace = this.namespaceOf(info, ref.namespace)
    const path = this.path(info, ref, ref.name)
    const live = this.mustFind(info, namespace, ref.name, 'DELETE', path)
    const { uid, resourceVersion } = options.preconditions ?? {}
    const m = meta(live)
    const failed =
      uid !== undefined && uid !== m.uid
        ? `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${m.uid}`
        : resourceVersion !== undefined && resourceVersion !== m.resourceVersion
          ? `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`
          : undefined
    if (failed)
      throw new KubeApiError(
        409,
        statusBody(409, 'Conflict', failed, { name: ref.name, kind: info.plural }),
        'DELETE',
        path
      )
    if (options.dryRun) return
    const served = info.kind === 'CustomResourceDefinition' ? crdKind(live) : undefined
    // A CustomResourceDefinition takes its objects with it (the real one waits in Terminating until they are gone).
    if (served) for (const o of this.scan(served)) this.remove(served, o)
    this.remove(info, live)
    if (options.propagationPolicy === 'Orphan') {
      for (const [, o] of this.objects) {
        const refs = meta(o).ownerReferences
        if (refs?.some(r => r.uid === m.uid)) {
          const next = clone(o)
          meta(next).ownerReferences = refs.filter(r => r.uid !== m.uid)
          if (meta(next).ownerReferences!.length === 0) delete meta(next).ownerReferences
          this.store(this.updated(this.infoOf(o), o, next, { manager: 'kube-controller-manager' }))
        }
      }
    }
  }

  async podLog(ref: ObjectRef, query: PodLogQuery, options?: CallOptions): Promise<string> {
    const info = this.mustBegin('podLog', ref, options, {})
    const namespace = this.namespaceOf(info, ref.namespace)
    const path = `${this.path(info, ref, ref.name)}/log`
    const pod = this.mustFind(info, namespace, ref.name, 'GET', path)
    const containers = ((pod.spec as Obj | undefined)?.containers as Obj[] | undefined) ?? []
    const container = query.container ?? String(containers[0]?.name ?? '')
    if (!containers.some(c => c.name === container)) {
      throw new KubeApiError(
        400,
        statusBody(400, 'BadRequest', `container ${container} is not valid for pod ${ref.name}`),
        'GET',
        path
      )
    }
    const text = this.logs.get(`${namespace}/${ref.name}/${container}/${query.previous ?? false}`)
    if (text === undefined && query.previous) {
      throw new KubeApiError(
        400,
        statusBody(400, 'BadRequest', `previous terminated container "${container}" in pod "${ref.name}" not found`),
        'GET',
        path
      )
    }
    const lines = (text ?? '').split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    const tail = query.tailLines !== undefined ? lines.slice(Math.max(0, lines.length - query.tailLines)) : lines
    return tail.map(l => `${l}\n`).join('')
  }

  // ---- writes ------------------------------------------------------------------------------------------------

  /** A create or replace drops fields the schema does not declare; with fieldValidation=Strict they are a 400. */
  private dropUndeclared(
    info: KindInfo,
    object: ApplyObject,
    input: Obj,
    options: WriteOptions,
    method: string,
    path: string
  ): void {
    const undeclared = undeclaredFields(info.kind, object)
    if (undeclared.length === 0) return
    if (!options.strict) {
      for (const field of undeclared) {
        const [, parent, key] = /^(?:\.(\w+))?\.([^.]+)$/.exec(field) ?? []
        delete (parent ? (input[parent] as Obj) : input)[key]
      }
      return
    }
    const version = splitApiVersion(object.apiVersion).version
    const message = `${info.kind} in version "${version}" cannot be handled as a ${info.kind}: strict decoding error: ${undeclared.map(f => `unknown field "${f.slice(1)}"`).join(', ')}`
    throw new KubeApiError(400, statusBody(400, 'BadRequest', message), method, path)
  }

  private newObject(
    info: KindInfo,
    input: Obj,
    manager: string,
    operation: 'Apply' | 'Update' = 'Update',
    keepStatus = false
  ): Obj {
    const object = clone(input)
    object.apiVersion ??= groupVersion(info.group, info.versions[0])
    object.kind ??= info.kind
    const m = meta(object)
    if (!info.namespaced) delete m.namespace
    m.uid = this.uid()
    m.creationTimestamp = this.now()
    if (info.generation) m.generation = 1
    else delete m.generation
    const values = fieldValues(object, 'main', operation)
    if (!keepStatus) delete object.status
    applyDefaults(info.kind, object, () => this.clusterIP())
    const owned = operation === 'Apply' ? values : fieldValues(object, 'main', 'Update')
    m.managedFields = owned.size ? [this.entry(object, manager, operation, undefined, owned.keys())] : []
    return object
  }

  /**
   * The object after an update (PUT, patch, controller write) of `next` over `live`: identity kept, stale
   * resourceVersion refused, status or spec kept as the subresource says, generation bumped by spec changes, the
   * changed fields moved to the writer's managedFields entry, unless the request rewrote managedFields itself.
   */
  private updated(
    info: KindInfo,
    live: Obj,
    next: Obj,
    how: { manager: string; subresource?: 'status' | 'scale'; path?: string; method?: string }
  ): Obj {
    const m = meta(live)
    const n = (next.metadata ??= {}) as Meta
    if (n.resourceVersion !== undefined && n.resourceVersion !== '' && n.resourceVersion !== m.resourceVersion) {
      const message = `Operation cannot be fulfilled on ${this.resourceName(info)} "${m.name}": the object has been modified; please apply your changes to the latest version and try again`
      throw new KubeApiError(
        409,
        statusBody(409, 'Conflict', message, { name: m.name, kind: info.plural }),
        how.method ?? 'PUT',
        how.path ?? ''
      )
    }
    const requestFields = n.managedFields
    const out = clone(next)
    out.apiVersion = live.apiVersion
    out.kind = live.kind
    let om = meta(out)
    Object.assign(om, {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      creationTimestamp: m.creationTimestamp,
      resourceVersion: m.resourceVersion
    })
    if (!info.namespaced) delete om.namespace
    if (how.subresource === 'status') {
      // The status subresource writes status (and annotations: the Deployment controller records its revision so,
      // as the recorded csa-deployment-live.json shows); the main resource writes everything but status.
      const { managedFields, annotations } = om
      for (const key of Object.keys(out)) delete out[key]
      Object.assign(out, clone(live), {
        status: clone(next.status),
        metadata: { ...clone(m), annotations, managedFields }
      })
      if (annotations === undefined) delete meta(out).annotations
      om = meta(out)
    } else if (live.status !== undefined) out.status = clone(live.status)
    else delete out.status
    if (info.kind === 'Service' && isObj(out.spec) && isObj(live.spec) && out.spec.clusterIP === undefined) {
      out.spec.clusterIP = live.spec.clusterIP
      out.spec.clusterIPs = live.spec.clusterIPs
    }
    applyDefaults(info.kind, out, () => this.clusterIP())
    if (!how.subresource) this.assertMutable(info, live, out, how.method ?? 'PUT', how.path ?? '')
    this.bumpGeneration(info, live, out)
    if (canonical(requestFields) !== canonical(m.managedFields) && requestFields !== undefined)
      om.managedFields = clone(requestFields)
    else om.managedFields = this.trackUpdate(live, out, how.manager, how.subresource)
    return out
  }

  private applied(info: KindInfo, live: Obj, applied: Obj, options: ApplyOptions, path: string): Obj {
    const manager = options.fieldManager
    const values = fieldValues(applied, 'main', 'Apply')
    const liveValues = fieldValues(live, 'main', 'Update')
    const entries = clone(meta(live).managedFields ?? [])
    const mine = entries.find(e => e.manager === manager && e.operation === 'Apply' && !e.subresource)
    const conflicts: Conflict[] = []
    for (const entry of entries) {
      if (entry === mine) continue
      const owned = fromFieldsV1(entry.fieldsV1)
      const paths = [...values.keys()].filter(
        p => owned.has(p) && liveValues.has(p) && liveValues.get(p) !== values.get(p)
      )
      if (paths.length === 0) continue
      if (options.force) {
        for (const p of paths) owned.delete(p)
        entry.fieldsV1 = toFieldsV1(owned)
      } else conflicts.push({ entry, paths })
    }
    if (conflicts.length > 0) {
      const causes = conflicts.flatMap(c =>
        c.paths.map(p => ({
          reason: 'FieldManagerConflict',
          message: conflictWith(c.entry, false),
          field: formatPath(p)
        }))
      )
      throw new KubeApiError(409, statusBody(409, 'Conflict', conflictMessage(conflicts), { causes }), 'PATCH', path)
    }
    const merged = mergeApplied(live, applied) as Obj
    const ownedByOthers = new Set(entries.filter(e => e !== mine).flatMap(e => [...fromFieldsV1(e.fieldsV1)]))
    for (const p of fromFieldsV1(mine?.fieldsV1)) {
      if (values.has(p) || ownedByOthers.has(p)) continue
      if (p.endsWith('\u0000.') && [...ownedByOthers].some(o => o.startsWith(p.slice(0, -1)))) continue
      removePath(merged, p)
    }
    const next = { ...merged, metadata: { ...(merged.metadata as Obj), managedFields: entries } }
    const out = this.updated(info, live, next, { manager, path, method: 'PATCH' })
    // The apply's own entry is exactly what it sent; updated() tracked it as an Update, which an apply is not.
    const rest = entries.filter(e => e !== mine && fromFieldsV1(e.fieldsV1).size > 0)
    const own = values.size ? this.entry(out, manager, 'Apply', undefined, values.keys(), mine) : undefined
    const ordered = mine
      ? entries.flatMap(e => (e === mine ? (own ? [own] : []) : rest.includes(e) ? [e] : []))
      : [...rest, ...(own ? [own] : [])]
    meta(out).managedFields = ordered
    return out
  }

  /** An Update moves the fields it changed to its writer and takes fields it removed from everyone. */
  private trackUpdate(live: Obj, next: Obj, manager: string, subresource?: 'status' | 'scale'): ManagedFieldsEntry[] {
    const scope = subresource === 'status' ? 'status' : 'main'
    const before = fieldValues(live, scope, 'Update')
    const after = fieldValues(next, scope, 'Update')
    const changed = [...after.keys()].filter(p => before.get(p) !== after.get(p))
    const removed = [...before.keys()].filter(p => !after.has(p))
    const entries = clone(meta(live).managedFields ?? [])
    if (changed.length === 0 && removed.length === 0) return entries
    const id = entryId({ manager, operation: 'Update', subresource })
    const out: ManagedFieldsEntry[] = []
    let found = false
    for (const entry of entries) {
      const owned = fromFieldsV1(entry.fieldsV1)
      const size = owned.size
      for (const p of [...changed, ...removed]) owned.delete(p)
      if (entryId(entry) === id) {
        found = true
        for (const p of changed) owned.add(p)
        out.push(this.entry(next, manager, 'Update', subresource, owned, entry))
      } else if (owned.size > 0) out.push(owned.size === size ? entry : { ...entry, fieldsV1: toFieldsV1(owned) })
    }
    if (!found && changed.length > 0) out.push(this.entry(next, manager, 'Update', subresource, changed))
    return out
  }

  /** A managedFields entry; its time moves only when its fields do, so a repeated identical apply changes nothing. */
  private entry(
    object: Obj,
    manager: string,
    operation: 'Apply' | 'Update',
    subresource: string | undefined,
    paths: Iterable<FieldPath>,
    previous?: ManagedFieldsEntry
  ): ManagedFieldsEntry {
    const fieldsV1 = toFieldsV1(paths)
    const same =
      previous && canonical(previous.fieldsV1) === canonical(fieldsV1) && previous.apiVersion === object.apiVersion
    return {
      manager,
      operation,
      apiVersion: String(object.apiVersion),
      time: same ? previous.time : this.now(),
      fieldsType: 'FieldsV1',
      fieldsV1,
      ...(subresource ? { subresource } : {})
    }
  }

  /** The spec fields validation refuses to change (a 422 whose causes say "field is immutable", as job-replace.ts expects). */
  private assertMutable(info: KindInfo, live: Obj, next: Obj, method: string, path: string): void {
    const fields = immutableSpecFields[info.kind] ?? []
    const before = (live.spec ?? {}) as Obj
    const after = (next.spec ?? {}) as Obj
    const causes = fields
      .filter(f => canonical(before[f]) !== canonical(after[f]))
      .map(f => ({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(after[f])}: field is immutable`,
        field: `spec.${f}`
      }))
    if (causes.length === 0) return
    const name = meta(live).name
    const kindName = info.group ? `${info.kind}.${info.group}` : info.kind
    const message = `${kindName} "${name}" is invalid: ${causes.map(c => `${c.field}: ${c.message}`).join(', ')}`
    throw new KubeApiError(
      422,
      statusBody(422, 'Invalid', message, {
        name,
        ...(info.group ? { group: info.group } : {}),
        kind: info.kind,
        causes
      } as KubeStatus['details']),
      method,
      path
    )
  }

  private bumpGeneration(info: KindInfo, live: Obj, next: Obj): void {
    const m = meta(next)
    if (!info.generation) {
      delete m.generation
      return
    }
    const spec = (o: Obj): string =>
      canonical(Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'metadata' && k !== 'status')))
    const generation = meta(live).generation ?? 1
    m.generation = spec(live) === spec(next) ? generation : generation + 1
  }

  /** Stores a computed object (no change, no new resourceVersion), records the event and wakes watches and controllers. */
  private store(object: Obj): Obj {
    const info = this.infoOf(object)
    const m = meta(object)
    const key = this.key(info, m.namespace, m.name)
    const previous = this.objects.get(key)
    if (previous && canonical(previous) === canonical(object)) return previous
    m.resourceVersion = String(++this.rv)
    this.objects.set(key, object)
    this.record({ rv: this.rv, type: previous ? 'MODIFIED' : 'ADDED', info, object, previous })
    return object
  }

  private remove(info: KindInfo, live: Obj): void {
    const m = meta(live)
    this.objects.delete(this.key(info, m.namespace, m.name))
    const gone = clone(live)
    meta(gone).resourceVersion = String(++this.rv)
    this.record({ rv: this.rv, type: 'DELETED', info, object: gone, previous: live })
  }

  private record(event: StoredEvent): void {
    this.history.push(event)
    while (this.history.length > this.historyLimit) this.compactedRv = this.history.shift()!.rv
    for (const w of [...this.watchers]) w.deliver(event)
    this.scheduleReconcile()
  }

  private review(input: Obj): Obj {
    if (input.kind === 'SelfSubjectAccessReview') {
      const spec = (input.spec ?? {}) as Obj
      const allowed = this.authorize((spec.resourceAttributes ?? spec.nonResourceAttributes ?? {}) as Obj)
      return { ...input, status: { allowed, ...(allowed ? {} : { reason: 'denied by the fake cluster' }) } }
    }
    return {
      ...input,
      status: {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [],
        incomplete: false
      }
    }
  }

  // ---- controllers -------------------------------------------------------------------------------------------

  private scheduleReconcile(): void {
    if (this.reconcileScheduled || this.closed) return
    this.reconcileScheduled = true
    setImmediate(() => {
      this.reconcileScheduled = false
      let changed: boolean
      try {
        const before = this.rv
        runControllers(this.host())
        changed = this.rv !== before
      } catch (error) {
        for (const w of this.settleWaiters.splice(0)) w.reject(error as Error)
        return
      }
      if (changed && ++this.passes >= 10_000) {
        for (const w of this.settleWaiters.splice(0))
          w.reject(new Error('The fake controllers did not settle in 10000 passes.'))
      } else if (changed) this.scheduleReconcile()
      else {
        this.passes = 0
        for (const w of this.settleWaiters.splice(0)) w.resolve()
      }
    })
  }

  private host(): ControllerHost {
    const manager = 'kube-controller-manager'
    return {
      switches: this.controllers,
      nodes: this.nodes,
      now: () => this.now(),
      suffix: () => this.suffix(),
      list: (apiVersion, kindName, namespace) => this.objectsOf(apiVersion, kindName, namespace),
      exists: uid => [...this.objects.values()].some(o => meta(o).uid === uid),
      create: object => {
        const info = this.infoOf(object)
        return clone(this.store(this.newObject(info, object, manager)))
      },
      update: (object, subresource) => {
        const info = this.infoOf(object)
        const live = this.objects.get(this.key(info, meta(object).namespace, meta(object).name))
        if (!live) return undefined
        const next = clone(object)
        delete meta(next).resourceVersion
        return clone(this.store(this.updated(info, live, next, { manager, subresource })))
      },
      remove: object => {
        const info = this.infoOf(object)
        const live = this.objects.get(this.key(info, meta(object).namespace, meta(object).name))
        if (live) this.remove(info, live)
      },
      podFailure: pod =>
        this.podFailures.findLast(
          f => (!f.namespace || f.namespace === meta(pod).namespace) && f.matches(meta(pod).labels)
        )?.failure,
      deadlineExceeded: d => this.deadlines.has(`${meta(d).namespace}/${meta(d).name}`),
      setLog: (namespace, pod, container, text, previous) =>
        this.setPodLog({ namespace, name: pod }, container, text, previous)
    }
  }

  // ---- plumbing ----------------------------------------------------------------------------------------------

  private begin(
    verb: Verb,
    ref: CollectionRef & { name?: string; metadata?: { name: string; namespace?: string } },
    options: CallOptions | undefined,
    extra: Partial<RecordedRequest>
  ): KindInfo | undefined {
    this.assertOpen()
    options?.signal?.throwIfAborted()
    const name = ref.metadata?.name ?? ref.name
    const namespace = ref.metadata ? ref.metadata.namespace : ref.namespace
    const info = this.kindFor(ref.apiVersion, ref.kind)
    const scoped = info ? this.namespaceOf(info, namespace) : namespace
    const path = info
      ? this.path(info, { apiVersion: ref.apiVersion, namespace: scoped }, name)
      : `/${ref.apiVersion}/${ref.kind}`
    const request: RecordedRequest = {
      verb,
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      ...(scoped ? { namespace: scoped } : {}),
      ...(name ? { name } : {}),
      path
    }
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) (request as unknown as Obj)[k] = v
    this.requests.push(request)
    this.injectFailure(request)
    return info
  }

  private mustBegin(
    verb: Verb,
    ref: CollectionRef & { name?: string; metadata?: { name: string; namespace?: string } },
    options: CallOptions | undefined,
    extra: Partial<RecordedRequest>
  ): KindInfo {
    const info = this.begin(verb, ref, options, extra)
    if (!info)
      throw new KubeApiError(
        404,
        statusBody(404, 'NotFound', 'the server could not find the requested resource'),
        verb.toUpperCase(),
        this.requests[this.requests.length - 1].path
      )
    return info
  }

  private injectFailure(request: RecordedRequest): void {
    for (const rule of this.rules) {
      const verbs = rule.verb === undefined ? undefined : [rule.verb].flat()
      if (verbs && !verbs.includes(request.verb)) continue
      if (
        (rule.kind && rule.kind !== request.kind) ||
        (rule.name && rule.name !== request.name) ||
        (rule.namespace && rule.namespace !== request.namespace)
      )
        continue
      if (rule.dryRun !== undefined && rule.dryRun !== (request.dryRun ?? false)) continue
      if (rule.skip! > 0) {
        rule.skip!--
        continue
      }
      if (rule.times! <= 0) continue
      rule.times!--
      const reason = rule.reason ?? reasons[rule.status] ?? 'Unknown'
      throw new KubeApiError(
        rule.status,
        statusBody(rule.status, reason, rule.message ?? `injected ${rule.status} for ${request.verb} ${request.path}`),
        request.verb.toUpperCase(),
        request.path
      )
    }
  }

  private matcher(info: KindInfo, query: ListQuery, method: string, path: string): (o: Obj) => boolean {
    try {
      const labels = labelMatcher(query.labelSelector)
      const fields = fieldMatcher(info.kind, query.fieldSelector)
      return o => labels(meta(o).labels) && fields(o)
    } catch (error) {
      throw new KubeApiError(400, statusBody(400, 'BadRequest', (error as Error).message), method, path)
    }
  }

  private mustFind(info: KindInfo, namespace: string | undefined, name: string, method: string, path: string): Obj {
    const live = this.objects.get(this.key(info, namespace, name))
    if (!live)
      throw new KubeApiError(
        404,
        statusBody(404, 'NotFound', `${this.resourceName(info)} "${name}" not found`, { name, kind: info.plural }),
        method,
        path
      )
    return live
  }

  private assertNamespace(info: KindInfo, namespace: string | undefined, method: string, path: string): void {
    if (!info.namespaced || this.objects.has(this.key(this.kindOf('', 'Namespace')!, undefined, namespace!))) return
    throw new KubeApiError(
      404,
      statusBody(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' }),
      method,
      path
    )
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The fake cluster is closed.')
  }

  /** The stored object as the client sees it: a copy, in the apiVersion asked for (conversion is a relabelling here). */
  private answer(object: Obj, apiVersion: string): Obj {
    return { ...clone(object), apiVersion }
  }

  private servedKinds(): KindInfo[] {
    const crds = [...this.objects.values()]
      .filter(o => o.kind === 'CustomResourceDefinition')
      .flatMap(o => crdKind(o) ?? [])
    return [...builtinKinds, ...crds]
  }

  private kindOf(group: string, kindName: string): KindInfo | undefined {
    return this.servedKinds().find(k => k.group === group && k.kind === kindName)
  }

  private kindFor(apiVersion: string, kindName: string): KindInfo | undefined {
    const { group, version } = splitApiVersion(apiVersion)
    const info = this.kindOf(group, kindName)
    return info?.versions.includes(version) ? info : undefined
  }

  private mustKind(apiVersion: string, kindName: string, method: string, path: string): KindInfo {
    const info = this.kindFor(apiVersion, kindName)
    if (!info)
      throw new KubeApiError(
        404,
        statusBody(404, 'NotFound', `no matches for kind "${kindName}" in version "${apiVersion}"`),
        method,
        path
      )
    return info
  }

  /** The kind of a stored object; a custom resource's kind is looked up again, so it follows its CRD. */
  private infoOf(object: Obj): KindInfo {
    return this.mustKind(String(object.apiVersion), String(object.kind), 'GET', '')
  }

  private namespaceOf(info: KindInfo, namespace: string | undefined): string | undefined {
    return info.namespaced ? (namespace ?? this.defaultNamespace()) : undefined
  }

  private defaultNamespace(): string {
    return this.namespace ?? 'default'
  }

  private key(info: KindInfo, namespace: string | undefined, name: string): string {
    return `${info.group}|${info.kind}|${namespace ?? ''}|${name}`
  }

  private sortKey(o: Obj): string {
    return `${meta(o).namespace ?? ''}/${meta(o).name}`
  }

  private scan(info: KindInfo, namespace?: string): Obj[] {
    const prefix = `${info.group}|${info.kind}|`
    return [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (!namespace || meta(o).namespace === namespace))
      .map(([, o]) => o)
      .sort((a, b) => (this.sortKey(a) < this.sortKey(b) ? -1 : 1))
  }

  private resourceName(info: KindInfo): string {
    return info.group ? `${info.plural}.${info.group}` : info.plural
  }

  private path(info: KindInfo, ref: { apiVersion: string; namespace?: string }, name?: string): string {
    const root = info.group ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`
    const namespace = this.namespaceOf(info, ref.namespace)
    return `${root}${namespace ? `/namespaces/${namespace}` : ''}/${info.plural}${name ? `/${name}` : ''}`
  }

  private now(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
  }

  private uid(): string {
    const n = (++this.uidCounter).toString(16).padStart(12, '0')
    return `00000000-0000-4000-8000-${n}`
  }

  /** Five characters of the alphabet the API server uses for generated names (k8s.io/apimachinery rand.String). */
  private suffix(): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
    let n = ++this.nameCounter * 7919
    let out = ''
    for (let i = 0; i < 5; i++) {
      out += alphabet[n % alphabet.length]
      n = Math.floor(n / alphabet.length) + i * 13
    }
    return out
  }

  private clusterIP(): string {
    const n = ++this.ipCounter
    return `10.96.${Math.floor(n / 256)}.${n % 256}`
  }
}

/** The Scale (autoscaling/v1) of a Deployment, StatefulSet or ReplicaSet. */
function scaleOf(object: Obj): Obj {
  const m = meta(object)
  const selector =
    ((object.spec as Obj | undefined)?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ??
    {}
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp
    },
    spec: { replicas: (object.spec as Obj | undefined)?.replicas },
    status: {
      replicas: (object.status as Obj | undefined)?.replicas ?? 0,
      selector: Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    }
  }
}

/**
 * A merge patch (RFC 7386), JSON patch (RFC 6902) or strategic merge patch (what kubectl rollout undo sends a
 * StatefulSet); a failed JSON patch operation is a 422.
 */
function applyPatch(target: Obj, patch: Patch, path: string): Obj {
  if (patch.type === 'strategic') return strategicMerge(target, patch.body) as Obj
  if (patch.type === 'merge') return mergePatch(target, patch.body) as Obj
  let doc: unknown = clone(target)
  for (const op of patch.body) doc = jsonPatchOp(doc, op, path)
  return doc as Obj
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch)
  const out: Obj = isObj(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

function jsonPatchOp(doc: unknown, op: JsonPatchOperation, path: string): unknown {
  const invalid = (message: string): KubeApiError =>
    new KubeApiError(422, statusBody(422, 'Invalid', message), 'PATCH', path)
  const tokens =
    op.path === ''
      ? []
      : op.path
          .split('/')
          .slice(1)
          .map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (tokens.length === 0) {
    if (op.op === 'test') {
      if (canonical(doc) !== canonical(op.value)) throw invalid(`testing value ${op.path} failed: test failed`)
      return doc
    }
    return clone(op.value)
  }
  let parent: unknown = doc
  for (const t of tokens.slice(0, -1)) {
    parent = Array.isArray(parent) ? parent[Number(t)] : isObj(parent) ? parent[t] : undefined
    if (parent === undefined)
      throw invalid(`${op.op} operation does not apply: doc is missing path: ${op.path}: missing value`)
  }
  const last = tokens[tokens.length - 1]
  const present = Array.isArray(parent) ? Number(last) < parent.length : isObj(parent) && last in parent
  const current = Array.isArray(parent) ? parent[Number(last)] : isObj(parent) ? parent[last] : undefined
  switch (op.op) {
    case 'test':
      if (!present || canonical(current) !== canonical(op.value))
        throw invalid(`testing value ${op.path} failed: test failed`)
      return doc
    case 'remove':
    case 'replace':
      if (!present) throw invalid(`${op.op} operation does not apply: doc is missing key: ${op.path}: missing value`)
      if (Array.isArray(parent)) parent.splice(Number(last), 1, ...(op.op === 'replace' ? [clone(op.value)] : []))
      else if (op.op === 'remove') delete (parent as Obj)[last]
      else (parent as Obj)[last] = clone(op.value)
      return doc
    case 'add':
      if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, clone(op.value))
      else if (isObj(parent)) parent[last] = clone(op.value)
      else throw invalid(`add operation does not apply: doc is missing path: ${op.path}: missing value`)
      return doc
  }
}
