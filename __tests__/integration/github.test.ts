import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import { AddressInfo } from 'node:net'
import { deployInputs, kubectl, randomSha, runAction, uniqueName } from './harness.js'

/**
 * GitHub's API cannot be reached from here, so a loopback server stands in for the two Deployments
 * endpoints and records what the action sends; GITHUB_API_URL points the action at it.
 */
interface Recorded {
  method: string
  url: string
  auth?: string
  body: any
}

let server: http.Server
let apiUrl: string
const recorded: Recorded[] = []
const namespaces: string[] = []

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = ''
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      recorded.push({
        method: request.method!,
        url: request.url!,
        auth: request.headers.authorization,
        body: body ? JSON.parse(body) : undefined
      })
      response.writeHead(201, { 'content-type': 'application/json' })
      response.end(JSON.stringify(request.url!.endsWith('/deployments') ? { id: 4242 } : { id: 1, state: 'ok' }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.close()
  if (namespaces.length > 0) await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...namespaces])
})

describe('GitHub Deployments', () => {
  it('records a deployment of the commit with statuses in_progress then success', async () => {
    const namespace = uniqueName('ghd')
    namespaces.push(namespace)
    const sha = randomSha()
    const run = await runAction(
      deployInputs(namespace, {
        environment: 'staging',
        'environment-url': 'https://staging.example.test',
        'github-token': 'ghs_testtoken123'
      }),
      {
        sha,
        extraEnv: { GITHUB_API_URL: apiUrl }
      }
    )
    expect(run.code).toBe(0)
    expect(recorded.map(r => `${r.method} ${r.url}`)).toEqual([
      'POST /repos/acme/web/deployments',
      'POST /repos/acme/web/deployments/4242/statuses',
      'POST /repos/acme/web/deployments/4242/statuses'
    ])
    expect(recorded[0].body).toMatchObject({
      ref: sha,
      environment: 'staging',
      auto_merge: false,
      required_contexts: []
    })
    expect(recorded.slice(1).map(r => r.body.state)).toEqual(['in_progress', 'success'])
    expect(recorded[2].body.environment_url).toBe('https://staging.example.test')
    expect(recorded[0].auth).toBe('token ghs_testtoken123')
    expect(
      run.stdout
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n')
    ).not.toContain('ghs_testtoken123')
  }, 120_000)

  it('skips with one notice under act or without a token, and still deploys', async () => {
    const namespace = uniqueName('ghd-skip')
    namespaces.push(namespace)
    const before = recorded.length
    const underAct = await runAction(deployInputs(namespace, { environment: 'staging', 'github-token': 'ghs_x' }), {
      sha: randomSha(),
      extraEnv: { ACT: 'true', GITHUB_API_URL: apiUrl }
    })
    expect(underAct.code).toBe(0)
    expect(underAct.stdout).toContain(
      "::notice::GitHub Deployment for environment 'staging' skipped: running under act, which has no GitHub API."
    )
    const noToken = await runAction(deployInputs(namespace, { environment: 'staging' }), {
      sha: randomSha(),
      extraEnv: { GITHUB_API_URL: apiUrl }
    })
    expect(noToken.code).toBe(0)
    expect(noToken.stdout).toContain('skipped: no github-token.')
    const unreachable = await runAction(deployInputs(namespace, { environment: 'staging', 'github-token': 'ghs_x' }), {
      sha: randomSha(),
      extraEnv: { GITHUB_API_URL: 'http://127.0.0.1:9' }
    })
    expect(unreachable.code).toBe(0)
    expect(unreachable.stdout).toMatch(/skipped: the GitHub API failed/)
    expect(recorded.length).toBe(before)
  }, 120_000)
})
