import * as exec from '@actions/exec'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { childEnv } from '../process/child-env.js'

const execFileAsync = promisify(execFile)

/**
 * How images get built. GitHub runners have buildx; some machines (Debian's docker.io 20.10) have only the
 * daemon's built-in BuildKit, driven by plain `docker build` with DOCKER_BUILDKIT=1.
 */
export type Builder = { kind: 'buildx'; version: string } | { kind: 'buildkit'; clientVersion: string }

export interface BuildPlan {
  context: string
  dockerfile: string
  target?: string
  /** Full references (repository:tag) to tag the image with. */
  tags: string[]
  buildArgs: Array<[string, string]>
  labels: Array<[string, string]>
  secretFiles: Array<{ id: string; path: string }>
  cacheFrom: string[]
  cacheTo: string[]
  platforms: string[]
  /** buildx's --provenance and --sbom values (true, false, mode=max, generator=…); unset: buildx's default. */
  provenance?: string
  sbom?: string
  push: boolean
  /**
   * The repository to push to untagged, by digest only (one leg of a multi-platform build on several runners, merged
   * later by images-from); the tags are then not pushed.
   */
  pushByDigest?: string
  iidFile: string
  metadataFile: string
}

export async function detectBuilder(docker = 'docker'): Promise<Builder> {
  const buildx = await exec.getExecOutput(docker, ['buildx', 'version'], {
    silent: true,
    ignoreReturnCode: true,
    env: childEnv()
  })
  if (buildx.exitCode === 0) return { kind: 'buildx', version: buildx.stdout.trim() }
  const version = await exec.getExecOutput(docker, ['version', '--format', '{{.Client.Version}}'], {
    silent: true,
    ignoreReturnCode: true,
    env: childEnv()
  })
  const clientVersion = version.stdout.trim()
  if (version.exitCode !== 0 && !clientVersion) {
    throw new Error(
      `Cannot run '${docker}': ${(version.stderr || 'not found').trim()}. Install Docker, or start its daemon.`
    )
  }
  const major = Number(clientVersion.split('.')[0])
  // Docker 23+ routes `docker build` with BuildKit through buildx; without the plugin it refuses.
  if (major >= 23) {
    throw new Error(
      `The docker client ${clientVersion} needs the buildx plugin to build with BuildKit, and it is not installed. Install buildx (docker/setup-buildx-action on GitHub), or put a client that drives the daemon's BuildKit directly (such as Debian's docker.io 20.10) first on PATH.`
    )
  }
  return { kind: 'buildkit', clientVersion }
}

/** The build command line, as data: one argument per element, never a shell string. */
export function buildCommand(plan: BuildPlan, builder: Builder): string[] {
  const args = builder.kind === 'buildx' ? ['buildx', 'build'] : ['build']
  args.push('--file', plan.dockerfile)
  if (plan.target) args.push('--target', plan.target)
  if (!plan.pushByDigest) for (const tag of plan.tags) args.push('--tag', tag)
  for (const [name, value] of plan.buildArgs) args.push('--build-arg', `${name}=${value}`)
  for (const [key, value] of plan.labels) args.push('--label', `${key}=${value}`)
  for (const secret of plan.secretFiles) args.push('--secret', `id=${secret.id},src=${secret.path}`)
  for (const source of plan.cacheFrom) args.push('--cache-from', source)
  args.push('--iidfile', plan.iidFile)
  if (builder.kind === 'buildx') {
    for (const target of plan.cacheTo) args.push('--cache-to', target)
    if (plan.platforms.length > 0) args.push('--platform', plan.platforms.join(','))
    if (plan.provenance) args.push(`--provenance=${plan.provenance}`)
    if (plan.sbom) args.push(`--sbom=${plan.sbom}`)
    args.push('--metadata-file', plan.metadataFile)
    if (plan.pushByDigest)
      args.push('--output', `type=image,name=${plan.pushByDigest},push-by-digest=true,name-canonical=true,push=true`)
    else args.push(plan.push ? '--push' : '--load')
  } else {
    for (const [input, value] of [
      ['provenance', plan.provenance],
      ['sbom', plan.sbom],
      ['push-by-digest', plan.pushByDigest]
    ])
      if (value && value !== 'false')
        throw new Error(`${input} needs docker buildx, which is not installed; remove ${input} or install buildx.`)
    if (plan.cacheTo.length > 0)
      throw new Error('cache-to needs docker buildx, which is not installed; remove cache-to or install buildx.')
    if (plan.platforms.length > 0)
      throw new Error('platforms needs docker buildx, which is not installed; remove platforms or install buildx.')
  }
  args.push(plan.context)
  return args
}

/** Environment for the build: plain `docker build` uses BuildKit only when asked. */
export function buildEnv(builder: Builder): Record<string, string> {
  return childEnv(builder.kind === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : {})
}

export async function dockerBuild(plan: BuildPlan, builder: Builder, docker = 'docker'): Promise<void> {
  const result = await exec.getExecOutput(docker, buildCommand(plan, builder), {
    env: buildEnv(builder),
    ignoreReturnCode: true
  })
  if (result.exitCode !== 0) {
    const lastLines = result.stderr.trim().split('\n').slice(-8).join('\n')
    throw new Error(`docker build failed (exit code ${result.exitCode}):\n${lastLines}`)
  }
}

/**
 * The digest buildx reports for what it pushed (containerimage.digest in --metadata-file): of the image index when
 * the build made one (several platforms, or attestations), which is what the registry's tag names.
 */
export async function builtDigest(metadataFile: string): Promise<string | undefined> {
  let text: string
  try {
    text = await readFile(metadataFile, 'utf8')
  } catch {
    return undefined
  }
  let metadata: Record<string, unknown>
  try {
    metadata = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new Error(`buildx wrote a metadata file that is not JSON (${metadataFile}): ${(error as Error).message}`, {
      cause: error
    })
  }
  const digest = metadata['containerimage.digest']
  return typeof digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined
}

/** How long the merge of images-from may take: it copies manifests within the registry, which takes seconds. */
export const createIndexTimeoutMs = 5 * 60_000

/** One index under `tags` of the images `sources` name (repository@digest), copied within the registry. */
export async function createIndex(
  tags: string[],
  sources: string[],
  docker = 'docker',
  timeoutMs = createIndexTimeoutMs
): Promise<void> {
  const args = ['buildx', 'imagetools', 'create', ...tags.flatMap(tag => ['--tag', tag]), ...sources]
  try {
    await execFileAsync(docker, args, {
      env: childEnv(),
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 << 20
    })
  } catch (error) {
    const failed = error as Error & { killed?: boolean; code?: number | string; stderr?: string; stdout?: string }
    if (failed.killed)
      throw new Error(
        `images-from: docker buildx imagetools create ${tags[0]} did not finish within ${timeoutMs / 1000} s.`,
        {
          cause: error
        }
      )
    const lastLines = (failed.stderr || failed.stdout || failed.message).trim().split('\n').slice(-4).join('\n')
    throw new Error(
      `images-from: docker buildx imagetools create ${tags[0]} failed (exit code ${failed.code}):\n${lastLines}`,
      {
        cause: error
      }
    )
  }
}

export async function push(reference: string, docker = 'docker'): Promise<void> {
  const result = await exec.getExecOutput(docker, ['push', reference], { ignoreReturnCode: true, env: childEnv() })
  if (result.exitCode !== 0) {
    throw new Error(
      `docker push ${reference} failed (exit code ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`
    )
  }
}

/** The password goes through stdin (--password-stdin), never the command line. */
export async function login(registry: string, username: string, password: string, docker = 'docker'): Promise<void> {
  const result = await exec.getExecOutput(docker, ['login', '--username', username, '--password-stdin', registry], {
    input: Buffer.from(password),
    ignoreReturnCode: true,
    silent: true,
    env: childEnv()
  })
  if (result.exitCode !== 0) {
    throw new Error(
      `docker login to ${registry} as ${username} failed: ${result.stderr.trim().split('\n').slice(-1)[0] ?? 'exit code ' + result.exitCode}`
    )
  }
}

export async function logout(registry: string, docker = 'docker'): Promise<void> {
  await exec.getExecOutput(docker, ['logout', registry], { ignoreReturnCode: true, silent: true, env: childEnv() })
}
