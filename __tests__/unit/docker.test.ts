import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BuildPlan, buildCommand, Builder, builtDigest } from '../../src/build/docker.js'

const plan: BuildPlan = {
  context: 'app',
  dockerfile: 'app/Dockerfile',
  target: 'runtime',
  tags: ['r.io/a:1', 'r.io/a:latest'],
  buildArgs: [['BASE', 'busybox']],
  labels: [['org.opencontainers.image.revision', 'abc']],
  secretFiles: [{ id: 'npm', path: '/tmp/s/secret-0' }],
  cacheFrom: ['type=gha'],
  cacheTo: [],
  platforms: [],
  push: true,
  iidFile: '/tmp/s/iid',
  metadataFile: '/tmp/s/metadata.json'
}
const buildx: Builder = { kind: 'buildx', version: 'v0.20' }
const buildkit: Builder = { kind: 'buildkit', clientVersion: '20.10.24' }

describe('buildCommand', () => {
  it('builds with buildx, pushing in the same command and writing metadata', () => {
    expect(
      buildCommand({ ...plan, cacheTo: ['type=gha,mode=max'], platforms: ['linux/amd64', 'linux/arm64'] }, buildx)
    ).toEqual([
      'buildx',
      'build',
      '--file',
      'app/Dockerfile',
      '--target',
      'runtime',
      '--tag',
      'r.io/a:1',
      '--tag',
      'r.io/a:latest',
      '--build-arg',
      'BASE=busybox',
      '--label',
      'org.opencontainers.image.revision=abc',
      '--secret',
      'id=npm,src=/tmp/s/secret-0',
      '--cache-from',
      'type=gha',
      '--iidfile',
      '/tmp/s/iid',
      '--cache-to',
      'type=gha,mode=max',
      '--platform',
      'linux/amd64,linux/arm64',
      '--metadata-file',
      '/tmp/s/metadata.json',
      '--push',
      'app'
    ])
  })

  it('passes provenance and sbom to buildx, and pushes by digest without tags', () => {
    const args = buildCommand(
      { ...plan, provenance: 'mode=max', sbom: 'true', pushByDigest: 'r.io/a', platforms: ['linux/arm64'] },
      buildx
    )
    expect(args).toEqual(expect.arrayContaining(['--provenance=mode=max', '--sbom=true']))
    expect(args).not.toContain('--tag')
    expect(args).not.toContain('--push')
    expect(args.slice(args.indexOf('--output'), args.indexOf('--output') + 2)).toEqual([
      '--output',
      'type=image,name=r.io/a,push-by-digest=true,name-canonical=true,push=true'
    ])
  })

  it('loads instead of pushing when push is off', () => {
    expect(buildCommand({ ...plan, push: false }, buildx)).toContain('--load')
  })

  it('builds with the daemon BuildKit without buildx-only flags', () => {
    const args = buildCommand(plan, buildkit)
    expect(args.slice(0, 3)).toEqual(['build', '--file', 'app/Dockerfile'])
    expect(args).not.toContain('--push')
    expect(args).not.toContain('--metadata-file')
    expect(args.at(-1)).toBe('app')
  })

  it.each([
    [{ platforms: ['linux/arm64'] }, 'platforms needs docker buildx'],
    [{ cacheTo: ['type=local,dest=x'] }, 'cache-to needs docker buildx'],
    [{ provenance: 'mode=max' }, 'provenance needs docker buildx'],
    [{ sbom: 'true' }, 'sbom needs docker buildx'],
    [{ pushByDigest: 'r.io/a' }, 'push-by-digest needs docker buildx']
  ])('refuses buildx-only inputs without buildx: %j', (change, message) => {
    expect(() => buildCommand({ ...plan, ...change }, buildkit)).toThrow(message)
  })

  it('turns attestations off with buildx, and builds without buildx when they are false (nothing to turn off)', () => {
    expect(buildCommand({ ...plan, provenance: 'false', sbom: 'false' }, buildx)).toEqual(
      expect.arrayContaining(['--provenance=false', '--sbom=false'])
    )
    expect(() => buildCommand({ ...plan, provenance: 'false', sbom: 'false' }, buildkit)).not.toThrow()
  })

  it('keeps a hostile value one argument', () => {
    const args = buildCommand({ ...plan, buildArgs: [['X', '1; rm -rf / $(id)']] }, buildkit)
    expect(args).toContain('X=1; rm -rf / $(id)')
  })
})

describe('builtDigest', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-metadata-'))
  const file = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text)
    return path.join(dir, name)
  }
  const digest = `sha256:${'ab'.repeat(32)}`
  it.each([
    ['the index digest buildx reports', JSON.stringify({ 'containerimage.digest': digest }), digest],
    ['nothing without containerimage.digest (a --load build)', JSON.stringify({ 'buildx.build.ref': 'x' }), undefined],
    ['nothing from a value that is not a digest', JSON.stringify({ 'containerimage.digest': 'latest' }), undefined]
  ])('%s', async (name, text, expected) => {
    expect(await builtDigest(file(name.replace(/\W/g, '_'), text))).toBe(expected)
  })

  it('is undefined when buildx wrote no file, and an error naming the file when it is not JSON', async () => {
    expect(await builtDigest(path.join(dir, 'absent.json'))).toBeUndefined()
    await expect(builtDigest(file('broken.json', '{'))).rejects.toThrow(/metadata file that is not JSON .*broken\.json/)
  })
})
