import * as core from '@actions/core'
import { BuiltImage, buildAndPush, registryFor, tagPlanFor } from './build-step.js'
import { deploy, DeployResult, prepareManifests } from './deploy-step.js'
import { repositoryOf } from './image-ref.js'
import { readSettings, Settings } from './inputs.js'
import { ImageSubstitution } from './manifests/patch.js'
import { formatDiagnosis, renderSummary, resourceReports, RunReport } from './report.js'

/** In apply mode nothing is built: the tag for this commit must already be in the registry. */
async function existingImage(settings: Settings): Promise<BuiltImage | undefined> {
  if (!settings.image) return undefined
  const tags = tagPlanFor(settings)
  const repository = repositoryOf(settings.image)
  const digest = await registryFor(settings).manifestDigest(settings.image.path, tags.primary)
  if (!digest) throw new Error(`${repository}:${tags.primary} is not in the registry; build it first (mode deploy or build).`)
  return { repository, tags: { primary: tags.primary, all: [tags.primary] }, reference: `${repository}:${tags.primary}`, digest, reused: true }
}

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
  if (manifestsFile) core.setOutput('manifests-file', manifestsFile)
  core.setOutput('result', report.result)
  core.setOutput('duration-ms', String(report.durationMs))
}

export async function run(): Promise<void> {
  const started = Date.now()
  const report: RunReport = { result: 'succeeded', mode: 'deploy', dryRun: false, resources: [], waits: [], applied: [], durationMs: 0 }
  let manifestsFile: string | undefined
  const buildState: { secretsDir?: string; loggedIn?: string } = {}
  try {
    const settings = readSettings()
    report.mode = settings.mode
    report.dryRun = settings.dryRun
    report.image =
      settings.mode === 'apply' ? await existingImage(settings) : await core.group('Build and push', () => buildAndPush(settings, buildState))
    if (settings.mode !== 'build') {
      const substitutions: ImageSubstitution[] = [...settings.images]
      if (report.image) substitutions.push({ repository: settings.image!, image: report.image.reference })
      const origin = { sha: settings.run.sha, runUrl: settings.run.runUrl, actor: settings.run.actor, image: report.image?.reference }
      const manifests = await prepareManifests(settings, substitutions, origin)
      manifestsFile = manifests.file
      for (const r of manifests.replacements) core.info(`${r.file}: ${r.kind}/${r.name} container ${r.container}: ${r.from} → ${r.to}`)
      const result: DeployResult = await deploy(settings, manifests.objects)
      report.applied = result.applied
      report.waits = result.waits
      report.resources = resourceReports(result.applied, result.waits)
      const failed = result.waits.filter(w => w.state !== 'succeeded')
      if (failed.length > 0) {
        const lines = failed.flatMap(w => [w.message, ...(w.diagnosis ? formatDiagnosis(w.diagnosis) : [])])
        throw new Error(`Rollout failed:\n${lines.join('\n')}`)
      }
    }
  } catch (error) {
    report.result = 'failed'
    report.error = (error as Error).message
    core.setFailed(report.error)
  } finally {
    report.durationMs = Date.now() - started
    setOutputs(report, manifestsFile)
    await core.summary.addRaw(renderSummary(report)).write().catch(error => core.warning(`Cannot write the job summary: ${(error as Error).message}`))
  }
}
