import { describe, expect, it } from '@jest/globals'
import { BuildPlan, buildCommand, Builder } from '../../src/build/docker.js'

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
    [{ cacheTo: ['type=local,dest=x'] }, 'cache-to needs docker buildx']
  ])('refuses buildx-only inputs without buildx: %j', (change, message) => {
    expect(() => buildCommand({ ...plan, ...change }, buildkit)).toThrow(message)
  })

  it('keeps a hostile value one argument', () => {
    const args = buildCommand({ ...plan, buildArgs: [['X', '1; rm -rf / $(id)']] }, buildkit)
    expect(args).toContain('X=1; rm -rf / $(id)')
  })
})
