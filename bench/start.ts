// 4. Start and size: from the process start to the first API request and to the first write, against a loopback
// stand-in for the API server, with V8's compile cache warm and empty; the size of dist/.
import { mkdtempSync, readdirSync, statSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { applyInputs, deployment, settle, writeManifest } from './cluster.ts'
import {
  action,
  type ActionOptions,
  beforeEntry,
  median,
  node,
  randomSha,
  root,
  round,
  runs,
  timed
} from './measure.ts'

export async function benchColdStart() {
  await settle()
  // A loopback stand-in for the API server records when the first request arrives and when the first write
  // (the dry-run apply) does. It answers discovery and the namespace check as a cluster would, refuses the write,
  // and the run then fails fast.
  let firstRequestAt = 0
  let firstWriteAt = 0
  const answers: Record<string, object> = {
    '/api/v1': {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        { name: 'namespaces', kind: 'Namespace', namespaced: false },
        { name: 'configmaps', kind: 'ConfigMap', namespaced: true }
      ]
    },
    '/apis/apps/v1': {
      kind: 'APIResourceList',
      groupVersion: 'apps/v1',
      resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }]
    },
    '/api/v1/namespaces/default': { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'default' } }
  }
  const server = http.createServer((request, response) => {
    const at = performance.now()
    if (!firstRequestAt) firstRequestAt = at
    const answer = request.method === 'GET' ? answers[new URL(request.url ?? '/', 'http://x').pathname] : undefined
    if (request.method !== 'GET' && !firstWriteAt) firstWriteAt = at
    response.writeHead(answer ? 200 : 403, { 'content-type': 'application/json' })
    response.end(JSON.stringify(answer ?? { kind: 'Status', code: 403, message: 'bench' }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const kubeconfig = `apiVersion: v1\nclusters: [{name: b, cluster: {server: 'http://127.0.0.1:${port}'}}]\nusers: [{name: b, user: {token: t}}]\ncontexts: [{name: b, context: {cluster: b, user: b}}]\ncurrent-context: b\n`
  const dir = writeManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n' + deployment('d', 1))
  const toFirstRequest: number[] = []
  const toFirstWrite: number[] = []
  const coldCache = { toFirstRequest: [] as number[], toFirstWrite: [] as number[] }
  const before = { toFirstRequest: [] as number[], toFirstWrite: [] as number[] }
  const bare: number[] = []
  // The action keeps V8's compile cache in NODE_COMPILE_CACHE (else the OS temp directory): one directory for the
  // bench's warm runs, and an empty one for each cold run, as on a fresh runner.
  const warmCache = mkdtempSync(path.join(os.tmpdir(), 'bench-compile-cache-'))
  const once = async (
    into: { toFirstRequest: number[]; toFirstWrite: number[] },
    options: ActionOptions
  ): Promise<void> => {
    firstRequestAt = 0
    firstWriteAt = 0
    const started = performance.now()
    const run = await action({ ...applyInputs(dir, 'default'), kubeconfig, lock: 'false' }, randomSha(), options)
    if (!firstWriteAt) throw new Error(`the action sent no write to the stand-in:\n${run.output.slice(-1500)}`)
    into.toFirstRequest.push(firstRequestAt - started)
    into.toFirstWrite.push(firstWriteAt - started)
  }
  for (let i = 0; i < Math.max(runs, 7) * 3; i++) {
    await once({ toFirstRequest, toFirstWrite }, { env: { NODE_COMPILE_CACHE: warmCache } })
    await once(coldCache, { env: { NODE_COMPILE_CACHE: mkdtempSync(path.join(os.tmpdir(), 'bench-compile-cache-')) } })
    // NODE_COMPILE_CACHE would turn the cache on for any build: the older one runs as it would on a runner.
    if (beforeEntry) await once(before, { bundle: beforeEntry, env: { NODE_COMPILE_CACHE: undefined } })
    bare.push((await timed(node, ['-e', '0'])).ms)
  }
  server.close()
  const size = (dir: string): number =>
    readdirSync(dir).reduce((sum, name) => {
      const file = path.join(dir, name)
      return sum + (statSync(file).isDirectory() ? size(file) : statSync(file).size)
    }, 0)
  const m = median(toFirstRequest)
  return {
    toFirstApiRequestMedianMs: round(m),
    toFirstWriteMedianMs: round(median(toFirstWrite)),
    coldCache: {
      toFirstApiRequestMedianMs: round(median(coldCache.toFirstRequest)),
      toFirstWriteMedianMs: round(median(coldCache.toFirstWrite))
    },
    ...(beforeEntry
      ? {
          before: {
            toFirstApiRequestMedianMs: round(median(before.toFirstRequest)),
            toFirstWriteMedianMs: round(median(before.toFirstWrite))
          }
        }
      : {}),
    bareNodeStartMedianMs: round(median(bare)),
    ratioVsBareNode: round(m / median(bare), 2),
    distBytes: size(path.join(root, 'dist')),
    mainBundleBytes: statSync(path.join(root, 'dist/index.js')).size,
    samples: { toFirstRequest, toFirstWrite, coldCache, before, bare }
  }
}
