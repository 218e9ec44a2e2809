/**
 * The README's quick start, run as pasted by act against the local environment. Only what names the user's world is
 * swapped: the action's `uses:` for a copy of this checkout, ghcr.io for the local registry, and the job's
 * GITHUB_TOKEN and actor for the registry's credentials.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { execFileSync, spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { env, kubectl, kubectlJson, repoRoot, uniqueName } from './harness.js'

/** The first yaml block under the README's "## Quick start" heading. */
function quickStart(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const match = /```yaml\n([\s\S]*?)```/.exec(section)
  if (!match) throw new Error('README.md has no yaml block under ## Quick start')
  return match[1]
}

const namespace = uniqueName('quick')
afterAll(async () => {
  await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', namespace])
})

describe('the README quick start', () => {
  it('is at most 15 lines and deploys on push as pasted', async () => {
    const pasted = quickStart()
    expect(pasted.trim().split('\n').length).toBeLessThanOrEqual(15)
    const uses = /uses: (\S+\/build-and-deploy@\S+)/.exec(pasted)?.[1]
    const image = /image: (ghcr\.io\/\S+)/.exec(pasted)?.[1]
    const manifestsDir = /manifests: (\S+)/.exec(pasted)?.[1]
    expect([uses, image, manifestsDir].every(Boolean)).toBe(true)
    const local = image!.replace('ghcr.io/', `${env.BND_REGISTRY}/`)

    // A repository as the quick start describes it: a Dockerfile at its root and manifests naming the image.
    const repo = mkdtempSync(path.join(os.tmpdir(), 'bnd-quick-'))
    mkdirSync(path.join(repo, '.github/workflows'), { recursive: true })
    writeFileSync(
      path.join(repo, '.github/workflows/deploy.yml'),
      pasted.replace(uses!, './.action').replaceAll(image!, local)
    )
    for (const entry of ['action.yml', 'dist'])
      cpSync(path.join(repoRoot, entry), path.join(repo, '.action', entry), { recursive: true })
    writeFileSync(path.join(repo, 'Dockerfile'), `FROM ${env.BND_BASE_IMAGE}\nCMD ["httpd", "-f", "-p", "8080"]\n`)
    mkdirSync(path.join(repo, manifestsDir!), { recursive: true })
    writeFileSync(
      path.join(repo, manifestsDir!, 'app.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: '${local}:dev'}]\n`
    )
    const git = (args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        encoding: 'utf8'
      })
    git(['init', '-q', '-b', 'main'])
    git(['add', '.'])
    git(['commit', '-qm', 'quick start'])
    const sha = git(['rev-parse', 'HEAD']).trim()

    // The cluster's kubeconfig, its context in a namespace of the test's (objects that name none go there).
    await kubectl(['create', 'namespace', namespace])
    const admin = await kubectlJson(['config', 'view', '--raw', '--minify', '--flatten'])
    admin.contexts[0].context.namespace = namespace
    const secrets = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-quick-secrets-')), 'secrets')
    writeFileSync(
      secrets,
      `KUBECONFIG=${Buffer.from(JSON.stringify(admin)).toString('base64')}\nGITHUB_TOKEN=${env.BND_REGISTRY_PASSWORD}\n`,
      { mode: 0o600 }
    )

    const child = spawn(
      env.BND_ACT,
      ['push', '-P', 'ubuntu-latest=-self-hosted', '--secret-file', secrets, '--actor', env.BND_REGISTRY_USER],
      {
        cwd: repo,
        env: { ...process.env, PATH: `${path.join(repoRoot, 'node_modules/node/bin')}:${env.PATH}` }
      }
    )
    let output = ''
    child.stdout.on('data', chunk => (output += chunk))
    child.stderr.on('data', chunk => (output += chunk))
    const code = await new Promise<number>(resolve => child.on('close', c => resolve(c ?? -1)))
    expect(output).toContain('🏁  Job succeeded')
    expect(code).toBe(0)
    expect(output).not.toContain(env.BND_REGISTRY_PASSWORD)
    const live = await kubectlJson(['-n', namespace, 'get', 'deployment', 'api'])
    expect(live.spec.template.spec.containers[0].image).toBe(`${local}:${sha}`)
    expect(live.status.readyReplicas).toBe(2)
  }, 300_000)
})
