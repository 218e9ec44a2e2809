import * as core from '@actions/core'
import { buildAndPushAll, existingImages, plannedSubstitutions, substitutionsFor } from './build/build-step.js'
import { connectEarly, deployManifests, prepareManifests, readManifests } from './deploy/deploy-step.js'
import { cancelOnSignals } from './cancel.js'
import { checkCluster } from './deploy/cluster-check.js'
import { GitHubDeployment } from './github-deployments.js'
import type { Cluster } from './kube/cluster.js'
import { readSettings } from './inputs.js'
import { builtImagesOutput, renderSummary } from './report.js'
import type { RunReport } from './run-report.js'
import { resultLine } from './result-line.js'
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
  if (report.traffic) for (const [name, value] of Object.entries(strategyNamed(report.traffic.strategy).outputs(report.traffic))) core.setOutput(name, value)
  if (manifestsFile) core.setOutput('manifests-file', manifestsFile)
  core.setOutput('result', report.result)
  core.setOutput('duration-ms', String(report.durationMs))
}

export async function run(): Promise<void> {
  const started = Date.now()
  const report: RunReport = { result: 'succeeded', mode: 'deploy', dryRun: false, images: [], resources: [], waits: [], applied: [], durationMs: 0 }
  let manifestsFile: string | undefined
  let deployment: GitHubDeployment | undefined
  // Opened early (see connectEarly) and closed here too: a failed build or manifest leaves it unused.
  let kube: Cluster | undefined
  const cancel = cancelOnSignals()
  try {
    const settings = readSettings()
    if (['deploy', 'apply', 'rollback', 'promote', 'abort'].includes(settings.mode) && !settings.dryRun) deployment = await GitHubDeployment.start(settings)
    report.mode = settings.mode
    report.target = { commit: settings.run.sha, ref: settings.run.branch, strategy: settings.strategy }
    report.dryRun = settings.dryRun
    switch (settings.mode) {
      case 'build':
        report.images = await core.group('Build and push', () => buildAndPushAll(settings))
        break
      case 'deploy': {
        kube = connectEarly(settings)
        const planned = plannedSubstitutions(settings)
        let manifests = await readManifests(settings, planned, kube)
        manifestsFile = manifests.file
        const clusterReady = kube && settings.push && !settings.dryRun ? checkCluster(kube, { objects: manifests.objects, namespace: settings.namespace, createNamespace: settings.createNamespace, lock: settings.lock !== undefined }) : undefined
        clusterReady?.catch(() => undefined)
        report.images = await core.group('Build and push', () => buildAndPushAll(settings, clusterReady))
        await clusterReady
        // A mutable tag is deployed pinned to the digest, known only now (issue 23).
        const built = substitutionsFor(report.images)
        if (built.some((b, i) => b.image !== planned[i].image)) manifests = await readManifests(settings, built, kube)
        manifestsFile = await deployManifests(settings, report, manifests, kube, cancel.signal)
        break
      }
      case 'apply': {
        // Worth it beside the registry lookups or a chart (rendered for the cluster's version); on its own it would
        // just interleave with reading the files.
        if (settings.builds.length > 0 || settings.helm) kube = connectEarly(settings)
        report.images = await existingImages(settings)
        const manifests = await readManifests(settings, substitutionsFor(report.images), kube)
        manifestsFile = manifests.file
        await deployManifests(settings, report, manifests, kube, cancel.signal)
        break
      }
      case 'promote': {
        // As mode apply (the tags of this commit, no build), then the canary objects go.
        if (settings.helm) kube = connectEarly(settings)
        report.images = await existingImages(settings)
        const manifests = await readManifests(settings, substitutionsFor(report.images), kube)
        manifestsFile = await deployManifests(settings, report, manifests, kube, cancel.signal)
        break
      }
      case 'abort': {
        const { abortMode } = await import('./rollback/rollback-step.js')
        manifestsFile = await abortMode(settings, report)
        break
      }
      case 'rollback': {
        const { rollbackMode } = await import('./rollback/rollback-step.js')
        manifestsFile = await rollbackMode(settings, report)
        break
      }
      case 'history': {
        const { readHistories, logHistories } = await import('./rollback/rollback-step.js')
        const manifests = await prepareManifests(settings, settings.images, { sha: settings.run.sha })
        report.history = await readHistories(settings, manifests.objects)
        logHistories(report.history)
        break
      }
    }
  } catch (error) {
    if (cancel.signal.aborted) report.result = 'cancelled'
    else if (report.result !== 'rolled-back') report.result = 'failed'
    report.error = (error as Error).message
    core.setFailed(report.error)
  } finally {
    kube?.close()
    await deployment?.set(report.result === 'succeeded' ? 'success' : 'failure')
    report.durationMs = Date.now() - started
    setOutputs(report, manifestsFile)
    await core.summary.addRaw(renderSummary(report)).write().catch(error => core.warning(`Cannot write the job summary: ${(error as Error).message}`))
    core.info(resultLine(report))
    cancel.dispose()
  }
}
