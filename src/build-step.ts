import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { BuildPlan, detectBuilder, login, push, runBuild } from './docker.js'
import { registryHost, repositoryOf } from './image-ref.js'
import { Settings } from './inputs.js'
import { dockerConfigCredentials, RegistryClient } from './registry.js'
import { planTags, TagPlan } from './tags.js'

export interface BuiltImage {
  /** Repository without tag, e.g. localhost:5000/api. */
  repository: string
  tags: TagPlan
  /** repository:primary-tag, what the manifests get. */
  reference: string
  digest?: string
  /** True when skip-existing found the tag in the registry and nothing was built. */
  reused: boolean
}

/** OCI annotations every image gets, so a running image leads back to its commit. */
export function ociLabels(settings: Settings, version: string, created: Date): Array<[string, string]> {
  const labels: Array<[string, string]> = [
    ['org.opencontainers.image.revision', settings.run.sha],
    ['org.opencontainers.image.created', created.toISOString()],
    ['org.opencontainers.image.version', version]
  ]
  if (settings.run.repositoryUrl) labels.push(['org.opencontainers.image.source', settings.run.repositoryUrl])
  const own = new Set(settings.build.labels.map(([key]) => key))
  return [...labels.filter(([key]) => !own.has(key)), ...settings.build.labels]
}

export function tagPlanFor(settings: Settings): TagPlan {
  return planTags(settings.tagTemplate, settings.extraTagTemplates, settings.latest, settings.run, settings.run.defaultBranch)
}

export function registryFor(settings: Settings): RegistryClient {
  const host = registryHost(settings.image!)
  return new RegistryClient(host, settings.registry ?? dockerConfigCredentials(host))
}

/** Builds and pushes the image unless its tag already exists (skip-existing); returns what to deploy. */
export async function buildAndPush(settings: Settings): Promise<BuiltImage> {
  const image = settings.image!
  const repository = repositoryOf(image)
  const tags = tagPlanFor(settings)
  const reference = `${repository}:${tags.primary}`
  const registry = registryFor(settings)
  const host = registryHost(image)
  if (!existsSync(settings.build.dockerfile)) {
    throw new Error(`dockerfile '${settings.build.dockerfile}' does not exist (context '${settings.build.context}').`)
  }

  if (settings.push && settings.skipExisting) {
    const digest = await registry.manifestDigest(image.path, tags.primary)
    if (digest) {
      core.info(`${reference} already exists (${digest}); skip-existing: not rebuilding.`)
      return { repository, tags, reference, digest, reused: true }
    }
  }
  if (settings.push && settings.registry) {
    await login(host, settings.registry.username, settings.registry.password)
    core.saveState('logged-in-registry', host)
  }

  const builder = await detectBuilder()
  core.info(builder.kind === 'buildx' ? `Building with ${builder.version}` : `Building with the daemon's BuildKit (docker ${builder.clientVersion}, no buildx)`)
  const work = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'build-and-deploy-'))
  core.saveState('work-dir', work)
  try {
    // Secrets reach docker as files passed by path: never on a command line, never in a layer.
    const secretFiles = await Promise.all(
      settings.build.secrets.map(async ([id, value], i) => {
        const file = path.join(work, `secret-${i}`)
        await writeFile(file, value, { mode: 0o600 })
        return { id, path: file }
      })
    )
    const plan: BuildPlan = {
      context: settings.build.context,
      dockerfile: settings.build.dockerfile,
      target: settings.build.target,
      tags: tags.all.map(tag => `${repository}:${tag}`),
      buildArgs: settings.build.buildArgs,
      labels: ociLabels(settings, tags.primary, new Date()),
      secretFiles,
      cacheFrom: settings.build.cacheFrom,
      cacheTo: settings.build.cacheTo,
      platforms: settings.build.platforms,
      push: settings.push,
      iidFile: path.join(work, 'iid'),
      metadataFile: path.join(work, 'metadata.json')
    }
    await runBuild(plan, builder)
    if (!settings.push) return { repository, tags, reference, reused: false }
    if (builder.kind === 'buildkit') for (const tag of plan.tags) await push(tag)
    const digest = await registry.manifestDigest(image.path, tags.primary)
    if (!digest) throw new Error(`Pushed ${reference}, but the registry does not list it.`)
    return { repository, tags, reference, digest, reused: false }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** In apply mode nothing is built: the tag for this commit must already be in the registry. */
export async function existingImage(settings: Settings): Promise<BuiltImage | undefined> {
  if (!settings.image) return undefined
  const tags = tagPlanFor(settings)
  const repository = repositoryOf(settings.image)
  const digest = await registryFor(settings).manifestDigest(settings.image.path, tags.primary)
  if (!digest) throw new Error(`${repository}:${tags.primary} is not in the registry; build it first (mode deploy or build).`)
  return { repository, tags: { primary: tags.primary, all: [tags.primary] }, reference: `${repository}:${tags.primary}`, digest, reused: true }
}
