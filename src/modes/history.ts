import * as core from '@actions/core'
import { prepareManifests } from '../deploy/deploy-step.js'
import type { Settings } from '../settings/types.js'
import { logHistories, readHistories } from '../rollback/rollback-step.js'
import { readReleasesOfTarget } from '../releases/record-step.js'
import { releaseLogLines } from '../releases/release-log.js'
import { attempt, ModeOutcome } from '../run/outcome.js'

/** mode history: the target's releases and the revisions of the manifests' workloads, in the summary and the log. */
export const runHistory = (settings: Settings): Promise<ModeOutcome> =>
  attempt(async outcome => {
    const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
    outcome.report.history = await readHistories(settings, manifests.objects)
    logHistories(outcome.report.history)
    const releases = await readReleasesOfTarget(settings, manifests.objects)
    if (releases) {
      outcome.report.releases = releases.records
      for (const line of releaseLogLines(releases.records, settings.releases.name, releases.namespace)) core.info(line)
    }
  })
