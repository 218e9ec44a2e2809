// 6. Build: both example images through the action (mode build), cold and after a source-only change, against a
// plain cold docker build; and the same through buildx and the environment's buildkitd (the runners' path): cold
// with a registry cache exported, and rebuilt after a source-only change from that registry cache alone.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { action, baseEnv, localEnv as envFile, median, randomSha, root, round, runs } from './measure.ts'

export async function benchBuild() {
  const docker = envFile.BND_DOCKER
  const dockerEnv = { ...baseEnv, DOCKER_BUILDKIT: '1' }
  const contexts = mkdtempSync(path.join(os.tmpdir(), 'bench-build-'))
  // `dir/.` copies the contents; path.join would drop the trailing `.`.
  for (const app of ['api', 'web']) {
    mkdirSync(path.join(contexts, app))
    execFileSync('cp', ['-r', `${path.join(root, 'example', app)}/.`, path.join(contexts, app)])
  }
  const buildArgs = `BASE=${envFile.BND_BASE_IMAGE}\nGO_IMAGE=${envFile.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch`
  const inputs = {
    mode: 'build',
    build: `${envFile.BND_REGISTRY}/bench/api=${contexts}/api\n${envFile.BND_REGISTRY}/bench/web=${contexts}/web`,
    'build-args': buildArgs,
    'skip-existing': 'false',
    'registry-username': envFile.BND_REGISTRY_USER,
    'registry-password': envFile.BND_REGISTRY_PASSWORD
  }
  const first: number[] = []
  const rebuild: number[] = []
  const plainFirst: number[] = []
  for (let i = 0; i < runs; i++) {
    // A cold builder: no cached layers and no Go build cache (the base images stay).
    execFileSync(docker, ['builder', 'prune', '-af'], { env: dockerEnv, stdio: 'ignore' })
    const a = await action(inputs, randomSha())
    if (a.code !== 0) throw new Error(a.output.slice(-2000))
    first.push(a.ms)
    // A source-only change of the API: its module layer stays cached, its build reuses Go's cache.
    writeFileSync(
      path.join(contexts, 'api/cmd/api/bench.go'),
      `package main\n\nconst benchRun = "${i}-${Date.now()}"\n`
    )
    const b = await action(inputs, randomSha())
    if (b.code !== 0) throw new Error(b.output.slice(-2000))
    rebuild.push(b.ms)
    execFileSync(docker, ['builder', 'prune', '-af'], { env: dockerEnv, stdio: 'ignore' })
    const started = performance.now()
    for (const app of ['api', 'web']) {
      const args = buildArgs.split('\n').flatMap(arg => ['--build-arg', arg])
      execFileSync(docker, ['build', '-q', ...args, '-t', `bench-plain/${app}:1`, path.join(contexts, app)], {
        env: dockerEnv,
        stdio: 'ignore'
      })
    }
    plainFirst.push(performance.now() - started)
  }
  const buildx = await benchBuildx(contexts)
  const imageBytes = (image: string): number =>
    Number(
      execFileSync(docker, ['image', 'inspect', '-f', '{{.Size}}', image], { env: dockerEnv, encoding: 'utf8' }).trim()
    )
  return {
    firstBuildMedianMs: round(median(first)),
    rebuildAfterSourceChangeMedianMs: round(median(rebuild)),
    plainDockerBuildMedianMs: round(median(plainFirst)),
    imageBytes: { api: imageBytes('bench-plain/api:1'), web: imageBytes('bench-plain/web:1') },
    samples: { first, rebuild, plainFirst },
    buildx
  }
}

/**
 * The buildx path, with what docker/setup-buildx-action gives a job (the plugin, a builder of its own) and the 28.x
 * client. The cold build and the rebuild from the registry cache start with buildkitd's cache emptied (an ephemeral
 * runner): the cold one exports a registry cache (mode=max), the rebuild after a source-only change finds its layers
 * there and nowhere else. A last rebuild keeps buildkitd's cache (a long-lived builder).
 */
async function benchBuildx(contexts: string) {
  const state = envFile as typeof envFile & Record<string, string | undefined>
  if (!state.BND_BUILDX_PLUGIN)
    return { skipped: 'the environment has no buildx (scripts/env/up.sh --tests builds it)' }
  const config = mkdtempSync(path.join(os.tmpdir(), 'bench-buildx-config-'))
  const bin = mkdtempSync(path.join(os.tmpdir(), 'bench-buildx-bin-'))
  mkdirSync(path.join(config, 'cli-plugins'))
  symlinkSync(state.BND_BUILDX_PLUGIN, path.join(config, 'cli-plugins', 'docker-buildx'))
  symlinkSync(state.BND_BUILDX_DOCKER!, path.join(bin, 'docker'))
  const env = {
    DOCKER_CONFIG: config,
    BUILDX_CONFIG: state.BND_BUILDX_CONFIG!,
    BUILDX_BUILDER: state.BND_BUILDX_BUILDER!,
    PATH: `${bin}:${envFile.PATH}`
  }
  const prune = () =>
    execFileSync(path.join(bin, 'docker'), ['buildx', 'prune', '--all', '--force'], {
      env: { ...baseEnv, ...env },
      stdio: 'ignore'
    })
  const registry = envFile.BND_REGISTRY
  const inputs = (cache: 'to' | 'from') => ({
    mode: 'build',
    build: `${registry}/bench/bx-api=${contexts}/api
${registry}/bench/bx-web=${contexts}/web`,
    'build-args': `BASE=${registry}/${envFile.BND_BASE_IMAGE}
GO_IMAGE=${registry}/${envFile.BND_GO_IMAGE}
RUNTIME_IMAGE=scratch`,
    // {name} is each image's own cache (bx-api, bx-web): one ref for both would keep the last one's only.
    [`cache-${cache}`]: `type=registry,ref=${registry}/bench/{name}:buildcache${cache === 'to' ? ',mode=max' : ''}`,
    'skip-existing': 'false',
    'registry-username': envFile.BND_REGISTRY_USER,
    'registry-password': envFile.BND_REGISTRY_PASSWORD
  })
  const cold: number[] = []
  const fromCache: number[] = []
  const warm: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      prune()
      const a = await action(inputs('to'), randomSha(), { env })
      if (a.code !== 0) throw new Error(a.output.slice(-2000))
      cold.push(a.ms)
      writeFileSync(
        path.join(contexts, 'api/cmd/api/bench.go'),
        `package main\n\nconst benchRun = "buildx-${i}-${Date.now()}"\n`
      )
      prune()
      const b = await action(inputs('from'), randomSha(), { env })
      if (b.code !== 0) throw new Error(b.output.slice(-2000))
      fromCache.push(b.ms)
      // The same change again on a builder that kept its cache (a self-hosted runner's): Go's build cache, a cache
      // mount, is in buildkitd's cache but never in a registry cache.
      writeFileSync(
        path.join(contexts, 'api/cmd/api/bench.go'),
        `package main\n\nconst benchRun = "buildx-warm-${i}-${Date.now()}"\n`
      )
      const c = await action(inputs('from'), randomSha(), { env })
      if (c.code !== 0) throw new Error(c.output.slice(-2000))
      warm.push(c.ms)
    }
  } finally {
    rmSync(config, { recursive: true, force: true })
    rmSync(bin, { recursive: true, force: true })
  }
  return {
    coldWithCacheExportMedianMs: round(median(cold)),
    rebuildFromRegistryCacheMedianMs: round(median(fromCache)),
    rebuildOnWarmBuilderMedianMs: round(median(warm)),
    samples: { cold, fromCache, warm }
  }
}
