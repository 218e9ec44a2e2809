import { describe, expect, it } from '@jest/globals'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { env, kubectl, kubectlJson, uniqueName } from './harness.js'

const execFileAsync = promisify(execFile)
const docker = (args: string[], input?: string) =>
  spawnSync(env.BND_DOCKER, args, {
    input,
    encoding: 'utf8',
    env: { ...process.env, PATH: env.PATH, DOCKER_BUILDKIT: '1' }
  })

/** The local environment itself (issue: real local environment): what every other test relies on. */
describe('local environment', () => {
  const namespace = uniqueName('env')

  it('has a real control plane with at least 3 Ready kwok nodes', async () => {
    const version = await kubectlJson(['version'])
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.(3[4-9]|[4-9]\d)\./)
    const nodes = await kubectlJson(['get', 'nodes'])
    const ready = nodes.items.filter((n: any) =>
      n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True')
    )
    expect(ready.length).toBeGreaterThanOrEqual(3)
  })

  it('rolls out a 3-replica Deployment, crash-loops and misses a progress deadline on request', async () => {
    await kubectl(['create', 'namespace', namespace])
    const deployment = (name: string, fault?: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  replicas: ${fault ? 1 : 3}
  ${extra}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}${fault ? `, bnd.dev/fault: ${fault}` : ''}}}
    spec: {containers: [{name: main, image: ${env.BND_REGISTRY}/it/env:1}]}
`
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-env-'))
    writeFileSync(
      path.join(dir, 'all.yaml'),
      [
        deployment('ok'),
        deployment('crash', 'crashloop'),
        deployment('stuck', 'never-ready', 'progressDeadlineSeconds: 10')
      ].join('---\n')
    )
    await kubectl(['apply', '-f', path.join(dir, 'all.yaml')])
    await expect(kubectl(['-n', namespace, 'rollout', 'status', 'deployment/ok', '--timeout=60s'])).resolves.toContain(
      'successfully rolled out'
    )

    const stuck = execFileAsync(
      env.BND_KUBECTL,
      ['-n', namespace, 'rollout', 'status', 'deployment/stuck', '--timeout=60s'],
      { env: { ...process.env, KUBECONFIG: env.KUBECONFIG } }
    )
    await expect(stuck).rejects.toMatchObject({ stderr: expect.stringContaining('exceeded its progress deadline') })

    const pods = await kubectlJson(['-n', namespace, 'get', 'pods', '-l', 'app=crash'])
    expect(pods.items[0].status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff')
  }, 90_000)

  it('builds a multi-stage Dockerfile on the local base, pushes with auth, and refuses a wrong password', () => {
    const context = mkdtempSync(path.join(os.tmpdir(), 'bnd-build-'))
    writeFileSync(
      path.join(context, 'Dockerfile'),
      `ARG BASE\nFROM \${BASE} AS build\nRUN echo staged > /artifact\nFROM \${BASE}\nCOPY --from=build /artifact /artifact\nCMD ["cat", "/artifact"]\n`
    )
    const tag = `${env.BND_REGISTRY}/it/env:${Date.now()}`
    expect(docker(['build', '-q', '--build-arg', `BASE=${env.BND_BASE_IMAGE}`, '-t', tag, context]).status).toBe(0)
    expect(docker(['run', '--rm', tag]).stdout.trim()).toBe('staged')

    const wrong = docker(
      ['login', '-u', env.BND_REGISTRY_USER, '--password-stdin', env.BND_REGISTRY],
      'not-the-password'
    )
    expect(wrong.status).not.toBe(0)
    expect(wrong.stderr).toMatch(/401 Unauthorized/)

    expect(
      docker(['login', '-u', env.BND_REGISTRY_USER, '--password-stdin', env.BND_REGISTRY], env.BND_REGISTRY_PASSWORD)
        .status
    ).toBe(0)
    const pushed = docker(['push', tag])
    expect(pushed.status).toBe(0)
    const tags = spawnSync(
      'curl',
      [
        '-sf',
        '-u',
        `${env.BND_REGISTRY_USER}:${env.BND_REGISTRY_PASSWORD}`,
        `http://${env.BND_REGISTRY}/v2/it/env/tags/list`
      ],
      { encoding: 'utf8' }
    )
    expect(JSON.parse(tags.stdout).tags).toContain(tag.split(':').pop())
    expect(
      spawnSync(
        'curl',
        ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${env.BND_REGISTRY}/v2/it/env/tags/list`],
        { encoding: 'utf8' }
      ).stdout
    ).toBe('401')
  }, 120_000)
})
