import * as core from '@actions/core'
import { existingImages, substitutionsFor } from '../build/build-step.js'
import { deployManifests, prepareManifests, readManifests } from '../deploy/deploy-step.js'
import type { Settings } from '../settings/types.js'
import { underLock } from '../rollback/rollback-step.js'
import { strategyNamed } from '../strategies/registry.js'
import { withEarlyConnection } from './deploy.js'
import { attempt, ModeOutcome } from '../run/outcome.js'

/** mode promote: as mode apply (the tags of this commit, no build), then the canary objects go. */
export const runPromote = (settings: Settings, cancel: AbortSignal): Promise<ModeOutcome> =>
  withEarlyConnection(settings.helm !== undefined, settings, kube =>
    attempt(async outcome => {
      outcome.report.images = await existingImages(settings)
      const manifests = await readManifests(settings, substitutionsFor(outcome.report.images), kube)
      const deployed = await deployManifests(settings, manifests, kube, cancel)
      Object.assign(outcome.report, deployed.report)
      if (!deployed.failure) outcome.manifestsFile = manifests.file
      return deployed.failure
    })
  )

/** mode abort: the canary of the manifests is deleted under the deploy lock; the stable version stays. */
export const runAbort = (settings: Settings): Promise<ModeOutcome> =>
  attempt(async outcome => {
    const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
    await underLock(settings, manifests.objects, async (kube, namespace) => {
      outcome.report.traffic = await core.group('Abort the canary', () =>
        strategyNamed(settings.strategy).abort!(kube, manifests.objects, namespace)
      )
    })
    outcome.manifestsFile = manifests.file
  })
