import * as core from '@actions/core'
import { cancelOnSignals } from './process/cancel.js'
import { GitHubDeployment } from './github/deployments.js'
import { readSettings } from './settings/inputs.js'
import type { Mode, Settings } from './settings/types.js'
import { runApply, runBuild, runDeploy } from './modes/deploy.js'
import { builtImagesOutput, renderSummary } from './report/summary.js'
import type { RunReport } from './report/run-report.js'
import type { ModeOutcome } from './run/outcome.js'
import { resultLine } from './report/result-line.js'
import { releasesOutput } from './releases/release-log.js'
import { strategyNamed } from './strategies/registry.js'

function setOutputs(report: RunReport, manifestsFile?: string): void {
  const [first] = report.images
  if (first) {
    core.setOutput('image', first.reference)
    core.setOutput('tags', first.tags.all.map(tag => `${first.repository}:${tag}`).join('\n'))
    if (first.digest) {
      core.setOutput('digest', first.digest)
      core.setOutput('image-ref', `${first.repository}@${first.digest}`)
    }
    core.setOutput('built-images', JSON.stringify(builtImagesOutput(report.images)))
  }
  core.setOutput('resources', JSON.stringify(report.resources))
  if (report.history) core.setOutput('history', JSON.stringify(report.history))
  if (report.releases) core.setOutput('releases', JSON.stringify(releasesOutput(report.releases)))
  if (report.release) core.setOutput('release', String(report.release.number))
  if (report.traffic)
    for (const [name, value] of Object.entries(strategyNamed(report.traffic.strategy).outputs(report.traffic)))
      core.setOutput(name, value)
  if (manifestsFile) core.setOutput('manifests-file', manifestsFile)
  core.setOutput('result', report.result)
  core.setOutput('duration-ms', String(report.durationMs))
}

type ModeRunner = (settings: Settings, cancel: AbortSignal) => Promise<ModeOutcome>

// Modes other than deploy, apply and build load their code only when run.
const runners: Record<Mode, () => Promise<ModeRunner>> = {
  build: async () => runBuild,
  deploy: async () => runDeploy,
  apply: async () => runApply,
  promote: async () => (await import('./modes/promote.js')).runPromote,
  abort: async () => (await import('./modes/promote.js')).runAbort,
  rollback: async () => (await import('./modes/rollback.js')).runRollback,
  history: async () => (await import('./modes/history.js')).runHistory,
  plan: async () => (await import('./modes/plan.js')).runPlan
}

/** Settings, then the mode's runner; what it did and how the run ended, reported once. */
export async function run(): Promise<void> {
  const started = Date.now()
  let report: RunReport = {
    result: 'succeeded',
    mode: 'deploy',
    dryRun: false,
    images: [],
    resources: [],
    waits: [],
    applied: [],
    durationMs: 0
  }
  let outcome: ModeOutcome = { report: {} }
  let deployment: GitHubDeployment | undefined
  const cancel = cancelOnSignals()
  try {
    const settings = readSettings()
    if (['deploy', 'apply', 'rollback', 'promote', 'abort'].includes(settings.mode) && !settings.dryRun)
      deployment = await GitHubDeployment.start(settings)
    report = {
      ...report,
      mode: settings.mode,
      target: { commit: settings.run.sha, ref: settings.run.branch, strategy: settings.strategy },
      dryRun: settings.dryRun
    }
    outcome = await (await runners[settings.mode]())(settings, cancel.signal)
  } catch (error) {
    outcome = { ...outcome, failure: { message: (error as Error).message } }
  }
  report = { ...report, ...outcome.report, target: { ...report.target, ...outcome.report.target } }
  if (outcome.failure) {
    report.result = cancel.signal.aborted ? 'cancelled' : (outcome.failure.result ?? 'failed')
    report.error = outcome.failure.message
    core.setFailed(report.error)
  }
  await deployment?.set(report.result === 'succeeded' ? 'success' : 'failure')
  report.durationMs = Date.now() - started
  setOutputs(report, outcome.manifestsFile)
  await core.summary
    .addRaw(renderSummary(report))
    .write()
    .catch(error => core.warning(`Cannot write the job summary: ${(error as Error).message}`))
  core.info(resultLine(report))
  cancel.dispose()
}
