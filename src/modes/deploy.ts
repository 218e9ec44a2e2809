import * as core from '@actions/core'
import { buildAndPushAll, existingImages, plannedSubstitutions, substitutionsFor } from '../build/build-step.js'
import { checkCluster } from '../deploy/cluster-check.js'
import { connectEarly, deployManifests, readManifests } from '../deploy/deploy-step.js'
import type { Settings } from '../settings/types.js'
import type { Cluster } from '../kube/cluster.js'
import type { SourcedObject } from '../manifests/documents.js'
import { attempt, ModeOutcome } from '../run/outcome.js'

/**
 * Runs `steps` with the early connection (see connectEarly), closed here too: a failed build or manifest leaves it
 * unused.
 */
export async function withEarlyConnection(
  connectNow: boolean,
  settings: Settings,
  steps: (kube: Cluster | undefined) => Promise<ModeOutcome>
): Promise<ModeOutcome> {
  const kube = connectNow ? connectEarly(settings) : undefined
  try {
    return await steps(kube)
  } finally {
    kube?.close()
  }
}

/**
 * The check of the target cluster (checkCluster) started for `objects`, awaited before the first write to a
 * registry; its rejection is handled where it is awaited.
 */
function startClusterCheck(kube: Cluster, settings: Settings, objects: SourcedObject[]): Promise<void> {
  const check = checkCluster(kube, {
    objects,
    namespace: settings.namespace,
    createNamespace: settings.createNamespace,
    lock: settings.lock !== undefined
  })
  check.catch(() => undefined)
  return check
}

/** mode build: build and push the images, nothing else. */
export const runBuild = (settings: Settings): Promise<ModeOutcome> =>
  attempt(async outcome => {
    outcome.report.images = await core.group('Build and push', () => buildAndPushAll(settings))
  })

/** mode deploy: read the manifests, build and push while the cluster is checked, then deploy the built images. */
export const runDeploy = (settings: Settings, cancel: AbortSignal): Promise<ModeOutcome> =>
  withEarlyConnection(true, settings, kube =>
    attempt(async outcome => {
      const planned = plannedSubstitutions(settings)
      let manifests = await readManifests(settings, planned, kube)
      outcome.manifestsFile = manifests.file
      const clusterReady =
        kube && settings.push && !settings.dryRun ? startClusterCheck(kube, settings, manifests.objects) : undefined
      outcome.report.images = await core.group('Build and push', () => buildAndPushAll(settings, clusterReady))
      await clusterReady
      // A mutable tag is deployed pinned to the digest, known only now (issue 23).
      const built = substitutionsFor(outcome.report.images)
      if (built.some((b, i) => b.image !== planned[i].image)) manifests = await readManifests(settings, built, kube)
      outcome.manifestsFile = manifests.file
      const deployed = await deployManifests(settings, manifests, kube, cancel)
      Object.assign(outcome.report, deployed.report)
      return deployed.failure
    })
  )

/** mode apply: deploy the images this commit already pushed (no build). */
export const runApply = (settings: Settings, cancel: AbortSignal): Promise<ModeOutcome> =>
  // Worth it beside the registry lookups or a chart (rendered for the cluster's version); on its own it would
  // just interleave with reading the files.
  withEarlyConnection(settings.builds.length > 0 || settings.helm !== undefined, settings, kube =>
    attempt(async outcome => {
      // images-from writes an index to the registry: not before the cluster is known to take the deploy.
      let clusterReady: Promise<void> | undefined
      if (settings.imagesFrom.length > 0) {
        if (!kube) throw new Error('images-from: cannot connect to the cluster, so nothing is merged or deployed.')
        const planned = await readManifests(settings, plannedSubstitutions(settings), kube)
        clusterReady = startClusterCheck(kube, settings, planned.objects)
      }
      outcome.report.images = await existingImages(settings, clusterReady)
      await clusterReady
      const manifests = await readManifests(settings, substitutionsFor(outcome.report.images), kube)
      outcome.manifestsFile = manifests.file
      const deployed = await deployManifests(settings, manifests, kube, cancel)
      Object.assign(outcome.report, deployed.report)
      return deployed.failure
    })
  )
