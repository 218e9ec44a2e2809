import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { BuildPlan, Builder } from './docker.js'
import { ImageRef, parseImageRef, registryHost, repositoryOf } from './image-ref.js'
import type { BuildSettings, ImageBuild } from './build-settings.js'
import type { ImageSubstitution } from './image-ref.js'
import { RegistryClient } from './registry.js'
import { dockerCredentials } from './docker-credentials.js'
import { describeAttestations } from './attestations.js'
import { requireCosign, signAndVerifyBuilt, verifyFound } from './signatures.js'
import { planTags, reuseVerdict, TagPlan, templateNamesCommit } from './tags.js'
import { saveLoggedInRegistries, saveWorkDir } from '../run/state.js'

export interface BuiltImage {
  /** Key in the built-images output: the repository's last path segment. */
  name: string
  /** Repository without tag, e.g. localhost:5000/api. */
  repository: string
  tags: TagPlan
  /** repository:primary-tag, the image output. */
  reference: string
  /** What the manifests get: the reference, pinned to its digest when the tag is mutable (deployReference). */
  deployed: string
  digest?: string
  /** True when skip-existing found the tag in the registry and nothing was built. */
  reused: boolean
  /** With sign or verify-signature: what was done to its digest ('signed, signature verified'). */
  signature?: string
  /** When the digest names an image index: the platforms of its images. */
  platforms?: string[]
  /** The attestations the index carries, one line per kind ('provenance (SLSA v1) for linux/amd64'). */
  attestations?: string[]
}

/** The label skip-existing reads to tell whether a mutable tag's image is this commit's build. */
export const revisionLabel = 'org.opencontainers.image.revision'

/** OCI annotations every image gets, so a running image leads back to its commit. */
export function ociLabels(settings: BuildSettings, version: string, created: Date): Array<[string, string]> {
  const labels: Array<[string, string]> = [
    [revisionLabel, settings.run.sha],
    ['org.opencontainers.image.created', created.toISOString()],
    ['org.opencontainers.image.version', version]
  ]
  if (settings.run.repositoryUrl) labels.push(['org.opencontainers.image.source', settings.run.repositoryUrl])
  const own = new Set(settings.build.labels.map(([key]) => key))
  return [...labels.filter(([key]) => !own.has(key)), ...settings.build.labels]
}

export function tagPlanFor(settings: BuildSettings): TagPlan {
  return planTags(
    settings.tagTemplate,
    settings.extraTagTemplates,
    settings.latest,
    settings.run,
    settings.run.defaultBranch
  )
}

/** What the manifests get for each image this run builds, known before anything is built. */
export function plannedSubstitutions(settings: BuildSettings): ImageSubstitution[] {
  const tag = tagPlanFor(settings).primary
  return settings.builds.map(build => ({ repository: build.image, image: `${repositoryOf(build.image)}:${tag}` }))
}

/** What the manifests get for images already built (or found in the registry). */
export function substitutionsFor(images: BuiltImage[]): ImageSubstitution[] {
  return images.map(image => ({ repository: parseImageRef(image.repository), image: image.deployed }))
}

/**
 * A tag without {sha} ({branch}, v{run_number}) names a new image on the next build while the pod template's
 * `repo:main` stays the same string: the template would be left unchanged and nodes would keep the image they
 * cached, so the old code stays live (issue 23). Such a tag is deployed as repo:tag@digest, as is every tag with
 * pin-digest, so what runs is exactly what was built, whatever later happens to the tag.
 */
export function deployReference(
  reference: string,
  digest: string | undefined,
  tagTemplate: string,
  pinDigest = false
): string {
  return digest && (pinDigest || !templateNamesCommit(tagTemplate)) ? `${reference}@${digest}` : reference
}

/** One client per registry host, so images of one registry share a token. */
function registryClients(settings: BuildSettings): (image: ImageRef) => RegistryClient {
  const clients = new Map<string, RegistryClient>()
  return image => {
    const host = registryHost(image)
    if (!clients.has(host))
      clients.set(host, new RegistryClient(host, settings.registry ?? (() => dockerCredentials(host))))
    return clients.get(host)!
  }
}

/**
 * Builds and pushes every image unless its tag already exists (skip-existing); returns what to deploy.
 * `clusterReady`, the check of the target cluster (deploy-step's checkCluster), is awaited before the first write
 * to a registry (a tag moved, a login, a build that pushes): a deploy that cannot succeed pushes nothing.
 */
export async function buildAndPushAll(settings: BuildSettings, clusterReady?: Promise<void>): Promise<BuiltImage[]> {
  for (const build of settings.builds) {
    if (!existsSync(build.dockerfile))
      throw new Error(
        `dockerfile '${build.dockerfile}' of ${repositoryOf(build.image)} does not exist (context '${build.context}').`
      )
  }
  await requireCosign(settings)
  const registryFor = registryClients(settings)
  const tags = tagPlanFor(settings)
  // The registry answers in milliseconds; ask about every image before the first minutes-long build.
  const results: Array<BuiltImage | undefined> = await Promise.all(
    settings.builds.map(build => reuseExisting(settings, build, registryFor(build.image), tags, clusterReady))
  )
  const toBuild = settings.builds.filter((_, i) => !results[i])
  if (toBuild.length > 0) await buildMissing(settings, toBuild, results, registryFor, tags, clusterReady)
  await describeIndexes(results as BuiltImage[], settings, registryFor)
  return results as BuiltImage[]
}

/** Builds (and pushes) the images skip-existing did not find, into their places in `results`; then signs them. */
async function buildMissing(
  settings: BuildSettings,
  toBuild: ImageBuild[],
  results: Array<BuiltImage | undefined>,
  registryFor: (image: ImageRef) => RegistryClient,
  tags: TagPlan,
  clusterReady?: Promise<void>
): Promise<void> {
  // The docker CLI module (and @actions/exec) only when something is built: apply and rollback runs never are.
  const { detectBuilder } = await import('./docker.js')
  await clusterReady
  if (settings.push) await loginForPush(settings, toBuild)
  const builder = await detectBuilder()
  if (settings.pushByDigest && builder.kind !== 'buildx')
    throw new Error(
      'push-by-digest needs docker buildx, which is not installed: install it (docker/setup-buildx-action), or drop push-by-digest.'
    )
  core.info(
    builder.kind === 'buildx'
      ? `Building with ${builder.version}`
      : `Building with the daemon's BuildKit (docker ${builder.clientVersion}, no buildx)`
  )
  const work = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'build-and-deploy-'))
  saveWorkDir(work)
  try {
    // Secrets reach docker as files passed by path: never on a command line, never in a layer.
    const secretFiles = await Promise.all(
      settings.build.secrets.map(async ([id, value], i) => {
        const file = path.join(work, `secret-${i}`)
        await writeFile(file, value, { mode: 0o600 })
        return { id, path: file }
      })
    )
    for (const [i, build] of toBuild.entries()) {
      // A plain line, not a group: the caller's group is open, and the log has no nested groups.
      if (toBuild.length > 1) core.info(`Building ${repositoryOf(build.image)} (${i + 1} of ${toBuild.length})`)
      results[settings.builds.indexOf(build)] = await buildOne(
        settings,
        build,
        builder,
        registryFor(build.image),
        tags,
        secretFiles,
        work
      )
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
  await signAndVerifyBuilt(settings, results as BuiltImage[])
}

/** docker login (password on stdin) to each registry that `builds` push to, when registry-username is given. */
async function loginForPush(settings: BuildSettings, builds: ImageBuild[]): Promise<void> {
  if (!settings.registry) return
  const { login } = await import('./docker.js')
  const hosts = [...new Set(builds.map(build => registryHost(build.image)))]
  for (const [i, host] of hosts.entries()) {
    await login(host, settings.registry.username, settings.registry.password)
    saveLoggedInRegistries(hosts.slice(0, i + 1))
  }
}

/**
 * What an index holds: its platforms and the attestations buildx attached (provenance, SBOM), read from the
 * registry for the digest that is deployed, and logged; nothing for a single image's manifest.
 */
async function describeIndexes(
  images: BuiltImage[],
  settings: BuildSettings,
  registryFor: (image: ImageRef) => RegistryClient
): Promise<void> {
  if (!settings.push) return
  await Promise.all(
    images.map(async image => {
      if (!image.digest) return
      const build = settings.builds.find(b => b.name === image.name)!
      // Only a report: the image is pushed and deployable whatever this read meets.
      const index = await registryFor(build.image)
        .indexContents(build.image.path, image.digest)
        .catch((error: Error) => {
          core.warning(
            `Could not list the platforms and attestations of ${image.repository}@${image.digest}: ${error.message}`
          )
          return undefined
        })
      if (!index) return
      image.platforms = index.platforms
      image.attestations = describeAttestations(index.attestations)
      core.info(
        `${image.repository}@${image.digest}: an index of ${index.platforms.join(', ') || 'no image'}; attestations: ${image.attestations.join('; ') || 'none'}.`
      )
    })
  )
}

/**
 * The image already in the registry under this run's tag, when skip-existing may deploy it instead of a build
 * (its other tags moved onto it); undefined when it must be built.
 */
async function reuseExisting(
  settings: BuildSettings,
  build: ImageBuild,
  registry: RegistryClient,
  tags: TagPlan,
  clusterReady?: Promise<void>
): Promise<BuiltImage | undefined> {
  // A leg pushed by digest is never the tag's image: the merge makes that.
  const digest =
    settings.push && settings.skipExisting && !settings.pushByDigest
      ? await registry.manifestDigest(build.image.path, tags.primary)
      : undefined
  if (!digest) return undefined
  // Only a tag that may hold another commit's build needs its label read.
  const revision = templateNamesCommit(settings.tagTemplate)
    ? undefined
    : (await registry.imageLabels(build.image.path, digest))[revisionLabel]
  const verdict = reuseVerdict(settings.tagTemplate, tags.primary, settings.run.sha, revision)
  if (!verdict.reuse) {
    core.info(`${repositoryOf(build.image)}: building: ${verdict.reason}.`)
    return undefined
  }
  core.info(
    `${repositoryOf(build.image)}:${tags.primary} already exists (${digest}); skip-existing: not rebuilding: ${verdict.reason}.`
  )
  const signature = await verifyFound(settings, repositoryOf(build.image), digest)
  // The tags a build would have pushed too (extra-tags, latest) point at the reused image.
  await clusterReady
  const moved = await registry.tagManifest(build.image.path, digest, tags.all.slice(1))
  if (moved.length > 0)
    core.info(
      `Tagged ${moved.map(tag => `${repositoryOf(build.image)}:${tag}`).join(', ')} → ${digest} (manifest PUT, no pull or rebuild).`
    )
  return { ...foundImage(build, tags, digest, settings), signature }
}

/** An image whose tag the registry already has: deployed by that digest, not rebuilt. */
function foundImage(
  build: ImageBuild,
  tags: TagPlan,
  digest: string,
  { tagTemplate, pinDigest }: Pick<BuildSettings, 'tagTemplate' | 'pinDigest'>
): BuiltImage {
  const repository = repositoryOf(build.image)
  const reference = `${repository}:${tags.primary}`
  return {
    name: build.name,
    repository,
    tags,
    reference,
    deployed: deployReference(reference, digest, tagTemplate, pinDigest),
    digest,
    reused: true
  }
}

/** The docker build of one image, as data (buildCommand turns it into arguments). */
export function buildPlan(
  settings: BuildSettings,
  build: ImageBuild,
  tags: TagPlan,
  secretFiles: BuildPlan['secretFiles'],
  work: string
): BuildPlan {
  const repository = repositoryOf(build.image)
  return {
    context: build.context,
    dockerfile: build.dockerfile,
    target: build.target,
    tags: tags.all.map(tag => `${repository}:${tag}`),
    buildArgs: settings.build.buildArgs,
    labels: ociLabels(settings, tags.primary, new Date()),
    secretFiles,
    // One image's cache must not overwrite another's: {name} makes a cache reference per image.
    cacheFrom: settings.build.cacheFrom.map(source => source.replaceAll('{name}', build.name)),
    cacheTo: settings.build.cacheTo.map(target => target.replaceAll('{name}', build.name)),
    platforms: settings.build.platforms,
    provenance: settings.build.provenance,
    sbom: settings.build.sbom,
    push: settings.push,
    pushByDigest: settings.pushByDigest ? repository : undefined,
    iidFile: path.join(work, `${build.name}.iid`),
    metadataFile: path.join(work, `${build.name}.metadata.json`)
  }
}

async function buildOne(
  settings: BuildSettings,
  build: ImageBuild,
  builder: Builder,
  registry: RegistryClient,
  tags: TagPlan,
  secretFiles: BuildPlan['secretFiles'],
  work: string
): Promise<BuiltImage> {
  const repository = repositoryOf(build.image)
  const reference = `${repository}:${tags.primary}`
  const plan = buildPlan(settings, build, tags, secretFiles, work)
  const { builtDigest, dockerBuild, push } = await import('./docker.js')
  await dockerBuild(plan, builder)
  if (!settings.push) return { name: build.name, repository, tags, reference, deployed: reference, reused: false }
  if (builder.kind === 'buildkit') for (const tag of plan.tags) await push(tag)
  const reported = builder.kind === 'buildx' ? await builtDigest(plan.metadataFile) : undefined
  if (plan.pushByDigest) {
    if (!reported)
      throw new Error(`buildx pushed ${repository} by digest, but its metadata file names no containerimage.digest.`)
    const byDigest = `${repository}@${reported}`
    core.info(`Pushed ${byDigest} (by digest, untagged): name it in a later run's images-from.`)
    return {
      name: build.name,
      repository,
      tags: { primary: tags.primary, all: [] },
      reference: byDigest,
      deployed: byDigest,
      digest: reported,
      reused: false
    }
  }
  // What this run built is what it deploys (and signs): buildx's digest. The registry's tag is only checked, since
  // another run may have pushed over it meanwhile (and some registries list a tag a moment after the push).
  const listed = await registry.manifestDigest(build.image.path, tags.primary).catch((error: Error) => {
    if (reported) return undefined
    throw error
  })
  if (reported && listed && listed !== reported)
    core.warning(
      `${reference} now names ${listed} in the registry, not the ${reported} this run pushed: another run pushed the same tag meanwhile. Deploying ${reported} by digest.`
    )
  const digest = reported ?? listed
  if (!digest) throw new Error(`Pushed ${reference}, but the registry does not list it.`)
  return {
    name: build.name,
    repository,
    tags,
    reference,
    deployed: deployReference(reference, digest, settings.tagTemplate, settings.pinDigest),
    digest,
    reused: false
  }
}

/**
 * images-from: each repository's platform digests merged into one index under this run's tags (buildx imagetools
 * create: manifests are copied within the registry, nothing is pulled or rebuilt). Awaits `clusterReady` first.
 */
async function mergeImagesFrom(settings: BuildSettings, clusterReady?: Promise<void>): Promise<void> {
  const { createIndex, detectBuilder } = await import('./docker.js')
  const builder = await detectBuilder()
  if (builder.kind !== 'buildx')
    throw new Error(
      'images-from merges with docker buildx imagetools create, and buildx is not installed: install it (docker/setup-buildx-action).'
    )
  await clusterReady
  await loginForPush(settings, settings.builds)
  const tags = tagPlanFor(settings)
  for (const build of settings.builds) {
    const repository = repositoryOf(build.image)
    const sources = settings.imagesFrom
      .filter(image => repositoryOf(image) === repository)
      .map(image => `${repository}@${image.digest}`)
    await createIndex(
      tags.all.map(tag => `${repository}:${tag}`),
      sources
    )
    core.info(`Merged ${sources.length} digests of ${repository} into ${tags.all.map(tag => `:${tag}`).join(', ')}.`)
  }
}

/**
 * In apply mode nothing is built: the tag for this commit must already be in the registry, for every image (with
 * images-from, it is made first; `clusterReady` is awaited before that write).
 */
export async function existingImages(settings: BuildSettings, clusterReady?: Promise<void>): Promise<BuiltImage[]> {
  await requireCosign(settings)
  if (settings.imagesFrom.length > 0) await mergeImagesFrom(settings, clusterReady)
  const registryFor = registryClients(settings)
  const tagPlan = tagPlanFor(settings)
  const primary = tagPlan.primary
  const images = await Promise.all(
    settings.builds.map(async build => {
      const digest = await registryFor(build.image).manifestDigest(build.image.path, primary)
      if (!digest)
        throw new Error(
          `${repositoryOf(build.image)}:${primary} is not in the registry; build it first (mode deploy or build).`
        )
      return {
        // The merge pushed every tag; otherwise only the primary one was looked up.
        ...foundImage(build, settings.imagesFrom.length > 0 ? tagPlan : { primary, all: [primary] }, digest, settings),
        signature: await verifyFound(settings, repositoryOf(build.image), digest)
      }
    })
  )
  await describeIndexes(images, settings, registryFor)
  return images
}
