// The runner's build path for real (issue 22.1, 22.3, 22.6): buildx v0.38 driving a buildkitd of its own (remote
// driver), as docker/setup-buildx-action sets it up, with the 28.x docker client. Every other integration test builds
// without buildx (Debian's docker 20.10 and the daemon's BuildKit), so the fallback stays tested beside this.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { env, liveImage, manifestCopy, namespacesForThisFile, randomSha, runAction } from './harness.js'

const run = promisify(execFile)
const ns = namespacesForThisFile()
const buildx = env as typeof env & Record<string, string | undefined>
const registry = env.BND_REGISTRY
const auth = `Basic ${Buffer.from(`${env.BND_REGISTRY_USER}:${env.BND_REGISTRY_PASSWORD}`).toString('base64')}`
const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

let dockerConfig: string
let dockerBin: string

/** What setup-buildx-action leaves a job: the plugin in DOCKER_CONFIG, a builder named in BUILDX_BUILDER. */
function buildxEnv(): Record<string, string> {
  return {
    DOCKER_CONFIG: dockerConfig,
    BUILDX_CONFIG: buildx.BND_BUILDX_CONFIG!,
    BUILDX_BUILDER: buildx.BND_BUILDX_BUILDER!,
    PATH: `${dockerBin}:${env.PATH}`
  }
}

beforeAll(() => {
  if (!buildx.BND_BUILDX_PLUGIN)
    throw new Error('The local environment has no buildx: run scripts/env/up.sh --tests (npm test does).')
  dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'bnd-buildx-config-'))
  mkdirSync(path.join(dockerConfig, 'cli-plugins'))
  symlinkSync(buildx.BND_BUILDX_PLUGIN, path.join(dockerConfig, 'cli-plugins', 'docker-buildx'))
  dockerBin = mkdtempSync(path.join(os.tmpdir(), 'bnd-buildx-bin-'))
  symlinkSync(buildx.BND_BUILDX_DOCKER!, path.join(dockerBin, 'docker'))
})

afterAll(() => {
  for (const dir of [dockerConfig, dockerBin]) if (dir) rmSync(dir, { recursive: true, force: true })
})

async function registryGet(repository: string, kind: 'manifests' | 'blobs', ref: string): Promise<Response> {
  return fetch(`http://${registry}/v2/${repository}/${kind}/${ref}`, {
    headers: { Authorization: auth, Accept: manifestTypes },
    signal: AbortSignal.timeout(30_000)
  })
}

async function manifestJson(repository: string, ref: string): Promise<any> {
  const response = await registryGet(repository, 'manifests', ref)
  expect(response.status).toBe(200)
  return response.json()
}

/** The digest a tag names, or undefined when the registry has no such tag. */
async function tagDigest(repository: string, tag: string): Promise<string | undefined> {
  const response = await registryGet(repository, 'manifests', tag)
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined
}

/** One file of a gzipped tar layer (ustar: 512-byte headers, name and prefix fields, octal size). */
function fileInLayer(layer: Buffer, wanted: string): Buffer | undefined {
  const tar = gunzipSync(layer)
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every(byte => byte === 0)) return undefined
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const name = [field(345, 155), field(0, 100)]
      .filter(Boolean)
      .join('/')
      .replace(/^\.?\//, '')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    if (name === wanted) return tar.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return undefined
}

/** A file of the image `digest` names (for an index: its image of `platform`), read from its layers, top first. */
async function fileInImage(repository: string, digest: string, file: string, platform?: string): Promise<Buffer> {
  let manifest = await manifestJson(repository, digest)
  if (manifest.manifests) {
    const entry = manifest.manifests.find(
      (m: any) => `${m.platform?.os}/${m.platform?.architecture}` === (platform ?? 'linux/amd64')
    )
    expect(entry).toBeDefined()
    manifest = await manifestJson(repository, entry.digest)
  }
  for (const layer of [...manifest.layers].reverse()) {
    const blob = Buffer.from(await (await registryGet(repository, 'blobs', layer.digest)).arrayBuffer())
    const found = fileInLayer(blob, file)
    if (found) return found
  }
  throw new Error(`${file} is in no layer of ${repository}@${digest}`)
}

/** ELF e_machine: 62 is x86-64, 183 is AArch64. */
const elfMachine = (binary: Buffer): number => binary.readUInt16LE(18)

function apiManifest(repository: string): string {
  return manifestCopy('app.yaml', text => text.replace(`${registry}/it/web:dev`, `${repository}:dev`))
}

describe('buildx and BuildKit, for real', () => {
  it('builds the example API for linux/amd64 and linux/arm64 by cross-compiling, with provenance and a registry cache, and deploys the index digest', async () => {
    const namespace = ns('bx-api')
    const name = `bx/api-${randomSha().slice(0, 8)}`
    const repository = `${registry}/${name}`
    const cacheRef = `${repository}:buildcache`
    const inputs = (extra: Record<string, string>) => ({
      image: repository,
      context: 'example/api',
      'build-args': `GO_IMAGE=${registry}/${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch`,
      platforms: 'linux/amd64,linux/arm64',
      provenance: 'mode=max',
      // A file-listing SPDX generator of the environment's (scripts/env/sbom-scanner): syft's cannot be had here.
      sbom: `generator=${buildx.BND_SBOM_GENERATOR}`,
      'registry-username': env.BND_REGISTRY_USER,
      'registry-password': env.BND_REGISTRY_PASSWORD,
      manifests: apiManifest(repository),
      namespace,
      'create-namespace': 'true',
      'pin-digest': 'true',
      timeout: '2m',
      ...extra
    })
    const a = randomSha()
    const first = await runAction(inputs({ 'cache-to': `type=registry,ref=${cacheRef},mode=max` }), {
      sha: a,
      extraEnv: buildxEnv()
    })
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('Building with github.com/docker/buildx v0.38')
    // The digest is the index's, as buildx's metadata file and the registry's tag both name it.
    const index = await tagDigest(name, a)
    expect(first.outputs.digest).toBe(index)
    expect(await liveImage(namespace)).toBe(`${repository}:${a}@${index}`)
    const listed = await manifestJson(name, index!)
    expect(listed.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    const platforms = listed.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture}`)
    expect(platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64', 'unknown/unknown']))
    expect(first.summary).toContain('platforms linux/amd64, linux/arm64')
    expect(first.summary).toContain(
      'attestations: provenance (SLSA v1) for linux/amd64, linux/arm64; SBOM (SPDX) for linux/amd64, linux/arm64'
    )
    // The arm64 image's SBOM lists the binary that image holds, by its digest.
    const arm64 = listed.manifests.find((m: any) => m.platform.architecture === 'arm64')
    const sbomManifest = listed.manifests.find(
      (m: any) => m.annotations?.['vnd.docker.reference.digest'] === arm64.digest
    )
    const layer = (await manifestJson(name, sbomManifest.digest)).layers.find(
      (l: any) => l.annotations['in-toto.io/predicate-type'] === 'https://spdx.dev/Document'
    )
    const spdx: any = await (await registryGet(name, 'blobs', layer.digest)).json()
    const binary = await fileInImage(name, index!, 'api', 'linux/arm64')
    expect(spdx.predicate.files).toContainEqual(
      expect.objectContaining({
        fileName: '/api',
        checksums: [{ algorithm: 'SHA256', checksumValue: createHash('sha256').update(binary).digest('hex') }]
      })
    )
    // Each platform's binary is of its own architecture: cross-compiled on amd64, no emulation.
    expect(elfMachine(await fileInImage(name, index!, 'api', 'linux/amd64'))).toBe(62)
    expect(elfMachine(await fileInImage(name, index!, 'api', 'linux/arm64'))).toBe(183)
    expect(await tagDigest(name, 'buildcache')).toMatch(/^sha256:/)

    // buildkitd's own cache emptied: the next commit's build finds its steps in the registry cache only.
    const prune = await run(path.join(dockerBin, 'docker'), ['buildx', 'prune', '--all', '--force'], {
      env: { ...process.env, ...buildxEnv() }
    })
    expect(prune.stderr + prune.stdout).not.toMatch(/error/i)
    const b = randomSha()
    const second = await runAction(inputs({ 'cache-from': `type=registry,ref=${cacheRef}` }), {
      sha: b,
      extraEnv: buildxEnv()
    })
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/importing cache manifest from .*buildcache/)
    // The arm64 binary's compile step (run on amd64: amd64->arm64) comes from the cache, not a compiler.
    expect(second.stdout).toMatch(
      /(#\d+) \[linux\/amd64->arm64 build[^\]]*\] RUN [^\n]*go build[^\n]*\n(?:[^\n]*\n)*?\1 CACHED/
    )
    expect(await liveImage(namespace)).toBe(`${repository}:${b}@${second.outputs.digest}`)

    // The same commit again: skip-existing reads the index (attestation entries and all) and reuses it.
    const rerun = await runAction(inputs({}), { sha: b, extraEnv: buildxEnv() })
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).toContain('skip-existing: not rebuilding')
    expect(rerun.stdout).not.toContain('Building with')
    expect(rerun.outputs.digest).toBe(second.outputs.digest)
    expect(rerun.summary).toContain('reused (tag existed), platforms linux/amd64, linux/arm64')
    expect(JSON.parse(rerun.outputs.resources).find((r: any) => r.kind === 'Deployment').action).toBe('unchanged')
  }, 600_000)

  it('stops at a target stage, mounts a build secret, pushes every tag, and exports a local cache', async () => {
    const namespace = ns('bx-app')
    const name = `bx/app-${randomSha().slice(0, 8)}`
    const repository = `${registry}/${name}`
    const context = mkdtempSync(path.join(os.tmpdir(), 'bnd-buildx-app-'))
    const cache = path.join(context, '.cache-out')
    // The last stage is not the one deployed: target picks runtime.
    writeFileSync(
      path.join(context, 'Dockerfile'),
      [
        'ARG BASE',
        'FROM ${BASE} AS runtime',
        'RUN --mount=type=secret,id=token test -s /run/secrets/token && wc -c < /run/secrets/token > /token-length',
        'CMD ["cat", "/token-length"]',
        'FROM runtime AS debug',
        'RUN touch /debug-stage',
        ''
      ].join('\n')
    )
    const token = `tok-${randomSha()}`
    const result = await runAction(
      {
        image: repository,
        context,
        target: 'runtime',
        'build-args': `BASE=${registry}/${env.BND_BASE_IMAGE}`,
        'build-secrets': `token=${token}`,
        'extra-tags': 'v{run_number}',
        latest: 'true',
        'cache-to': `type=local,dest=${cache}`,
        'registry-username': env.BND_REGISTRY_USER,
        'registry-password': env.BND_REGISTRY_PASSWORD,
        manifests: manifestCopy('app.yaml', text => text.replace(`${registry}/it/web:dev`, `${repository}:dev`)),
        namespace,
        'create-namespace': 'true',
        timeout: '2m'
      },
      { sha: randomSha(), extraEnv: buildxEnv(), secrets: [token] }
    )
    try {
      expect(result.code).toBe(0)
      const digest = result.outputs.digest
      for (const tag of [result.outputs.image.split(':').pop()!, 'v12', 'latest'])
        expect(await tagDigest(name, tag)).toBe(digest)
      expect(result.outputs.tags.split('\n')).toHaveLength(3)
      expect((await fileInImage(name, digest, 'token-length')).toString().trim()).toBe(String(token.length))
      await expect(fileInImage(name, digest, 'debug-stage')).rejects.toThrow('is in no layer')
      expect(existsSync(path.join(cache, 'index.json'))).toBe(true)
    } finally {
      rmSync(context, { recursive: true, force: true })
    }
  }, 300_000)

  it('merges per-platform legs pushed by digest (one runner each) into one index with images-from, and deploys it', async () => {
    const namespace = ns('bx-merge')
    const name = `bx/merge-${randomSha().slice(0, 8)}`
    const repository = `${registry}/${name}`
    const sha = randomSha()
    const common = {
      image: repository,
      context: 'example/api',
      'registry-username': env.BND_REGISTRY_USER,
      'registry-password': env.BND_REGISTRY_PASSWORD
    }
    const legs = []
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const leg = await runAction(
        {
          ...common,
          mode: 'build',
          'build-args': `GO_IMAGE=${registry}/${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch`,
          platforms: platform,
          'push-by-digest': 'true'
        },
        { sha, extraEnv: buildxEnv() }
      )
      expect(leg.code).toBe(0)
      expect(leg.outputs['image-ref']).toMatch(new RegExp(`^${repository.replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}$`))
      expect(leg.summary).toContain('none (pushed by digest)')
      legs.push(leg.outputs['image-ref'])
    }
    // Untagged: only the merge names this commit.
    expect(await tagDigest(name, sha)).toBeUndefined()

    // A cluster that refuses the deploy (no such namespace, create-namespace off): nothing is merged or tagged.
    const refused = await runAction(
      {
        ...common,
        mode: 'apply',
        'images-from': legs.join('\n'),
        manifests: apiManifest(repository),
        namespace: `${namespace}-absent`,
        timeout: '2m'
      },
      { sha, extraEnv: buildxEnv() }
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(`${namespace}-absent`)
    expect(await tagDigest(name, sha)).toBeUndefined()

    const merged = await runAction(
      {
        ...common,
        mode: 'apply',
        'images-from': legs.join('\n'),
        manifests: apiManifest(repository),
        namespace,
        'create-namespace': 'true',
        timeout: '2m'
      },
      { sha, extraEnv: buildxEnv() }
    )
    expect(merged.code).toBe(0)
    const index = await tagDigest(name, sha)
    expect(merged.outputs.digest).toBe(index)
    expect(merged.outputs.tags.split('\n')).toEqual([`${repository}:${sha}`])
    expect(merged.summary).toContain('platforms linux/amd64, linux/arm64')
    expect(merged.summary).toContain('provenance (SLSA v1) for linux/amd64, linux/arm64')
    expect(await liveImage(namespace)).toBe(`${repository}:${sha}`)
    expect(elfMachine(await fileInImage(name, index!, 'api', 'linux/arm64'))).toBe(183)
  }, 600_000)
})
