import type { ServerCapabilities } from './capabilities.js'

/**
 * What the action asks of a Kubernetes API server, by typed object reference: the only door to the cluster.
 * The real client (client.ts) builds every REST path behind it; the in-process fake (__fixtures__/fake-cluster.ts)
 * keeps objects in memory behind the same door, so the applier, the wait, the lock, ApplySet and the strategies
 * are tested in seconds. An error answer of the server is a KubeApiError (errors.ts) with its HTTP status code,
 * from either side.
 */
export interface Cluster {
  /** The API server, for reports. */
  readonly server: URL
  /** The kubeconfig context this connection speaks for, for reports. */
  readonly context: string
  /** The context's default namespace, when it sets one. */
  readonly namespace?: string

  /** Obtains credentials (runs exec plugins) once; later calls share the first. */
  authenticate(): Promise<void>
  /** Starts credentials and the core group's discovery without waiting, so they overlap the build. */
  warmUp(): void
  /** Ends every request and watch in flight and refuses new ones. */
  close(): void

  /** Resource name and scope of a kind, from discovery (cached); undefined when the server does not serve it. */
  resourceFor(apiVersion: string, kind: string, refresh?: boolean): Promise<ResourceInfo | undefined>
  /** As resourceFor, for a kind known by group only: the group's preferred version. */
  resourceForGroupKind(group: string, kind: string): Promise<ResourceInfo | undefined>
  /** The server's version and served API versions, as Helm gives them to a chart. */
  serverCapabilities(): Promise<ServerCapabilities>

  /** The object, or undefined when it does not exist (404). */
  get<T>(ref: ObjectRef, options?: CallOptions): Promise<T | undefined>
  list<T>(ref: CollectionRef, query?: ListQuery, options?: CallOptions): Promise<ObjectList<T>>
  /** Streams watch events until the server ends the stream; the caller re-lists on an ERROR event or 410. */
  watch<T>(ref: CollectionRef, query: WatchQuery, signal: AbortSignal): AsyncGenerator<WatchEvent<T>>

  /** Server-side apply (application/apply-patch+yaml) of a whole object; answers the object as the server has it. */
  apply<T>(object: ApplyObject, options: ApplyOptions): Promise<T>
  /** POST: creates the object; 409 when it exists. */
  create<T>(object: NewObject, options?: WriteOptions): Promise<T>
  /** PUT: replaces the object; 409 when its metadata.resourceVersion is stale. */
  replace<T>(object: ApplyObject, options?: WriteOptions): Promise<T>
  /** A merge or JSON patch of an object or one of its subresources (scale). */
  patch<T>(ref: ObjectRef, patch: Patch, options?: WriteOptions & { subresource?: 'scale' | 'status' }): Promise<T>
  /** DELETE; 404 when it is gone, 409 when a precondition does not hold. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void>
  /** The tail of a container's log, as text. */
  podLog(ref: ObjectRef, query: PodLogQuery, options?: CallOptions): Promise<string>
}

/** One object: its kind by apiVersion and kind, its namespace (ignored for a cluster-scoped kind) and name. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  namespace?: string
  name: string
}

/** A kind's objects, in one namespace or (no namespace) across all namespaces or cluster-scoped. */
export interface CollectionRef {
  apiVersion: string
  kind: string
  namespace?: string
}

export interface ResourceInfo {
  /** URL path segment, e.g. deployments. */
  plural: string
  namespaced: boolean
  /** apiVersion the resource was found under. */
  groupVersion: string
}

export interface ApplyObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown }
  [key: string]: unknown
}

/** What create sends: an object whose name the server may give (generateName), or that has none (an access review). */
export interface NewObject {
  apiVersion: string
  kind: string
  metadata?: { name?: string; namespace?: string; [key: string]: unknown }
  [key: string]: unknown
}

export interface CallOptions {
  signal?: AbortSignal
}

export interface WriteOptions extends CallOptions {
  fieldManager?: string
  dryRun?: boolean
  /** fieldValidation=Strict: unknown or duplicate fields are refused instead of dropped. */
  strict?: boolean
  /** Told the success status: 201 when the write created the object, 200 when it existed. */
  onStatus?: (statusCode: number) => void
}

export interface ApplyOptions extends WriteOptions {
  fieldManager: string
  /** Takes over fields other managers own instead of answering 409 Conflict. */
  force?: boolean
}

/** A JSON merge patch, a JSON patch, or a strategic merge patch (built-in kinds only; kubectl rollout undo sends one). */
export type Patch =
  { type: 'merge'; body: unknown } | { type: 'json'; body: JsonPatchOperation[] } | { type: 'strategic'; body: unknown }

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test'
  path: string
  value?: unknown
}

export interface DeleteOptions extends CallOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'
  /** The delete holds only while the object is still this one (uid) or unchanged (resourceVersion). */
  preconditions?: { uid?: string; resourceVersion?: string }
  dryRun?: boolean
}

export interface ListQuery {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
  continue?: string
}

export interface WatchQuery extends ListQuery {
  resourceVersion?: string
  timeoutSeconds?: number
}

export interface PodLogQuery {
  container?: string
  tailLines?: number
  previous?: boolean
}

export interface ObjectList<T> {
  metadata: { resourceVersion: string; continue?: string }
  items: T[]
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: T
}
