import * as core from '@actions/core'
import { BuiltImage, buildAndPush, registryFor, tagPlanFor } from './build-step.js'
import { deploy, DeployResult, prepareManifests, PreparedManifests } from './deploy-step.js'
import { resolveKubeTarget } from './kubeconfig.js'
import { readHistories, rollbackWorkloads } from './rollback-step.js'
import { GitHubDeployment } from './github-deployments.js'
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
  if (report.history) core.setOutput('history', JSON.stringify(report.history))
  if (manifestsFile) core.setOutput('manifests-file', manifestsFile)
  core.setOutput('result', report.result)
  core.setOutput('duration-ms', String(report.durationMs))
}

/** Reads, patches and checks the manifests: everything that can fail before a build or the cluster is touched. */
async function readManifests(settings: Settings, reference: string | undefined): Promise<PreparedManifests> {
  const substitutions: ImageSubstitution[] = [...settings.images]
  if (reference) substitutions.push({ repository: settings.image!, image: reference })
  const origin = { sha: settings.run.sha, runUrl: settings.run.runUrl, actor: settings.run.actor, image: reference }
  const manifests = await prepareManifests(settings, substitutions, origin)
  for (const r of manifests.replacements) core.info(`${r.file}: ${r.kind}/${r.name} container ${r.container}: ${r.from} → ${r.to}`)
  // A missing or broken kubeconfig is found now, not after a ten-minute build.
  resolveKubeTarget(settings.kube)
  return manifests
}

/** Applies prepared manifests and waits; throws when a rollout fails. */
async function deployManifests(settings: Settings, report: RunReport, manifests: PreparedManifests): Promise<string> {
  const result: DeployResult = await deploy(settings, manifests.objects)
  report.applied = result.applied
  report.waits = result.waits
  report.resources = resourceReports(result.applied, result.waits)
  report.rollback = result.rollback
  const failed = result.waits.filter(w => w.state !== 'succeeded')
  if (failed.length > 0) {
    const lines = failed.flatMap(w => [w.message, ...(w.diagnosis ? formatDiagnosis(w.diagnosis) : [])])
    const restored = result.rollback?.restored.filter(r => r.plan.action === 'patch') ?? []
    if (result.rollback?.succeeded && restored.length > 0) {
      report.result = 'rolled-back'
      lines.push(`Rolled back: ${restored.map(r => `${r.workload.kind.toLowerCase()}/${r.workload.name} to revision ${r.plan.revision}`).join(', ')}.`)
    } else if (result.rollback?.succeeded) {
      lines.push('Nothing to roll back: no workload this run changed had an earlier revision.')
    } else if (result.rollback) {
      lines.push(`The rollback did not complete: ${result.rollback.waits.filter(w => w.state !== 'succeeded').map(w => w.message).join('; ')}`)
    }
    throw new Error(`Rollout failed:\n${lines.join('\n')}`)
  }
  return manifests.file
}

/** mode rollback: redeploy a commit's image (no rebuild), or undo each workload's last rollout. */
async function rollback(settings: Settings, report: RunReport): Promise<string | undefined> {
  const target = settings.rollbackTo!
  if (target.kind === 'sha') {
    const atCommit: Settings = { ...settings, run: { ...settings.run, sha: target.sha } }
    report.image = await existingImage(atCommit)
    return deployManifests(atCommit, report, await readManifests(atCommit, report.image!.reference))
  }
  const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
  const result = await core.group('Roll back', () => rollbackWorkloads(settings, manifests.objects, target.kind === 'revision' ? target.revision : 0))
  report.waits = result.waits
  report.history = await readHistories(settings, manifests.objects)
  const failed = result.waits.filter(w => w.state !== 'succeeded')
  if (failed.length > 0) throw new Error(`The rollback did not complete:\n${failed.map(w => w.message).join('\n')}`)
  return manifests.file
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
        manifestsFile = await rollback(settings, report)
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
