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

afterAll(async () => {
  await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', namespace])
})

/** The example's web and API objects, naming the local registry's repositories. */
function writeManifests(dir: string): string {
  execFileSync('mkdir', ['-p', dir])
  for (const name of ['web.yaml', 'api.yaml']) {
    writeFileSync(path.join(dir, name), readFileSync(path.join(repoRoot, 'manifests/base', name), 'utf8').replaceAll('ghcr.io/acme/', `${registry}/`))
  }
  return dir
}

function act(args: string[]): Promise<{ code: number; output: string; durationMs: number }> {
  // The workflow's manifests name ghcr.io/acme/*; here the local registry stands in for it.
  const manifests = writeManifests(path.join(work, 'manifests'))
  writeFileSync(
    path.join(work, 'vars'),
    `REGISTRY=${registry}\nBASE_IMAGE=${env.BND_BASE_IMAGE}\nGO_IMAGE=${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch\nMANIFESTS=${manifests}\nNAMESPACE=${namespace}\n`
  )
  writeFileSync(
    path.join(work, 'secrets'),
    `REGISTRY_USERNAME=${env.BND_REGISTRY_USER}\nREGISTRY_PASSWORD=${env.BND_REGISTRY_PASSWORD}\nKUBECONFIG=${readFileSync(env.KUBECONFIG).toString('base64')}\n`,
    { mode: 0o600 }
  )
  const started = Date.now()
  const child = spawn(
    env.BND_ACT,
    [...args, '-W', '.github/workflows/deploy.yml', '-P', 'ubuntu-latest=-self-hosted', '--var-file', path.join(work, 'vars'), '--secret-file', path.join(work, 'secrets')],
    // node24 actions run on the node first on PATH: Node 24 from the npm package, as on GitHub.
    { cwd: repoRoot, env: { ...process.env, PATH: `${path.join(repoRoot, 'node_modules/node/bin')}:${env.PATH}`, KUBECONFIG: env.KUBECONFIG } }
  )
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  return new Promise(resolve => child.on('close', code => resolve({ code: code ?? -1, output, durationMs: Date.now() - started })))
}

const liveImage = async (): Promise<string> => (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image

describe('deploy.yml under act', () => {
  it('deploys on push, then rolls back by workflow_dispatch', async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim()
    // An earlier release to roll back to.
    const earlier = randomSha()
    const manifestsDir = writeManifests(path.join(work, 'earlier'))
    const first = await runAction(
      {
        image,
        context: 'example/web',
        build: `${registry}/api=example/api`,
        'build-args': `BASE=${env.BND_BASE_IMAGE}\nGO_IMAGE=${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch`,
        'registry-username': env.BND_REGISTRY_USER,
        'registry-password': env.BND_REGISTRY_PASSWORD,
        manifests: manifestsDir,
        namespace,
        'create-namespace': 'true'
      },
      { sha: earlier }
    )
    expect(first.code).toBe(0)

    const push = await act(['push'])
    expect(push.output).toContain('🏁  Job succeeded')
    expect(push.code).toBe(0)
    expect(push.output).toContain("GitHub Deployment for environment 'production' skipped: running under act")
    expect(push.output).not.toContain(env.BND_REGISTRY_PASSWORD)
    expect(await liveImage()).toBe(`${image}:${head}`)
    expect(push.output).toContain(`"api":{"image":"${registry}/api:${head}"`)

    const rollback = await act(['workflow_dispatch', '--input', 'rollback-to=previous', '--input', 'environment=staging'])
    expect(rollback.code).toBe(0)
    expect(rollback.output).toContain('deployment/web: rolled back to revision 1')
    expect(await liveImage()).toBe(`${image}:${earlier}`)
    console.log(`act push: ${push.durationMs} ms; act workflow_dispatch rollback: ${rollback.durationMs} ms`)
  }, 300_000)
})
