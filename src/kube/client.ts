import http from 'node:http'
import https from 'node:https'
import { APIResourceList, capabilitiesFrom, discoveryAccept, DiscoveryRoot, groupVersionsToList, ServerCapabilities, ServerVersion } from './capabilities.js'
import { KubeTarget } from './kubeconfig.js'

export interface KubeStatus {
  kind?: string
  code?: number
  reason?: string
  message?: string
  details?: { kind?: string; name?: string; causes?: Array<{ field?: string; message?: string; reason?: string }> }
}

/** An error answer of the API server, with its Status body. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly status: KubeStatus,
    readonly method: string,
    readonly path: string
  ) {
    super(status.message || `${method} ${path}: HTTP ${statusCode}`)
    this.name = 'KubeApiError'
  }
}

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

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: T
}

export interface ResourceInfo {
  /** URL path segment, e.g. deployments. */
  plural: string
  namespaced: boolean
  /** apiVersion the resource was found under. */
  groupVersion: string
}

interface ListResult<T> {
  metadata: { resourceVersion: string }
  items: T[]
}

// As client-go: 429 (API Priority and Fairness) and the gateway codes are retried; a 500 only when the server
// says when to retry (Retry-After), since server-side apply reports deterministic errors as 500 too.
const retriableCodes = new Set([429, 502, 503, 504])
const isRetriable = (statusCode: number, retryAfter: string | string[] | undefined): boolean =>
  retriableCodes.has(statusCode) || (statusCode >= 500 && retryAfter !== undefined)
const retriableErrors = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'])
const maxAttempts = 6

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
  })

/** Exponential backoff with full jitter, capped, honouring Retry-After from API Priority and Fairness. */
export function retryDelayMs(attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds && retryAfterSeconds > 0) return Math.min(retryAfterSeconds * 1000, 10_000)
  const cap = Math.min(200 * 2 ** attempt, 5_000)
  return cap / 2 + Math.random() * (cap / 2)
}

/**
 * The one place that talks to the Kubernetes API. Plain HTTP(S) with a keep-alive agent rather than
 * client-node's generated clients: the action sends raw objects (the generated models drop unknown fields,
 * kubernetes-client/javascript#2400, which would hide a misspelt field from strict validation) and watches
 * with its own 410 handling.
 */
export class KubeClient {
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

  constructor(private readonly target: KubeTarget) {
    this.server = target.server
    this.namespace = target.namespace
    const secure = target.server.protocol === 'https:'
    // One keep-alive pool for every call and watch: a TLS handshake per request would dominate the apply.
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 64, ...target.tls }) : new http.Agent({ keepAlive: true, maxSockets: 64 })
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

  close(): void {
    this.agent.destroy()
  }

  private url(apiPath: string, query?: RequestOptions['query']): URL {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + apiPath, this.server)
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value))
    return url
  }

  private send(method: string, url: URL, options: RequestOptions): Promise<http.IncomingMessage> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    return new Promise((resolve, reject) => {
      const request = this.transport.request(
        url,
        {
          agent: this.agent,
          method,
          signal: options.signal,
          headers: {
            ...this.headers,
            Accept: options.accept ?? 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) })
          }
        },
        resolve
      )
      request.on('error', reject)
      request.end(body)
    })
  }

  /** One API call, retried with backoff on 429, 5xx and dropped connections. */
  async request<T>(method: string, apiPath: string, options: RequestOptions = {}): Promise<T> {
    const url = this.url(apiPath, options.query)
    for (let attempt = 0; ; attempt++) {
      let response: http.IncomingMessage
      try {
        response = await this.send(method, url, options)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? ''
        if (options.signal?.aborted) throw error
        if (retriableErrors.has(code) && attempt + 1 < maxAttempts) {
          await sleep(retryDelayMs(attempt), options.signal)
          continue
        }
        throw new Error(`Cannot reach the Kubernetes API at ${this.server.origin} (${method} ${url.pathname}): ${(error as Error).message}`, { cause: error })
      }
      const text = await readBody(response)
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

  async get<T>(apiPath: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', apiPath, { signal })
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404) return undefined
      throw error
    }
  }

  list<T>(apiPath: string, query?: RequestOptions['query'], signal?: AbortSignal): Promise<ListResult<T>> {
    return this.request<ListResult<T>>('GET', apiPath, { query, signal })
  }

  /**
   * Streams watch events until the server closes the stream. Errors (including 410 Gone) surface as thrown
   * KubeApiErrors or ERROR events; the caller re-lists.
   */
  async *watch<T>(apiPath: string, query: RequestOptions['query'], signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const url = this.url(apiPath, { ...query, watch: true, allowWatchBookmarks: true })
    const response = await this.send('GET', url, { signal })
    if (response.statusCode !== 200) {
      const text = await readBody(response)
      let status: KubeStatus
      try {
        status = JSON.parse(text) as KubeStatus
      } catch {
        status = { code: response.statusCode, message: text.slice(0, 200) }
      }
      throw new KubeApiError(response.statusCode ?? 0, status, 'WATCH', url.pathname)
    }
    response.setEncoding('utf8')
    let buffered = ''
    for await (const chunk of response as AsyncIterable<string>) {
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
      version = this.get<{ preferredVersion?: { groupVersion: string } }>(`/apis/${group}`).then(found => found?.preferredVersion?.groupVersion)
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
        this.request<APIResourceList>('GET', groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`).then(
          list => lists.push({ ...list, groupVersion }),
          () => failed.push(groupVersion)
        )
      )
    )
    return capabilitiesFrom(version, roots, lists, failed)
  }

  private async discover(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const apiPath = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
    const list = await this.get<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>(apiPath)
    const map = new Map<string, ResourceInfo>()
    for (const resource of list?.resources ?? []) {
      if (resource.name.includes('/')) continue
      map.set(resource.kind, { plural: resource.name, namespaced: resource.namespaced, groupVersion: apiVersion })
    }
    return map
  }
}

/** The REST path of a resource collection or object. */
export function resourcePath(apiVersion: string, info: ResourceInfo, namespace?: string, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  return `${base}${ns}/${info.plural}${name ? `/${encodeURIComponent(name)}` : ''}`
}

/** The REST path of a namespaced object whose resource is known by name (no discovery needed). */
export function namespacedPath(apiVersion: string, plural: string, namespace: string, name: string): string {
  return resourcePath(apiVersion, { plural, namespaced: true, groupVersion: apiVersion }, namespace, name)
}

async function readBody(response: http.IncomingMessage): Promise<string> {
  response.setEncoding('utf8')
  let text = ''
  for await (const chunk of response as AsyncIterable<string>) text += chunk
  return text
}
