import http from 'node:http'
import https from 'node:https'
import {
  APIResourceList,
  capabilitiesFrom,
  discoveryAccept,
  DiscoveryRoot,
  groupVersionsToList,
  ServerCapabilities,
  ServerVersion
} from './capabilities.js'
import type {
  ApplyObject,
  ApplyOptions,
  CallOptions,
  Cluster,
  CollectionRef,
  DeleteOptions,
  ListQuery,
  NewObject,
  ObjectList,
  ObjectRef,
  Patch,
  PodLogQuery,
  ResourceInfo,
  WatchEvent,
  WatchQuery,
  WriteOptions
} from './cluster.js'
import { KubeTarget } from './kubeconfig.js'
import { KubeApiError, KubeStatus, KubeTimeoutError } from './errors.js'
import { builtinResource, groupVersionPath, resourcePath } from './paths.js'
import { retryDelayMs } from './retry.js'

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  contentType?: string
  signal?: AbortSignal
  /** Return the body as text (pod logs) instead of parsing JSON. */
  text?: boolean
  /** Accept header; application/json unless given. */
  accept?: string
  /** Told the success status: a server-side apply answers 201 when it created the object, 200 when it existed. */
  onSuccess?: (statusCode: number) => void
}

// As client-go: 429 (API Priority and Fairness) and the gateway codes are retried; a 500 only when the server
// says when to retry (Retry-After), since server-side apply reports deterministic errors as 500 too.
const retriableCodes = new Set([429, 502, 503, 504])
const isRetriable = (statusCode: number, retryAfter: string | string[] | undefined): boolean =>
  retriableCodes.has(statusCode) || (statusCode >= 500 && retryAfter !== undefined)
const retriableErrors = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'])
const maxAttempts = 6

/** Bounds of every request (issue 19): an API server that accepts a connection and never answers must not hang the run. */
export interface KubeClientTimeouts {
  /** TCP connect and TLS handshake of a new connection. */
  connectTimeoutMs: number
  /** From sending a request to its response headers, and the longest silence inside a response body. */
  responseTimeoutMs: number
  /**
   * How long the client keeps trying against a server that stopped answering: counted from the first request
   * that timed out with no answer since, it caps every later attempt, so a stalled server ends all calls (and
   * retries) within it. The action passes the `timeout` input.
   */
  stallLimitMs: number
}

export const defaultTimeouts: KubeClientTimeouts = {
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 30_000,
  stallLimitMs: 5 * 60_000
}
/**
 * Once the stall limit is spent, a call still gets one short attempt (at most the response timeout): the lock
 * release after a failure must not be skipped for a blip, nor wait long on a dead server.
 */
const lastChanceMs = 5_000

/**
 * Whether a request that timed out may be sent again. Reads are; so is a server-side apply PATCH, which is
 * declarative (applying the same configuration twice leaves the object as applying it once, and the field
 * manager's ownership is the same). A POST, PUT or DELETE that timed out may have taken effect: sending it again
 * could create twice or delete what the first one's effect replaced, so it is reported instead. A connect
 * timeout is always retried: nothing was sent.
 */
const repeatable = (method: string, contentType: string | undefined): boolean =>
  method === 'GET' || method === 'HEAD' || (method === 'PATCH' && contentType === 'application/apply-patch+yaml')

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
  })

/**
 * The one place that talks to the Kubernetes API. Plain HTTP(S) with a keep-alive agent rather than
 * client-node's generated clients: the action sends raw objects (the generated models drop unknown fields,
 * kubernetes-client/javascript#2400, which would hide a misspelt field from strict validation) and watches
 * with its own 410 handling.
 */
export class KubeClient implements Cluster {
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo>>>()
  private readonly preferredVersions = new Map<string, Promise<string | undefined>>()
  private capabilities?: Promise<ServerCapabilities>

  private headers: Record<string, string> = {}
  private credentials?: Promise<void>
  private readonly agent: http.Agent
  private readonly transport: typeof https | typeof http
  readonly server: URL
  /** The context's default namespace, when it sets one. */
  readonly namespace?: string
  /** The kubeconfig context this client speaks for, for reports. */
  readonly context: string

  private readonly timeouts: KubeClientTimeouts
  /** Start of the first attempt that timed out since the server last answered; undefined while it answers. */
  private stalledSince?: number
  private readonly closing = new AbortController()

  constructor(
    private readonly target: KubeTarget,
    timeouts: Partial<KubeClientTimeouts> = {}
  ) {
    this.timeouts = { ...defaultTimeouts, ...timeouts }
    this.server = target.server
    this.namespace = target.namespace
    this.context = target.contextName
    const secure = target.server.protocol === 'https:'
    // One keep-alive pool for every call and watch: a TLS handshake per request would dominate the apply.
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 64, ...target.tls })
      : new http.Agent({ keepAlive: true, maxSockets: 64 })
    this.transport = secure ? https : http
  }

  /** Obtains credentials (runs exec plugins) once, before the first request; later calls share the first. */
  authenticate(): Promise<void> {
    this.credentials ??= this.target.authenticate().then(headers => {
      this.headers = headers
    })
    return this.credentials
  }

  /**
   * Starts what every deploy needs first, credentials and the core group's discovery, without waiting for it:
   * an exec plugin (aws eks get-token, gke-gcloud-auth-plugin) and the round trips then overlap the build or the
   * registry lookups. Failures are left for the real calls to meet and report.
   */
  warmUp(): void {
    this.authenticate()
      .then(() => this.resourceFor('v1', 'Namespace'))
      .catch(() => undefined)
  }

  /** Ends every request and watch in flight (a lock renewal among them), and refuses new ones. */
  close(): void {
    this.closing.abort(new Error(`The connection to the Kubernetes API at ${this.server.origin} was closed.`))
    this.agent.destroy()
  }

  private url(apiPath: string, query?: RequestOptions['query']): URL {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + apiPath, this.server)
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value))
    return url
  }

  /**
   * How long the next attempt may wait on the server: the response timeout, capped by what is left of the stall
   * limit once the server has left a request unanswered (never less than a last short chance).
   */
  private attemptBoundMs(): number {
    const { responseTimeoutMs } = this.timeouts
    return Math.min(responseTimeoutMs, Math.max(this.stallLeftMs(), lastChanceMs))
  }

  /**
   * The caller's signal, also aborted when the client closes. One derived signal per call: a listener per request
   * on the shared one would trip Node's MaxListeners warning with a dozen requests in flight.
   */
  private signalFor(signal: AbortSignal | undefined): AbortSignal {
    return AbortSignal.any(signal ? [signal, this.closing.signal] : [this.closing.signal])
  }

  private stallLeftMs(): number {
    return this.stalledSince === undefined
      ? this.timeouts.stallLimitMs
      : this.stalledSince + this.timeouts.stallLimitMs - Date.now()
  }

  private timedOut(error: KubeTimeoutError, started: number): KubeTimeoutError {
    this.stalledSince ??= started
    return error
  }

  /** Sends one request; resolves with the response once its headers are in, within the connect and response bounds. */
  private send(method: string, url: URL, options: RequestOptions, boundMs: number): Promise<http.IncomingMessage> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    const connectMs = Math.min(this.timeouts.connectTimeoutMs, boundMs)
    const secure = this.server.protocol === 'https:'
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const arm = (phase: 'connect' | 'response', ms: number): void => {
        clearTimeout(timer)
        timer = setTimeout(
          () => request.destroy(new KubeTimeoutError(phase, this.server.origin, method, url.pathname, ms)),
          ms
        )
      }
      const request = this.transport.request(
        url,
        {
          agent: this.agent,
          method,
          signal: options.signal,
          headers: {
            ...this.headers,
            Accept: options.accept ?? 'application/json',
            ...(body === undefined
              ? {}
              : {
                  'Content-Type': options.contentType ?? 'application/json',
                  'Content-Length': Buffer.byteLength(body)
                })
          }
        },
        response => {
          clearTimeout(timer)
          resolve(response)
        }
      )
      // Armed at once, it also covers a wait for a free socket of the pool.
      arm('response', boundMs)
      request.once('socket', socket => {
        if (!socket.connecting) return
        arm('connect', connectMs)
        // A TLS server that accepts the TCP connection and never finishes the handshake is a connect timeout too.
        socket.once(secure ? 'secureConnect' : 'connect', () => arm('response', boundMs))
      })
      request.on('error', error => {
        clearTimeout(timer)
        reject(error)
      })
      request.on('close', () => clearTimeout(timer))
      request.end(body)
    })
  }

  /**
   * One API call, retried with backoff on 429, 5xx and dropped connections, and on a timeout when the call may be
   * repeated (see repeatable) and the server has not been stalled for longer than the stall limit.
   */
  async request<T>(method: string, apiPath: string, callerOptions: RequestOptions = {}): Promise<T> {
    const url = this.url(apiPath, callerOptions.query)
    const options = { ...callerOptions, signal: this.signalFor(callerOptions.signal) }
    const callStarted = Date.now()
    for (let attempt = 0; ; attempt++) {
      const started = Date.now()
      const boundMs = this.attemptBoundMs()
      let response: http.IncomingMessage | undefined
      let text: string
      try {
        response = await this.send(method, url, options, boundMs)
        text = await readBody(
          response,
          boundMs,
          () => new KubeTimeoutError('body', this.server.origin, method, url.pathname, boundMs)
        )
      } catch (error) {
        if (options.signal.aborted) {
          // The caller's own bound (AbortSignal.timeout) is a timeout too, and says which endpoint it cut.
          const reason: unknown = options.signal.reason
          if (reason instanceof DOMException && reason.name === 'TimeoutError') {
            throw new KubeTimeoutError(
              response ? 'body' : 'response',
              this.server.origin,
              method,
              url.pathname,
              Date.now() - callStarted
            )
          }
          throw error
        }
        if (error instanceof KubeTimeoutError) {
          this.timedOut(error, started)
          const delay = retryDelayMs(attempt)
          if (
            (error.phase === 'connect' || repeatable(method, options.contentType)) &&
            attempt + 1 < maxAttempts &&
            this.stallLeftMs() > delay
          ) {
            await sleep(delay, options.signal)
            continue
          }
          throw error.withNote(attempt, repeatable(method, options.contentType), Date.now() - callStarted)
        }
        const code = (error as NodeJS.ErrnoException).code ?? ''
        // A connection dropped after the headers may have carried out the request: not sent again.
        if (!response && retriableErrors.has(code) && attempt + 1 < maxAttempts) {
          await sleep(retryDelayMs(attempt), options.signal)
          continue
        }
        throw new Error(
          `Cannot reach the Kubernetes API at ${this.server.origin} (${method} ${url.pathname}): ${tlsAdvice(code) ?? (error as Error).message}`,
          { cause: error }
        )
      }
      this.stalledSince = undefined
      const statusCode = response.statusCode ?? 0
      if (statusCode >= 200 && statusCode < 300) {
        options.onSuccess?.(statusCode)
        return (options.text ? text : text ? JSON.parse(text) : {}) as T
      }
      if (isRetriable(statusCode, response.headers['retry-after']) && attempt + 1 < maxAttempts) {
        await sleep(retryDelayMs(attempt, Number(response.headers['retry-after'])), options.signal)
        continue
      }
      let status: KubeStatus
      try {
        status = JSON.parse(text) as KubeStatus
      } catch {
        status = { code: statusCode, message: `${method} ${url.pathname}: HTTP ${statusCode} ${text.slice(0, 200)}` }
      }
      if (statusCode === 401) {
        status.message = `The Kubernetes API at ${this.server.origin} rejected the credentials (HTTP 401 Unauthorized): check the kubeconfig's user (an expired token, a certificate of another cluster?).`
      }
      throw new KubeApiError(statusCode, status, method, url.pathname)
    }
  }

  /**
   * The REST path of an object or collection: a kind the action itself uses from the built-in table (no round trip,
   * as the hand-written paths before), any other from discovery. A kind the server does not serve is answered as
   * the server answers a path it does not know, 404.
   */
  private async pathOf(ref: CollectionRef & { name?: string }, subresource?: string, method = 'GET'): Promise<string> {
    const info = builtinResource(ref.apiVersion, ref.kind) ?? (await this.resourceFor(ref.apiVersion, ref.kind))
    if (!info) {
      const message = `the server does not serve kind ${ref.kind} in ${ref.apiVersion}`
      throw new KubeApiError(404, { code: 404, reason: 'NotFound', message }, method, groupVersionPath(ref.apiVersion))
    }
    return resourcePath({ ...info, groupVersion: ref.apiVersion }, ref.namespace, ref.name, subresource)
  }

  private async getPath<T>(apiPath: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', apiPath, { signal })
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404) return undefined
      throw error
    }
  }

  async get<T>(ref: ObjectRef, options: CallOptions = {}): Promise<T | undefined> {
    try {
      return await this.getPath<T>(await this.pathOf(ref), options.signal)
    } catch (error) {
      // pathOf's answer for a kind the server does not serve.
      if (error instanceof KubeApiError && error.statusCode === 404) return undefined
      throw error
    }
  }

  async list<T>(ref: CollectionRef, query: ListQuery = {}, options: CallOptions = {}): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>('GET', await this.pathOf(ref), { query: { ...query }, signal: options.signal })
  }

  async apply<T>(object: ApplyObject, options: ApplyOptions): Promise<T> {
    return this.request<T>('PATCH', await this.pathOf(objectRef(object), undefined, 'PATCH'), {
      query: { ...writeQuery(options), force: options.force || undefined },
      // application/apply-patch+yaml accepts JSON, which is YAML.
      contentType: 'application/apply-patch+yaml',
      body: object,
      signal: options.signal,
      onSuccess: options.onStatus
    })
  }

  async create<T>(object: NewObject, options: WriteOptions = {}): Promise<T> {
    const collection = { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata?.namespace }
    return this.request<T>('POST', await this.pathOf(collection, undefined, 'POST'), {
      query: writeQuery(options),
      body: object,
      signal: options.signal,
      onSuccess: options.onStatus
    })
  }

  async replace<T>(object: ApplyObject, options: WriteOptions = {}): Promise<T> {
    return this.request<T>('PUT', await this.pathOf(objectRef(object), undefined, 'PUT'), {
      query: writeQuery(options),
      body: object,
      signal: options.signal,
      onSuccess: options.onStatus
    })
  }

  async patch<T>(
    ref: ObjectRef,
    patch: Patch,
    options: WriteOptions & { subresource?: 'scale' | 'status' } = {}
  ): Promise<T> {
    return this.request<T>('PATCH', await this.pathOf(ref, options.subresource, 'PATCH'), {
      query: writeQuery(options),
      contentType: patchContentType[patch.type],
      body: patch.body,
      signal: options.signal,
      onSuccess: options.onStatus
    })
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const { propagationPolicy, preconditions, dryRun } = options
    // The propagation policy and dry run in the query, as kubectl sends them (a proxy that drops DELETE bodies
    // then cannot turn a Background delete into an orphaning one); preconditions only fit in a DeleteOptions body.
    const body = preconditions ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions } : undefined
    await this.request('DELETE', await this.pathOf(ref, undefined, 'DELETE'), {
      query: { propagationPolicy, dryRun: dryRun ? 'All' : undefined },
      body,
      signal: options.signal
    })
  }

  async podLog(ref: ObjectRef, query: PodLogQuery, options: CallOptions = {}): Promise<string> {
    return this.request<string>('GET', await this.pathOf(ref, 'log'), {
      query: { ...query },
      text: true,
      signal: options.signal
    })
  }

  /**
   * Streams watch events until the server closes the stream. Errors (including 410 Gone) surface as thrown
   * KubeApiErrors or ERROR events; the caller re-lists.
   */
  async *watch<T>(ref: CollectionRef, query: WatchQuery, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const url = this.url(await this.pathOf(ref), { ...query, watch: true, allowWatchBookmarks: true })
    const started = Date.now()
    const boundMs = this.attemptBoundMs()
    const watchSignal = this.signalFor(signal)
    let response: http.IncomingMessage
    try {
      response = await this.send('GET', url, { signal: watchSignal }, boundMs)
    } catch (error) {
      if (error instanceof KubeTimeoutError && !watchSignal.aborted) throw this.timedOut(error, started)
      throw error
    }
    this.stalledSince = undefined
    if (response.statusCode !== 200) {
      const text = await readBody(
        response,
        boundMs,
        () => new KubeTimeoutError('body', this.server.origin, 'GET', url.pathname, boundMs)
      )
      let status: KubeStatus
      try {
        status = JSON.parse(text) as KubeStatus
      } catch {
        status = { code: response.statusCode, message: text.slice(0, 200) }
      }
      throw new KubeApiError(response.statusCode ?? 0, status, 'WATCH', url.pathname)
    }
    // The server ends a watch after its timeoutSeconds (its --min-request-timeout, 1800 to 3600 s, when none is
    // given) and sends bookmarks meanwhile; one silent well past that is a dead connection, not a quiet cluster.
    const idleMs = (Number(query?.timeoutSeconds) || 3600) * 1000 + this.timeouts.responseTimeoutMs
    let buffered = ''
    for await (const chunk of boundedChunks(
      response,
      idleMs,
      () => new KubeTimeoutError('watch-idle', this.server.origin, 'GET', url.pathname, idleMs)
    )) {
      buffered += chunk
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim()
        buffered = buffered.slice(newline + 1)
        if (line) yield JSON.parse(line) as WatchEvent<T>
      }
    }
  }

  /** Resource name and scope of a kind, from API discovery (cached per group version), as kubectl's RESTMapper. */
  async resourceFor(apiVersion: string, kind: string, refresh = false): Promise<ResourceInfo | undefined> {
    if (refresh) this.discovery.delete(apiVersion)
    let resources = this.discovery.get(apiVersion)
    if (!resources) {
      resources = this.discover(apiVersion)
      this.discovery.set(apiVersion, resources)
      resources.catch(() => this.discovery.delete(apiVersion))
    }
    return (await resources).get(kind)
  }

  /** As resourceFor, for a kind known by group only (an ApplySet records group-kinds): its preferred version. */
  async resourceForGroupKind(group: string, kind: string): Promise<ResourceInfo | undefined> {
    if (group === '') return this.resourceFor('v1', kind)
    let version = this.preferredVersions.get(group)
    if (!version) {
      version = this.getPath<{ preferredVersion?: { groupVersion: string } }>(`/apis/${group}`).then(
        found => found?.preferredVersion?.groupVersion
      )
      this.preferredVersions.set(group, version)
    }
    const groupVersion = await version
    return groupVersion ? this.resourceFor(groupVersion, kind) : undefined
  }

  /**
   * The server's version and served API versions, as helm install gives them to a chart (see capabilities.ts);
   * asked once. With aggregated discovery (Kubernetes 1.26+) that is three requests; an older server's plain
   * lists need one more per group version.
   */
  serverCapabilities(): Promise<ServerCapabilities> {
    if (!this.capabilities) {
      this.capabilities = this.readCapabilities()
      this.capabilities.catch(() => (this.capabilities = undefined))
    }
    return this.capabilities
  }

  private async readCapabilities(): Promise<ServerCapabilities> {
    await this.authenticate()
    const [version, ...roots] = await Promise.all([
      this.request<ServerVersion>('GET', '/version'),
      this.request<DiscoveryRoot>('GET', '/api', { accept: discoveryAccept }),
      this.request<DiscoveryRoot>('GET', '/apis', { accept: discoveryAccept })
    ])
    const lists: APIResourceList[] = []
    const failed: string[] = []
    // As client-go's ServerGroupsAndResources: a group version that cannot be listed (an APIService whose backend
    // is down) is reported, not fatal.
    await Promise.all(
      groupVersionsToList(roots).map(groupVersion =>
        this.request<APIResourceList>('GET', groupVersionPath(groupVersion)).then(
          list => lists.push({ ...list, groupVersion }),
          () => failed.push(groupVersion)
        )
      )
    )
    return capabilitiesFrom(version, roots, lists, failed)
  }

  private async discover(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const list = await this.getPath<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>(
      groupVersionPath(apiVersion)
    )
    const map = new Map<string, ResourceInfo>()
    for (const resource of list?.resources ?? []) {
      if (resource.name.includes('/')) continue
      map.set(resource.kind, { plural: resource.name, namespaced: resource.namespaced, groupVersion: apiVersion })
    }
    return map
  }
}

const patchContentType: Record<Patch['type'], string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json'
}

const objectRef = (object: ApplyObject): ObjectRef => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  namespace: object.metadata.namespace,
  name: object.metadata.name
})

const writeQuery = (options: WriteOptions): RequestOptions['query'] => ({
  fieldManager: options.fieldManager,
  fieldValidation: options.strict ? 'Strict' : undefined,
  dryRun: options.dryRun ? 'All' : undefined
})

/** A response body's chunks; the response is destroyed with silent()'s error once nothing came for idleMs. */
async function* boundedChunks(
  response: http.IncomingMessage,
  idleMs: number,
  silent: () => Error
): AsyncGenerator<string> {
  response.setEncoding('utf8')
  const timer = setTimeout(() => response.destroy(silent()), idleMs)
  try {
    for await (const chunk of response as AsyncIterable<string>) {
      timer.refresh()
      yield chunk
      // The consumer's time with the chunk is not the server's silence.
      timer.refresh()
    }
  } finally {
    clearTimeout(timer)
  }
}

async function readBody(response: http.IncomingMessage, idleMs: number, silent: () => Error): Promise<string> {
  let text = ''
  for await (const chunk of boundedChunks(response, idleMs, silent)) text += chunk
  return text
}

// Node's own text for these ends in advice about --use-system-ca, which is not what a kubeconfig user can act on.
const untrustedCertificate = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE'
])

/** What to check when the API server's certificate is refused, by the TLS error's code. */
export function tlsAdvice(code: string): string | undefined {
  if (untrustedCertificate.has(code)) {
    return `its TLS certificate is not signed by the kubeconfig's certificate authority (${code}): check that the cluster's certificate-authority-data (or certificate-authority) is this cluster's CA and that server names this cluster`
  }
  if (code === 'CERT_HAS_EXPIRED')
    return `its TLS certificate has expired (${code}): the cluster's serving certificate needs renewing`
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `its TLS certificate does not name this address (${code}): use the server address the certificate was issued for (or tls-server-name in the kubeconfig's cluster)`
  return undefined
}
