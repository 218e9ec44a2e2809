import * as core from '@actions/core'
import { buildAndPush, existingImage, tagPlanFor } from './build-step.js'
import { deployManifests, prepareManifests, readManifests } from './deploy-step.js'
import { GitHubDeployment } from './github-deployments.js'
import { repositoryOf } from './image-ref.js'
import { readSettings } from './inputs.js'
import { renderSummary, RunReport } from './report.js'
import { readHistories, rollbackMode } from './rollback-step.js'

function setOutputs(report: RunReport, manifestsFile?: string): void {
  if (report.image) {
    core.setOutput('image', report.image.reference)
    core.setOutput('tags', report.image.tags.all.map(tag => `${report.image!.repository}:${tag}`).join('\n'))
    if (report.image.digest) {
      core.setOutput('digest', report.image.digest)
      core.setOutput('image-ref', `${report.image.repository}@${report.image.digest}`)
    }
  }
  core.setOutput('resources', JSON.stringify(report.resources))
  if (report.history) core.setOutput('history', JSON.stringify(report.history))
  if (manifestsFile) core.setOutput('manifests-file', manifestsFile)
  core.setOutput('result', report.result)
  core.setOutput('duration-ms', String(report.durationMs))
}

export async function run(): Promise<void> {
  const started = Date.now()
  const report: RunReport = { result: 'succeeded', mode: 'deploy', dryRun: false, resources: [], waits: [], applied: [], durationMs: 0 }
  let manifestsFile: string | undefined
  let deployment: GitHubDeployment | undefined
  try {
    const settings = readSettings()
    if (['deploy', 'apply', 'rollback'].includes(settings.mode) && !settings.dryRun) deployment = await GitHubDeployment.start(settings)
    report.mode = settings.mode
    report.dryRun = settings.dryRun
    switch (settings.mode) {
      case 'build':
        report.image = await core.group('Build and push', () => buildAndPush(settings))
        break
      case 'deploy': {
        const manifests = await readManifests(settings, `${repositoryOf(settings.image!)}:${tagPlanFor(settings).primary}`)
        manifestsFile = manifests.file
        report.image = await core.group('Build and push', () => buildAndPush(settings))
        manifestsFile = await deployManifests(settings, report, manifests)
        break
      }
      case 'apply': {
        report.image = await existingImage(settings)
        const manifests = await readManifests(settings, report.image?.reference)
        manifestsFile = manifests.file
        await deployManifests(settings, report, manifests)
        break
      }
      case 'rollback':
        manifestsFile = await rollbackMode(settings, report)
        break
      case 'history': {
        const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
        report.history = await readHistories(settings, manifests.objects)
        break
      }
    }
  } catch (error) {
    if (report.result !== 'rolled-back') report.result = 'failed'
    report.error = (error as Error).message
    core.setFailed(report.error)
  } finally {
    await deployment?.set(report.result === 'succeeded' ? 'success' : 'failure')
    report.durationMs = Date.now() - started
    setOutputs(report, manifestsFile)
    await core.summary.addRaw(renderSummary(report)).write().catch(error => core.warning(`Cannot write the job summary: ${(error as Error).message}`))
  }
}
