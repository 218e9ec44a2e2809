import * as core from '@actions/core'
import type { Cluster } from '../kube/cluster.js'
import type { KubeObject, SourcedObject } from '../manifests/documents.js'
import type { Settings } from '../settings/types.js'
import { encodeRecord, oversizeProblem, recordedObject, ReleaseRecord } from './record.js'
import { readReleases, writeRelease } from './store.js'
import { withCluster } from '../run/context.js'
import { lockNamespace } from '../run/lock.js'

/** What a deploy records beside its objects: the images the manifests got. */
export interface ReleaseInput {
  images: string[]
}

const recordOf = (
  settings: Settings,
  objects: KubeObject[],
  images: string[],
  result: ReleaseRecord['result'],
  changes: ReleaseRecord['changes']
): Omit<ReleaseRecord, 'number'> => ({
  version: 1,
  name: settings.releases.name,
  commit: settings.run.sha,
  runUrl: settings.run.runUrl,
  actor: settings.run.actor,
  result,
  time: new Date().toISOString(),
  images,
  changes,
  objects: objects.map(recordedObject)
})

/** Before anything is applied: a release whose record would not fit in a Secret is refused, the cluster untouched. */
export function checkRecordSize(settings: Settings, objects: SourcedObject[], release: ReleaseInput): void {
  if (settings.dryRun || settings.releases.historyMax === 0) return
  const planned = recordOf(
    settings,
    objects.map(o => o.object),
    release.images,
    'succeeded',
    []
  )
  const problem = oversizeProblem(encodeRecord({ ...planned, number: 1 }), objects.length)
  if (problem) throw new Error(problem)
}

/** What a deploy that got as far as a verdict applied, and where: the record's contents. */
export interface AppliedRelease {
  namespace: string
  objects: KubeObject[]
  changes: ReleaseRecord['changes']
}

/**
 * After a deploy that succeeded, was rolled back, or failed and was left as it was, under its lock: the release
 * record. A deploy that got this far has happened, so a record that cannot be written is a warning, not a failure.
 */
export async function recordRelease(
  kube: Cluster,
  settings: Settings,
  applied: AppliedRelease,
  verdict: ReleaseRecord['result'],
  release: ReleaseInput
): Promise<ReleaseRecord | undefined> {
  if (settings.dryRun || settings.releases.historyMax === 0) return
  const { namespace } = applied
  const record = recordOf(settings, applied.objects, release.images, verdict, applied.changes)
  try {
    // A run that failed may have failed on an API server that stopped answering: its record gets a second, so
    // that such a run still ends soon after its timeout.
    const deadline = AbortSignal.timeout(verdict === 'failed' ? 1_000 : 30_000)
    const written = await writeRelease(
      kube,
      namespace,
      record,
      settings.releases.historyMax,
      line => core.warning(line),
      deadline
    )
    core.info(
      `Recorded release ${written.number} of ${written.name} in ${namespace} (${written.result}; history-max ${settings.releases.historyMax}).`
    )
    return written
  } catch (error) {
    core.warning(
      `Release record not written in ${namespace}: ${(error as Error).message} History and whole-set rollbacks will not know this release; the deployer needs create, list and delete on Secrets there (or set history-max: 0).`
    )
    return undefined
  }
}

/**
 * The release records of the manifests' target (the namespace the lock and the records go to), oldest first;
 * undefined, with a warning, when they cannot be read (a deployer without list on Secrets).
 */
export async function readReleasesOfTarget(
  settings: Settings,
  objects: SourcedObject[]
): Promise<{ namespace: string; records: ReleaseRecord[] } | undefined> {
  return withCluster(settings, async ({ kube }) => {
    const namespace = lockNamespace(
      objects.map(o => o.object),
      settings.namespace,
      kube.namespace
    )
    try {
      return {
        namespace,
        records: await readReleases(kube, namespace, settings.releases.name, line => core.warning(line))
      }
    } catch (error) {
      core.warning(`Cannot read the release records in ${namespace}: ${(error as Error).message}`)
      return undefined
    }
  })
}
