import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ActionRun, deployInputs, kubectl, namespacesForThisFile, randomSha, runAction } from './harness.js'

const ns = namespacesForThisFile()
const b64 = (text: string): string => Buffer.from(text).toString('base64')

/** Everything a run shows: the log (its mask commands aside), stderr, the summary, the outputs and the manifests file. */
function visible(run: ActionRun): string {
  return [
    run.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n'),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    run.outputs['manifests-file'] ? readFileSync(run.outputs['manifests-file'], 'utf8') : ''
  ].join('\n')
}

describe('Secrets and credentials never reach a log, an output or the summary (issue 19)', () => {
  it('a dry run with a new Secret, a changed one and a Secret in a kind: List shows their keys only; the manifests file is 0600', async () => {
    const namespace = ns('redact')
    const canary = (name: string) => `canary-${name}-${randomSha().slice(0, 12)}`
    const values = {
      created: canary('created'),
      encoded: canary('encoded'),
      listed: canary('listed'),
      old: canary('old'),
      changed: canary('changed')
    }
    await kubectl(['create', 'namespace', namespace])
    // Written by client-side kubectl apply: its last-applied annotation repeats the data.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-redact-'))
    const existing = path.join(dir, 'existing.yaml')
    writeFileSync(
      existing,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: existing, namespace: ${namespace}}\ndata:\n  token: ${b64(values.old)}\n`
    )
    await kubectl(['apply', '-f', existing])
    const manifests = path.join(dir, 'secrets.yaml')
    writeFileSync(
      manifests,
      [
        `apiVersion: v1\nkind: Secret\nmetadata: {name: created}\nstringData:\n  password: ${values.created}\ndata:\n  api-key: ${b64(values.encoded)}\n`,
        `apiVersion: v1\nkind: Secret\nmetadata: {name: existing}\ndata:\n  token: ${b64(values.changed)}\n`,
        `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: listed-config}\n  data: {visible: yes-visible}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: listed}\n  stringData:\n    key: ${values.listed}\n`
      ].join('---\n')
    )
    const inputs = { mode: 'apply', manifests, namespace, timeout: '1m' }
    const dry = await runAction({ ...inputs, 'dry-run': 'true' }, { sha: randomSha(), secrets: Object.values(values) })
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.summary).toMatch(/Secret\/created: \d+ fields?<\/summary>/)
    expect(dry.summary).toContain('(redacted, ')
    expect(dry.summary).toMatch(/- data\.token: \(redacted, \d+ bytes\)\n\+ data\.token: \(redacted, \d+ bytes\)/)
    expect(dry.summary).toMatch(/Secret\/listed: \d+ fields?<\/summary>/)
    expect(dry.summary).toContain('yes-visible')
    const run = await runAction(inputs, { sha: randomSha(), secrets: Object.values(values) })
    expect(run.code).toBe(0)
    expect((await kubectl(['-n', namespace, 'get', 'secret', 'listed', '-o', 'jsonpath={.data.key}'])).trim()).toBe(
      b64(values.listed)
    )
    for (const result of [dry, run]) {
      const file = result.outputs['manifests-file']
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(readFileSync(file, 'utf8')).toMatch(/key: "\(redacted, \d+ bytes\)"/)
      const shown = visible(result)
      for (const value of Object.values(values)) {
        expect(shown).not.toContain(value)
        expect(shown).not.toContain(b64(value))
      }
    }
  }, 120_000)

  describe('a verify URL with user:password@ and ?token=', () => {
    const gate = { status: 200, asked: [] as Array<{ url: string; authorization?: string }> }
    const server = http.createServer((request, response) => {
      gate.asked.push({ url: request.url ?? '', authorization: request.headers.authorization })
      response.writeHead(gate.status).end()
    })
    let port = 0
    beforeAll(async () => {
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as AddressInfo).port
    })
    afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

    it('is sent with an Authorization header and logged and summarised without its credentials, passing or failing', async () => {
      const namespace = ns('gatecreds')
      const password = `pa55-${randomSha().slice(0, 12)}`
      const token = `t0k-${randomSha().slice(0, 12)}`
      const verify = `http://gate:${password}@127.0.0.1:${port}/healthz/{colour}?token=${token}-{colour}&colour={colour}`
      const inputs = (extra: Record<string, string> = {}) =>
        deployInputs(namespace, { strategy: 'blue-green', verify, ...extra })
      const first = await runAction(inputs(), { sha: randomSha(), secrets: [password, token] })
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(gate.asked).toContainEqual({
        url: `/healthz/blue?token=${token}-blue&colour=blue`,
        authorization: `Basic ${b64(`gate:${password}`)}`
      })
      expect(first.stdout).toContain(`Health gate: http://***@127.0.0.1:${port}/healthz/blue?token=***&colour=***`)
      expect(first.stdout).toContain(`::add-mask::${password}`)

      gate.status = 503
      let failed: ActionRun
      try {
        failed = await runAction(inputs({ 'verify-timeout': '3s' }), { sha: randomSha(), secrets: [password, token] })
      } finally {
        gate.status = 200
      }
      expect(failed.code).toBe(1)
      const shownUrl = `http://***@127.0.0.1:${port}/healthz/green?token=***&colour=***`
      expect(failed.stdout).toContain(`The health gate ${shownUrl} did not answer 2xx within 3 s (last: HTTP 503)`)
      expect(failed.summary).toContain(shownUrl)
      for (const run of [first, failed]) {
        const shown = visible(run)
        for (const secret of [password, token, b64(`gate:${password}`), encodeURIComponent(password)])
          expect(shown).not.toContain(secret)
      }
    }, 240_000)
  })
})
