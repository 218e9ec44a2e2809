import http from 'node:http'
import https from 'node:https'
import { AddressInfo, Socket } from 'node:net'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export interface FaultPlan {
  /** Answer every Nth request (not watches) with an error instead of forwarding it; deterministic, so a retry
   * always gets through within the client's attempts. */
  errorEvery: number
  /** Statuses to inject, in turn: 429 as API Priority and Fairness sends it (with Retry-After), 500/503. */
  statuses: number[]
  /** At most this many injected errors, so the run always ends. */
  maxErrors: number
  /** Cut each watch connection this long after it opened, mid-stream. */
  dropWatchAfterMs: number
  /** At most this many cuts. */
  maxDrops: number
  /** Answer every real (not dry-run) write to a path ending so with a 500 without Retry-After: a write that fails
   * after validation passed, which the client does not retry. */
  refuseWritesTo?: string
  /**
   * From the first request this matches on, the proxy goes silent as a hung API server does: that request and
   * every later one stay unanswered, and open responses (watches) send nothing more. Connections are still accepted.
   */
  stallWhen?: (method: string, url: string) => boolean
}

export interface FaultStats {
  forwarded: number
  injected: Record<number, number>
  drops: number
  watches: number
  /** When the stall began (Date.now()). */
  stalledAt?: number
}

/**
 * A plain-HTTP reverse proxy on loopback in front of the local kube-apiserver, authenticating upstream with the
 * kubeconfig's client certificate, that injects error answers and cuts connections, bounded in count.
 */
export async function startFaultProxy(
  kubeconfigPath: string,
  plan: FaultPlan
): Promise<{ url: string; stats: FaultStats; stall: () => void; stop: () => Promise<void> }> {
  const config = parse(readFileSync(kubeconfigPath, 'utf8'))
  const context = config.contexts.find((c: any) => c.name === config['current-context']).context
  const cluster = config.clusters.find((c: any) => c.name === context.cluster).cluster
  const user = config.users.find((u: any) => u.name === context.user).user
  const read = (data?: string, file?: string) =>
    data ? Buffer.from(data, 'base64') : file ? readFileSync(file) : undefined
  const upstream = new URL(cluster.server)
  const agent = new https.Agent({
    keepAlive: true,
    ca: read(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: read(user['client-certificate-data'], user['client-certificate']),
    key: read(user['client-key-data'], user['client-key'])
  })
  const stats: FaultStats = { forwarded: 0, injected: {}, drops: 0, watches: 0 }
  const sockets = new Set<Socket>()
  let errors = 0
  let requests = 0
  const open = new Set<http.IncomingMessage>()
  const stall = (): void => {
    stats.stalledAt ??= Date.now()
    for (const upstreamResponse of open) upstreamResponse.unpipe()
  }
  const server = http.createServer((request, response) => {
    if (stats.stalledAt === undefined && plan.stallWhen?.(request.method ?? '', request.url ?? '')) stall()
    if (stats.stalledAt !== undefined) return
    const isWatch = /[?&]watch=(true|1)/.test(request.url ?? '')
    if (isWatch) {
      stats.watches++
      const timer = setTimeout(() => {
        if (stats.drops >= plan.maxDrops) return
        stats.drops++
        request.socket.destroy()
      }, plan.dropWatchAfterMs)
      response.on('close', () => clearTimeout(timer))
    }
    const [pathname, search = ''] = (request.url ?? '').split('?')
    if (
      plan.refuseWritesTo &&
      request.method === 'PATCH' &&
      pathname.endsWith(plan.refuseWritesTo) &&
      !/(^|&)dryRun=/.test(search)
    ) {
      stats.injected[500] = (stats.injected[500] ?? 0) + 1
      response.writeHead(500, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 500,
          reason: 'InternalError',
          message: 'injected write failure'
        })
      )
      return
    }
    if (!isWatch && errors < plan.maxErrors && ++requests % plan.errorEvery === 0) {
      const status = plan.statuses[errors++ % plan.statuses.length]
      stats.injected[status] = (stats.injected[status] ?? 0) + 1
      // 429 from API Priority and Fairness and a 500 from a server that knows it is transient carry Retry-After.
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(status !== 503 ? { 'retry-after': '1' } : {})
      })
      response.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: status,
          reason: status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
          message: `injected ${status}`
        })
      )
      return
    }
    stats.forwarded++
    const forward = https.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: { ...request.headers, host: upstream.host },
        agent
      },
      upstreamResponse => {
        if (stats.stalledAt !== undefined) return
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers)
        open.add(upstreamResponse)
        upstreamResponse.on('close', () => open.delete(upstreamResponse))
        upstreamResponse.pipe(response)
        upstreamResponse.on('error', () => response.destroy())
      }
    )
    forward.on('error', () => response.destroy())
    request.pipe(forward)
    response.on('close', () => forward.destroy())
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    /** Goes silent as stallWhen does, at once. */
    stall,
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      agent.destroy()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

/** A kubeconfig for the proxy: plain HTTP on loopback, no credentials (the proxy authenticates upstream). */
export const proxyKubeconfig = (url: string) => `apiVersion: v1
kind: Config
clusters: [{name: proxy, cluster: {server: '${url}'}}]
users: [{name: proxy, user: {}}]
contexts: [{name: proxy, context: {cluster: proxy, user: proxy}}]
current-context: proxy
`
