import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { env, kubectl, kubectlJson, randomSha, repoRoot, runAction, uniqueName } from './harness.js'

/**
 * .github/workflows/deploy.yml run by act (nektos/act, built by env:up) on this machine
 * (-P ubuntu-latest=-self-hosted: no runner image can be pulled), against the local environment.
 */
const namespace = uniqueName('act')
const work = mkdtempSync(path.join(os.tmpdir(), 'bnd-act-'))
const registry = `${env.BND_REGISTRY}/acme`
const image = `${registry}/web`

const others: string[] = []
afterAll(async () => {
  await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', namespace, ...others])
})

/** The example's web and API objects, naming the local registry's repositories. */
function writeManifests(dir: string): string {
  execFileSync('mkdir', ['-p', dir])
  for (const name of ['web.yaml', 'api.yaml']) {
    writeFileSync(
      path.join(dir, name),
      readFileSync(path.join(repoRoot, 'manifests/base', name), 'utf8').replaceAll('ghcr.io/acme/', `${registry}/`)
    )
  }
  return dir
}

function act(
  args: string[],
  vars: { namespace?: string; strategy?: string } = {}
): Promise<{ code: number; output: string; durationMs: number }> {
  // The workflow's manifests name ghcr.io/acme/*; here the local registry stands in for it.
  const manifests = writeManifests(path.join(work, 'manifests'))
  writeFileSync(
    path.join(work, 'vars'),
    `REGISTRY=${registry}\nBASE_IMAGE=${env.BND_BASE_IMAGE}\nGO_IMAGE=${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch\nMANIFESTS=${manifests}\nNAMESPACE=${vars.namespace ?? namespace}\n` +
      (vars.strategy ? `STRATEGY=${vars.strategy}\n` : '')
  )
  writeFileSync(
    path.join(work, 'secrets'),
    `REGISTRY_USERNAME=${env.BND_REGISTRY_USER}\nREGISTRY_PASSWORD=${env.BND_REGISTRY_PASSWORD}\nKUBECONFIG=${readFileSync(env.KUBECONFIG).toString('base64')}\n`,
    { mode: 0o600 }
  )
  const started = Date.now()
  const child = spawn(
    env.BND_ACT,
    [
      ...args,
      '-W',
      '.github/workflows/deploy.yml',
      '-P',
      'ubuntu-latest=-self-hosted',
      '--var-file',
      path.join(work, 'vars'),
      '--secret-file',
      path.join(work, 'secrets')
    ],
    // node24 actions run on the node first on PATH: Node 24 from the npm package, as on GitHub.
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PATH: `${path.join(repoRoot, 'node_modules/node/bin')}:${env.PATH}`,
        KUBECONFIG: env.KUBECONFIG
      }
    }
  )
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  return new Promise(resolve =>
    child.on('close', code => resolve({ code: code ?? -1, output, durationMs: Date.now() - started }))
  )
}

/** The earlier release, deployed by the action itself with `strategy`, that the workflow's runs start from. */
async function release(target: string, strategy: string): Promise<string> {
  const sha = randomSha()
  const inputs = {
    image,
    context: 'example/web',
    build: `${registry}/api=example/api`,
    'build-args': `BASE=${env.BND_BASE_IMAGE}\nGO_IMAGE=${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch`,
    'registry-username': env.BND_REGISTRY_USER,
    'registry-password': env.BND_REGISTRY_PASSWORD,
    manifests: writeManifests(path.join(work, `earlier-${target}`)),
    namespace: target,
    'create-namespace': 'true',
    strategy
  }
  expect((await runAction(inputs, { sha })).code).toBe(0)
  return sha
}
const liveImage = async (): Promise<string> =>
  (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image

describe('deploy.yml under act', () => {
  it('deploys on push, then rolls back by workflow_dispatch', async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim()
    // An earlier release to roll back to.
    const earlier = await release(namespace, 'rolling')

    const push = await act(['push'], { strategy: 'rolling' })
    expect(push.output).toContain('🏁  Job succeeded')
    expect(push.code).toBe(0)
    expect(push.output).toContain("GitHub Deployment for environment 'production' skipped: running under act")
    expect(push.output).not.toContain(env.BND_REGISTRY_PASSWORD)
    expect(await liveImage()).toBe(`${image}:${head}`)
    expect(push.output).toContain(`"api":{"image":"${registry}/api:${head}"`)

    const rollback = await act(
      ['workflow_dispatch', '--input', 'rollback-to=previous', '--input', 'environment=staging'],
      { strategy: 'rolling' }
    )
    expect(rollback.code).toBe(0)
    // The push recorded a release after the earlier one's: the whole earlier release comes back.
    expect(rollback.output).toContain(`rollback-to previous: release 1 (commit ${earlier.slice(0, 12)}`)
    expect(rollback.output).toMatch(/deployment\/web \(\S+\) configured/)
    expect(await liveImage()).toBe(`${image}:${earlier}`)
    const history = await act(['workflow_dispatch', '--input', 'mode=history', '--input', 'environment=staging'], {
      strategy: 'rolling'
    })
    expect(history.code).toBe(0)
    expect(history.output).toContain(head.slice(0, 7))
    console.log(`act push: ${push.durationMs} ms; act workflow_dispatch rollback: ${rollback.durationMs} ms`)
  }, 300_000)
})

const selectedColour = async (target: string): Promise<string> =>
  (await kubectlJson(['-n', target, 'get', 'service', 'web'])).spec.selector['build-and-deploy/colour']

describe('deploy.yml strategies under act', () => {
  it('production deploys blue-green on push, and rollback-to previous switches back', async () => {
    const target = uniqueName('act-bg')
    others.push(target)
    await release(target, 'blue-green')
    expect(await selectedColour(target)).toBe('blue')
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim()
    const push = await act(['push'], { namespace: target })
    expect(push.code).toBe(0)
    expect(push.output).toContain('live colour: green')
    expect(await selectedColour(target)).toBe('green')
    expect(
      (await kubectlJson(['-n', target, 'get', 'deployment', 'web-green'])).spec.template.spec.containers[0].image
    ).toBe(`${image}:${head}`)
    const back = await act(
      ['workflow_dispatch', '--input', 'rollback-to=previous', '--input', 'environment=production'],
      { namespace: target }
    )
    expect(back.code).toBe(0)
    expect(back.output).toContain('Switched service/api, service/web back to blue.')
    expect(await selectedColour(target)).toBe('blue')
  }, 300_000)

  it('a canary on push, promoted by workflow_dispatch; the next one aborted', async () => {
    const target = uniqueName('act-canary')
    others.push(target)
    const released = await release(target, 'canary')
    const push = await act(['push'], { namespace: target, strategy: 'canary' })
    expect(push.code).toBe(0)
    expect(push.output).toContain('canary: canary')
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim()
    expect(
      (await kubectlJson(['-n', target, 'get', 'deployment', 'web-canary'])).spec.template.spec.containers[0].image
    ).toBe(`${image}:${head}`)
    const promote = await act(['workflow_dispatch', '--input', 'mode=promote', '--input', 'environment=production'], {
      namespace: target,
      strategy: 'canary'
    })
    expect(promote.code).toBe(0)
    expect(promote.output).toContain('canary: promoted')
    expect((await kubectlJson(['-n', target, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image).toBe(
      `${image}:${head}`
    )
    expect(await kubectl(['-n', target, 'get', 'deployment', 'web-canary', '--ignore-not-found', '-o', 'name'])).toBe(
      ''
    )

    // Another canary, aborted by workflow_dispatch: deleted, stable as it was. Stable first goes back to the earlier
    // image, since a push of the commit stable already runs changes no template and starts no canary (issue 18).
    await kubectl(['-n', target, 'set', 'image', 'deployment/web', `web=${image}:${released}`])
    expect((await act(['push'], { namespace: target, strategy: 'canary' })).output).toContain('canary: canary')
    const abort = await act(['workflow_dispatch', '--input', 'mode=abort', '--input', 'environment=production'], {
      namespace: target,
      strategy: 'canary'
    })
    expect(abort.code).toBe(0)
    expect(abort.output).toContain('canary: aborted')
    expect(await kubectl(['-n', target, 'get', 'deployment', 'web-canary', '--ignore-not-found', '-o', 'name'])).toBe(
      ''
    )
    expect((await kubectlJson(['-n', target, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image).toBe(
      `${image}:${released}`
    )
  }, 300_000)
})
