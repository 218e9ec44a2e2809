import * as core from '@actions/core'
import { existingImages, substitutionsFor } from '../build/build-step.js'
import {
  deployManifests,
  manifestsDir,
  PreparedManifests,
  prepareManifests,
  readManifests
} from '../deploy/deploy-step.js'
import type { Settings } from '../settings/types.js'
import type { KubeObject, SourcedObject } from '../manifests/documents.js'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { stringify } from 'yaml'
import { isRecordedSecret, ReleaseRecord, secretMatchesRecord } from '../releases/record.js'
import { readReleasesOfTarget } from '../releases/record-step.js'
import { chooseRelease } from '../releases/rollback-choice.js'
import { templateNamesCommit } from '../build/tags.js'
import { annotateWorkload } from '../manifests/annotate.js'
import { withCluster } from '../run/context.js'
import { readLiveHistories, resolveRollbackCommit, rollbackWorkloads, underLock } from '../rollback/rollback-step.js'
import { strategyNamed } from '../strategies/registry.js'
import { attempt, ModeFailure, ModeOutcome } from '../run/outcome.js'

/**
 * mode rollback: a release restored whole from its record (rolling strategy); else a commit's images redeployed
 * with today's manifests (no rebuild), or each workload's last rollout undone.
 */
export const runRollback = (settings: Settings): Promise<ModeOutcome> =>
  attempt(async outcome => {
    const target = settings.rollbackTo!
    const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
    const strategy = strategyNamed(settings.strategy)
    if (settings.strategy === 'rolling' && settings.releases.historyMax > 0 && target.kind !== 'revision') {
      const releases = await readReleasesOfTarget(settings, manifests.objects)
      const choice = releases && chooseRelease(releases.records, target, settings.releases.name)
      if (choice?.release) return restoreRelease(settings, choice.release, choice.why, outcome)
      if (choice) core.info(choice.why)
    }
    if (target.kind === 'release')
      throw new Error(
        `rollback-to release-${target.number} restores a release record, which needs strategy rolling (it is ${settings.strategy}), history-max above 0 (it is ${settings.releases.historyMax}) and records that can be read (see the warnings above).`
      )
    if (target.kind === 'sha') return redeployCommit(settings, target.sha, manifests.objects, outcome)
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
  asWritten: SourcedObject[],
  outcome: ModeOutcome
): Promise<ModeFailure | undefined> {
  let sha = given
  if (sha.length < 40) {
    sha = await resolveRollbackCommit(settings, asWritten, sha)
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

/**
 * A release restored whole: its objects re-applied as recorded (ConfigMaps, Services … and the workloads' templates,
 * so a workload whose template is the same does not roll), waited on, and recorded as a new release of its commit.
 * A Secret is restored only in the sense that it is checked: a record keeps hashes, not values.
 */
async function restoreRelease(
  settings: Settings,
  record: ReleaseRecord,
  why: string,
  outcome: ModeOutcome
): Promise<ModeFailure | undefined> {
  const secrets = record.objects.filter(isRecordedSecret)
  // An old migration Job run again would do harm; what a release's Job did is done.
  const jobs = record.objects.filter(object => object.kind === 'Job')
  const origin = { sha: record.commit, runUrl: settings.run.runUrl, actor: settings.run.actor, images: record.images }
  const objects = record.objects
    .filter(object => !isRecordedSecret(object) && object.kind !== 'Job')
    .map(object => annotateWorkload(object, origin))
  // Secrets cannot be re-applied from hashes: a prune would take the live ones for objects the release lacks.
  const prune = secrets.length > 0 ? undefined : settings.prune
  const atCommit: Settings = { ...settings, prune, run: { ...settings.run, sha: record.commit } }
  core.info(
    `${why} Re-applying its ${objects.length} objects as recorded; workloads whose template is the same stay as they are.`
  )
  for (const job of jobs) core.info(`job/${job.metadata.name}: not run again (a release's Job has done its work).`)
  if (settings.prune && !prune)
    core.notice('Nothing is pruned in this rollback: the release has Secrets, which a record keeps only as hashes.')
  for (const line of await checkLive(settings, secrets, objects, record.number)) core.info(line)
  // The registry still has the commit's images, and verify-signature accepts them, before anything changes. A tag
  // without {sha} names a later image by now; the record has such images pinned to their digests.
  if (settings.builds.length > 0 && templateNamesCommit(settings.tagTemplate))
    outcome.report.images = await existingImages(atCommit)
  const manifests = await recordedManifests(record, objects)
  const deployed = await deployManifests(atCommit, manifests)
  Object.assign(outcome.report, deployed.report)
  if (deployed.failure) return deployed.failure
  outcome.report.history = await readLiveHistories(settings, manifests.objects)
  outcome.manifestsFile = manifests.file
  return undefined
}

/**
 * Before anything changes: a paused Deployment refuses the rollback (its rollout would never finish), as the
 * per-workload undo does; then a line per recorded Secret: the live one holds the same values (by hash), or it is
 * left as it is.
 */
async function checkLive(
  settings: Settings,
  secrets: KubeObject[],
  objects: KubeObject[],
  release: number
): Promise<string[]> {
  return withCluster(settings, async ({ kube }) => {
    for (const object of objects.filter(o => o.kind === 'Deployment')) {
      const live = await kube.get<{ spec?: { paused?: boolean } }>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: object.metadata.namespace,
        name: object.metadata.name
      })
      const name = `deployment/${object.metadata.name}`
      if (live?.spec?.paused)
        throw new Error(`${name} is paused; resume it (kubectl rollout resume ${name}) before rolling back.`)
    }
    return Promise.all(
      secrets.map(async secret => {
        const name = `secret/${secret.metadata.name}`
        const live = await kube.get<{ data?: Record<string, string> }>({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: secret.metadata.namespace,
          name: secret.metadata.name
        })
        return secretMatchesRecord(secret, live)
          ? `${name}: holds what release ${release} had (same value hashes); left as it is.`
          : `${name}: not restored: it ${live ? 'differs from' : 'is gone since'} release ${release}, and the record keeps only hashes of its values; left as it is.`
      })
    )
  })
}

/** The record's objects as the deploy takes manifests, with a manifests-file of them for the output. */
async function recordedManifests(record: ReleaseRecord, objects: KubeObject[]): Promise<PreparedManifests> {
  const file = path.join(await manifestsDir(), `release-${record.number}.yaml`)
  await writeFile(file, objects.map(object => stringify(object)).join('---\n'), { mode: 0o600 })
  return {
    objects: objects.map((object, i) => ({ object, file: `release ${record.number}`, document: i + 1 })),
    replacements: [],
    file,
    images: record.images
  }
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
