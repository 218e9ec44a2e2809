import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { mkdtempSync } from 'node:fs'
import path from 'node:path'
import { KubeClient } from '../../src/kube/client.js'
import { KubeTimeoutError } from '../../src/kube/errors.js'
import { KubeTarget, resolveKubeTarget } from '../../src/kube/kubeconfig.js'

// Issue 19: an API server that accepts the connection and never answers must not hang the run.

const token = 'secret-token-that-must-not-leak'

const targetAt = (url: string): KubeTarget => ({
  server: new URL(url),
  tls: { rejectUnauthorized: false },
  contextName: 'test',
  authenticate: async () => ({ Authorization: `Bearer ${token}` })
})

interface Loopback {
  origin: string
  /** Requests (plain HTTP) or connections (raw TCP) the server saw. */
  seen: number
}

let closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.map(close => close()))
  closers = []
})

/** A TCP server that accepts every connection and never sends a byte. */
async function silentServer(): Promise<Loopback> {
  const sockets = new Set<net.Socket>()
  const state = { origin: '', seen: 0 }
  const server = net.createServer(socket => {
    state.seen++
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  state.origin = `127.0.0.1:${(server.address() as AddressInfo).port}`
  closers.push(() => new Promise(resolve => (sockets.forEach(s => s.destroy()), server.close(() => resolve()))))
  return state
}

/** An HTTP server whose handler is given the request's ordinal; a handler that returns without answering stalls. */
async function httpServer(
  handle: (n: number, request: http.IncomingMessage, response: http.ServerResponse) => void
): Promise<Loopback> {
  const state = { origin: '', seen: 0 }
  const server = http.createServer((request, response) => handle(++state.seen, request, response))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  closers.push(() => new Promise(resolve => (server.closeAllConnections(), server.close(() => resolve()))))
  return state
}

const client = (origin: string, timeouts: ConstructorParameters<typeof KubeClient>[1]): KubeClient => {
  const kube = new KubeClient(targetAt(origin), timeouts)
  closers.push(async () => kube.close())
  return kube
}

async function failure(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now()
  try {
    await promise
  } catch (error) {
    return { error: error as Error, ms: Date.now() - started }
  }
  throw new Error('expected the request to fail')
}

describe('KubeClient timeouts', () => {
  it('gives up on a GET to a server that never answers within the stall limit, retrying meanwhile, naming the endpoint', async () => {
    const server = await silentServer()
    const kube = client(`http://${server.origin}`, { responseTimeoutMs: 200, stallLimitMs: 700 })
    await kube.authenticate()
    const { error, ms } = await failure(kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team', name: 'x' }))
    expect(error).toBeInstanceOf(KubeTimeoutError)
    expect(error.message).toMatch(
      new RegExp(
        `^The Kubernetes API at http://${server.origin} did not answer GET /api/v1/namespaces/team/configmaps/x within 0\\.2 s \\(timed out\\); \\d attempts in 0\\.\\d s\\.$`
      )
    )
    expect(error.message).not.toContain(token)
    // Retried while the stall limit leaves room for the backoff; one attempt past it at most.
    expect(ms).toBeGreaterThanOrEqual(400)
    expect(ms).toBeLessThan(5000)
    expect(server.seen).toBeGreaterThan(1)
  })

  it('reports a POST that timed out without sending it again', async () => {
    const server = await httpServer(() => undefined)
    const kube = client(server.origin, { responseTimeoutMs: 200, stallLimitMs: 5000 })
    const { error, ms } = await failure(
      kube.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { namespace: 'team', name: 'x' } })
    )
    expect(error.message).toBe(
      `The Kubernetes API at ${server.origin} did not answer POST /apis/coordination.k8s.io/v1/namespaces/team/leases within 0.2 s (timed out); not sent again, since the POST may have taken effect.`
    )
    expect(ms).toBeLessThan(5000)
    expect(server.seen).toBe(1)
  })

  it('retries a server-side apply PATCH that timed out, since applying twice is applying once', async () => {
    const server = await httpServer((n, _, response) => {
      if (n > 1) response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"kind":"ConfigMap"}')
    })
    const kube = client(server.origin, { responseTimeoutMs: 200, stallLimitMs: 5000 })
    const applied = await kube.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'team', name: 'x' } },
      { fieldManager: 'test' }
    )
    expect(applied).toEqual({ kind: 'ConfigMap' })
    expect(server.seen).toBe(2)
  })

  it('reports a merge patch that timed out without sending it again', async () => {
    const server = await httpServer(() => undefined)
    const kube = client(server.origin, { responseTimeoutMs: 200, stallLimitMs: 5000 })
    const { error } = await failure(
      kube.patch(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team', name: 'web' },
        { type: 'merge', body: { spec: { replicas: 0 } } },
        { subresource: 'scale' }
      )
    )
    expect(error.message).toBe(
      `The Kubernetes API at ${server.origin} did not answer PATCH /apis/apps/v1/namespaces/team/deployments/web/scale within 0.2 s (timed out); not sent again, since the PATCH may have taken effect.`
    )
    expect(server.seen).toBe(1)
  })

  it('answers a GET that stalled once through its retry', async () => {
    const server = await httpServer((n, _, response) => {
      if (n > 1) response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"major":"1","minor":"34"}')
    })
    const kube = client(server.origin, { responseTimeoutMs: 200, stallLimitMs: 5000 })
    expect(await kube.request('GET', '/version')).toEqual({ major: '1', minor: '34' })
    expect(server.seen).toBe(2)
  })

  it('fails a response whose body stops coming', async () => {
    const server = await httpServer((_, __, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.write('{"items": [')
    })
    const kube = client(server.origin, { responseTimeoutMs: 200, stallLimitMs: 500 })
    const { error, ms } = await failure(kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'team' }))
    expect(error.message).toMatch(
      new RegExp(
        `^The Kubernetes API at ${server.origin} stopped sending the response to GET /api/v1/namespaces/team/pods: nothing for 0\\.2 s \\(timed out\\)`
      )
    )
    expect(ms).toBeLessThan(5000)
  })

  it('bounds the TLS handshake of a server that accepts the TCP connection and says nothing', async () => {
    const server = await silentServer()
    const kube = client(`https://${server.origin}`, {
      connectTimeoutMs: 200,
      responseTimeoutMs: 1000,
      stallLimitMs: 700
    })
    const { error, ms } = await failure(
      kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team', name: 'x' })
    )
    expect(error.message).toMatch(
      new RegExp(
        `^The Kubernetes API at https://${server.origin} did not accept a connection for DELETE /api/v1/namespaces/team/configmaps/x within 0\\.2 s \\(timed out\\)`
      )
    )
    expect(ms).toBeLessThan(5000)
    // Nothing was sent, so even a DELETE is tried again.
    expect(server.seen).toBeGreaterThan(1)
  })

  it("names the endpoint when the caller's own AbortSignal.timeout cuts a request", async () => {
    const server = await silentServer()
    const kube = client(`http://${server.origin}`, { responseTimeoutMs: 10_000, stallLimitMs: 60_000 })
    const { error, ms } = await failure(
      kube.get(
        { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'team', name: 'x' },
        { signal: AbortSignal.timeout(200) }
      )
    )
    expect(error.message).toMatch(
      new RegExp(
        `^The Kubernetes API at http://${server.origin} did not answer GET /apis/coordination.k8s.io/v1/namespaces/team/leases/x within 0\\.2 s \\(timed out\\)\\.$`
      )
    )
    expect(ms).toBeLessThan(5000)
  })

  it('gives a call after a spent stall limit one short attempt, and a server that answers again its full time', async () => {
    let answer = false
    const server = await httpServer((_, __, response) => {
      if (answer) response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
    })
    const kube = client(server.origin, { responseTimeoutMs: 300, stallLimitMs: 300 })
    await failure(kube.request('GET', '/api'))
    const { ms } = await failure(kube.request('GET', '/apis'))
    expect(ms).toBeLessThan(1500)
    answer = true
    expect(await kube.request('GET', '/apis')).toEqual({})
  })
})

describe('KubeClient.close', () => {
  it('ends a request in flight and its retries at once (a lock renewal must not outlive the run)', async () => {
    const server = await silentServer()
    const kube = client(`http://${server.origin}`, { responseTimeoutMs: 10_000, stallLimitMs: 60_000 })
    const pending = failure(
      kube.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'team', name: 'x' })
    )
    await new Promise(resolve => setTimeout(resolve, 100))
    kube.close()
    const { ms } = await pending
    expect(ms).toBeLessThan(5000)
    const { error } = await failure(kube.request('GET', '/api'))
    expect(error.message).toMatch(/aborted|closed/)
  })
})

describe('KubeClient watch timeouts', () => {
  const event = (name: string): string =>
    `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name, resourceVersion: name } } })}\n`

  it('fails a watch whose server sends no headers', async () => {
    const server = await silentServer()
    const kube = client(`http://${server.origin}`, { responseTimeoutMs: 200, stallLimitMs: 5000 })
    const { error, ms } = await failure(
      kube
        .watch(
          { apiVersion: 'v1', kind: 'Pod', namespace: 'team' },
          { timeoutSeconds: 60 },
          new AbortController().signal
        )
        .next()
    )
    expect(error.message).toBe(
      `The Kubernetes API at http://${server.origin} did not answer GET /api/v1/namespaces/team/pods within 0.2 s (timed out).`
    )
    expect(ms).toBeLessThan(5000)
  })

  it('ends a watch silent well past its timeoutSeconds', async () => {
    const server = await httpServer((_, __, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.write(event('a'))
    })
    const kube = client(server.origin, { responseTimeoutMs: 200, stallLimitMs: 5000 })
    const names: string[] = []
    const started = Date.now()
    const { error } = await failure(
      (async () => {
        for await (const e of kube.watch<{ metadata: { name: string } }>(
          { apiVersion: 'v1', kind: 'Pod', namespace: 'team' },
          { timeoutSeconds: 1 },
          new AbortController().signal
        ))
          names.push(e.object.metadata.name)
      })()
    )
    expect(names).toEqual(['a'])
    expect(error.message).toBe(
      `The Kubernetes API at ${server.origin} sent nothing on the watch /api/v1/namespaces/team/pods for 1.2 s, well past its timeoutSeconds (timed out).`
    )
    expect(Date.now() - started).toBeLessThan(8000)
  })

  it('keeps a healthy watch that lasts longer than its idle bound', async () => {
    const server = await httpServer((_, __, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders()
      let sent = 0
      const timer = setInterval(() => {
        response.write(event(String(++sent)))
        if (sent < 6) return
        clearInterval(timer)
        response.end()
      }, 400)
    })
    const kube = client(server.origin, { responseTimeoutMs: 200, stallLimitMs: 5000 })
    const names: string[] = []
    // Idle bound 1.2 s; the watch lasts 2.4 s.
    for await (const e of kube.watch<{ metadata: { name: string } }>(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'team' },
      { timeoutSeconds: 1 },
      new AbortController().signal
    ))
      names.push(e.object.metadata.name)
    expect(names).toEqual(['1', '2', '3', '4', '5', '6'])
  })
})

describe('exec credential plugin bound', () => {
  const withPlugin = (command: string, args: string[]): string => `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster: {server: 'https://127.0.0.1:6443'}
users:
- name: u1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${JSON.stringify(command)}
      args: ${JSON.stringify(args)}
      interactiveMode: Never
contexts:
- name: one
  context: {cluster: c1, user: u1}
`
  const home = () => mkdtempSync(path.join(os.tmpdir(), 'home-'))

  it.each([
    ['a plugin that never exits', process.execPath, ['-e', 'setTimeout(() => {}, 60000)']],
    // The shell's child keeps the output pipe open after the shell is killed, unless its whole group goes.
    ['a shell script whose child hangs', '/bin/sh', ['-c', 'sleep 60; echo done']]
  ])('stops %s', async (_, command, args) => {
    const target = resolveKubeTarget({ kubeconfig: withPlugin(command, args) }, { HOME: home() }, 300)
    const { error, ms } = await failure(target.authenticate())
    expect(error.message).toBe(
      `The exec credential plugin of user 'u1' (${command}) did not finish within 0.3 s and was stopped (timed out).`
    )
    expect(ms).toBeLessThan(8000)
  })
})
