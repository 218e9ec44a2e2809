// 6. Build: both example images through the action (mode build), cold and after a source-only change, against a
// plain cold docker build.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
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
  const imageBytes = (image: string): number =>
    Number(
      execFileSync(docker, ['image', 'inspect', '-f', '{{.Size}}', image], { env: dockerEnv, encoding: 'utf8' }).trim()
    )
  return {
    firstBuildMedianMs: round(median(first)),
    rebuildAfterSourceChangeMedianMs: round(median(rebuild)),
    plainDockerBuildMedianMs: round(median(plainFirst)),
    imageBytes: { api: imageBytes('bench-plain/api:1'), web: imageBytes('bench-plain/web:1') },
    samples: { first, rebuild, plainFirst }
  }
}
