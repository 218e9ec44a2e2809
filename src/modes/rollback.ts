import * as core from '@actions/core'
import { existingImages, substitutionsFor } from '../build/build-step.js'
import { deployManifests, prepareManifests, readManifests } from '../deploy/deploy-step.js'
import type { Settings } from '../settings/types.js'
import type { SourcedObject } from '../manifests/documents.js'
import { readLiveHistories, resolveRollbackCommit, rollbackWorkloads, underLock } from '../rollback/rollback-step.js'
import { strategyNamed } from '../strategies/registry.js'
import { attempt, ModeFailure, ModeOutcome } from '../run/outcome.js'

/** mode rollback: redeploy a commit's image (no rebuild), or undo each workload's last rollout. */
export const runRollback = (settings: Settings): Promise<ModeOutcome> =>
  attempt(async outcome => {
    const target = settings.rollbackTo!
    if (target.kind === 'sha') return redeployCommit(settings, target.sha, outcome)
    const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
    const strategy = strategyNamed(settings.strategy)
    const failure = strategy.switchBack
      ? await core.group('Switch back', () => switchTrafficBack(settings, manifests.objects, outcome))
      : await undoWorkloads(settings, manifests.objects, target.kind === 'revision' ? target.revision : 0, outcome)
    if (!failure) outcome.manifestsFile = manifests.file
    return failure
  })

/** rollback-to a commit: its images (found, not rebuilt) deployed as any deploy, then what runs now. */
async function redeployCommit(
  settings: Settings,
  given: string,
  outcome: ModeOutcome
): Promise<ModeFailure | undefined> {
  let sha = given
  if (sha.length < 40) {
    const asWritten = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
    sha = await resolveRollbackCommit(settings, asWritten.objects, sha)
    core.info(`rollback-to ${given}: commit ${sha}`)
  }
  const atCommit: Settings = { ...settings, run: { ...settings.run, sha } }
  outcome.report.images = await existingImages(atCommit)
  const manifests = await readManifests(atCommit, substitutionsFor(outcome.report.images))
  const deployed = await deployManifests(atCommit, manifests)
  Object.assign(outcome.report, deployed.report)
  if (deployed.failure) return deployed.failure
  if (strategyNamed(settings.strategy).liveUnderManifestNames)
    outcome.report.history = await readLiveHistories(settings, manifests.objects)
  outcome.manifestsFile = manifests.file
  return undefined
}

/** Under a strategy with its own way back (blue-green: the Services go back to the other colour), under the deploy lock. */
function switchTrafficBack(
  settings: Settings,
  objects: SourcedObject[],
  outcome: ModeOutcome
): Promise<ModeFailure | undefined> {
  return underLock(settings, objects, async (kube, namespace) => {
    const { traffic, waits } = await strategyNamed(settings.strategy).switchBack!(kube, objects, namespace, settings)
    outcome.report.traffic = traffic
    outcome.report.waits = waits
    const failed = waits.filter(w => w.state !== 'succeeded')
    return failed.length > 0
      ? {
          message: `The switch back did not happen: the other colour's rollout failed:\n${failed.map(w => w.message).join('\n')}`
        }
      : undefined
  })
}

/** `previous` or a revision number: each workload of the manifests goes back, then what runs now. */
async function undoWorkloads(
  settings: Settings,
  objects: SourcedObject[],
  toRevision: number,
  outcome: ModeOutcome
): Promise<ModeFailure | undefined> {
  const started = Date.now()
  const result = await core.group('Roll back', () => rollbackWorkloads(settings, objects, toRevision))
  outcome.report.waits = result.waits
  const succeeded = result.waits.every(w => w.state === 'succeeded')
  outcome.report.rollback = {
    restored: result.restored,
    created: [],
    deleted: false,
    notRestored: [],
    waits: result.waits,
    durationMs: Date.now() - started,
    succeeded
  }
  outcome.report.history = await readLiveHistories(settings, objects)
  const failed = result.waits.filter(w => w.state !== 'succeeded')
  return failed.length > 0
    ? { message: `The rollback did not complete:\n${failed.map(w => w.message).join('\n')}` }
    : undefined
}
