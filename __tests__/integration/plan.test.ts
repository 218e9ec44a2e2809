// mode plan (issue 21.4): a pull request's deploy, dry-run against the live cluster, with drift since the last
// release and one sticky comment, against a loopback stand-in for GitHub's issue-comments API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import { AddressInfo } from 'node:net'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  liveImage,
  manifestCopy,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository
} from './harness.js'

const ns = namespacesForThisFile()

interface Comment {
  id: number
  body: string
}
const comments: Comment[] = []
const requests: Array<{ method: string; url: string }> = []
let server: http.Server
let apiUrl: string

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = ''
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      requests.push({ method: request.method!, url: request.url! })
      const answer = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(value))
      }
      const url = request.url!.split('?')[0]
      if (request.method === 'GET' && url === '/repos/acme/web/issues/7/comments') return answer(200, comments)
      if (request.method === 'POST' && url === '/repos/acme/web/issues/7/comments') {
        const comment = { id: 9000 + comments.length, body: JSON.parse(body).body }
        comments.push(comment)
        return answer(201, comment)
      }
      const edit = /^\/repos\/acme\/web\/issues\/comments\/(\d+)$/.exec(url)
      if (request.method === 'PATCH' && edit) {
        const comment = comments.find(c => c.id === Number(edit[1]))
        if (!comment) return answer(404, { message: 'Not Found' })
        comment.body = JSON.parse(body).body
        return answer(200, comment)
      }
      answer(404, { message: 'Not Found' })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server.close()
})

const withGreeting = (greeting: string) =>
  manifestCopy('app.yaml', text => text.replace('GREETING: hello', `GREETING: ${greeting}`))

describe('mode plan', () => {
  it('lists what a deploy of the branch changes, reports drift after a hand edit, and keeps one pull-request comment', async () => {
    const namespace = ns('plan')
    const a = randomSha()
    expect((await runAction(deployInputs(namespace, { manifests: withGreeting('hello') }), { sha: a })).code).toBe(0)
    // Edited by hand with a client-side kubectl apply (whose fields the action takes over), and scaled by hand through
    // the scale subresource (replicas is then the scaler's, which a deploy leaves alone: not drift).
    const edited = manifestCopy('app.yaml', text =>
      text.split('---')[0].replace('GREETING: hello', 'GREETING: edited-by-hand')
    )
    await kubectl(['-n', namespace, 'apply', '-f', edited])
    await kubectl(['-n', namespace, 'scale', 'deployment/web', '--replicas=4'])

    const pullRequest = {
      GITHUB_API_URL: apiUrl,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_REF_NAME: '7/merge'
    }
    const planInputs = (greeting: string) =>
      deployInputs(namespace, {
        mode: 'plan',
        manifests: withGreeting(greeting),
        'github-token': 'ghs_plantoken123',
        'registry-username': '',
        'registry-password': ''
      })
    const b = randomSha()
    const plan = await runAction(planInputs('bonjour'), {
      sha: b,
      extraEnv: pullRequest,
      secrets: ['ghs_plantoken123']
    })
    expect(plan.code).toBe(0)
    expect(plan.stdout).toContain('Would roll: deployment/web.')
    expect(plan.stdout).toContain('Drift since release 1 (changed in the cluster by hand or by another manager):')
    expect(plan.stdout).toContain('ConfigMap/web-config: data.GREETING: "hello" → "edited-by-hand"')
    expect(plan.stdout).not.toContain('Deployment/web: spec.replicas')
    expect(plan.summary).toContain('### Plan')
    expect(plan.summary).toContain('| Would change | ConfigMap/web-config, Deployment/web |')
    // Nothing written: the edited ConfigMap and the old image stay, and no release is recorded.
    expect((await kubectlJson(['-n', namespace, 'get', 'configmap', 'web-config'])).data.GREETING).toBe(
      'edited-by-hand'
    )
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${a}`)
    expect(
      (await kubectlJson(['-n', namespace, 'get', 'secrets', '-l', 'build-and-deploy/release=deploy'])).items
    ).toHaveLength(1)
    expect(comments).toHaveLength(1)
    expect(comments[0].body.split('\n').slice(0, 2)).toEqual([
      `<!-- build-and-deploy plan: deploy in ${namespace} -->`,
      `## build-and-deploy plan: \`deploy\` at \`${b.slice(0, 12)}\``
    ])
    expect(comments[0].body).toContain('+ ConfigMap/web-config data.GREETING: "edited-by-hand"')

    // A second push to the pull request: the same comment, edited.
    const again = await runAction(planInputs('bonjour'), {
      sha: randomSha(),
      extraEnv: pullRequest,
      secrets: ['ghs_plantoken123']
    })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`Plan comment updated on pull request #7 (comment ${comments[0].id}).`)
    expect(comments).toHaveLength(1)
    expect(requests.filter(r => r.method === 'POST')).toHaveLength(1)
    expect(requests.filter(r => r.method === 'PATCH')).toHaveLength(1)

    // The deploy of that branch changes exactly what the plan listed.
    const changed = (resources: string) =>
      JSON.parse(resources)
        .filter((r: any) => r.action !== 'unchanged')
        .map((r: any) => `${r.kind}/${r.name}:${r.action}`)
        .sort()
    const deployed = await runAction(deployInputs(namespace, { manifests: withGreeting('bonjour') }), { sha: b })
    expect(deployed.code).toBe(0)
    expect(changed(deployed.outputs.resources)).toEqual(changed(plan.outputs.resources))
    expect(changed(plan.outputs.resources)).toEqual(['ConfigMap/web-config:configured', 'Deployment/web:configured'])

    // A hand edit of a field the manifests set: the plan fails as the deploy would (the field is another
    // manager's now), and its drift says what changed.
    await kubectl(['-n', namespace, 'patch', 'configmap', 'web-config', '-p', '{"data":{"GREETING":"edited-by-hand"}}'])
    const conflict = await runAction(planInputs('bonjour'), {
      sha: randomSha(),
      extraEnv: pullRequest,
      secrets: ['ghs_plantoken123']
    })
    expect(conflict.code).toBe(1)
    expect(conflict.stdout).toContain('conflict with "kubectl-patch"')
    expect(conflict.stdout).toContain('ConfigMap/web-config: data.GREETING: "bonjour" → "edited-by-hand"')
    // The comment says so, instead of keeping the last plan that passed.
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toContain('**The deploy would fail:**')
    expect(comments[0].body).toContain('conflict with "kubectl-patch"')
  }, 300_000)
})
