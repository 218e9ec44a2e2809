import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { AppliedObject, Applier } from './apply.js'
import { findDuplicates } from './apply-plan.js'
import { canonicalRepository, repositoryOf } from './image-ref.js'
import { Settings } from './inputs.js'
import { KubeClient } from './kube.js'
import { resolveKubeTarget } from './kubeconfig.js'
import { annotateWorkload, DeployOrigin } from './manifests/annotate.js'
import { readObjects, SourcedObject } from './manifests/documents.js'
import { expandManifestPaths, readManifestFile } from './manifests/files.js'
import { ImageReplacement, ImageSubstitution, patchImages, redactSecretValues } from './manifests/patch.js'
import { isWaitable } from './rollout.js'
import { waitForRollouts, WaitOutcome } from './wait.js'

export interface PreparedManifests {
  objects: SourcedObject[]
  replacements: ImageReplacement[]
  /** Patched manifests (Secret values redacted), written for the manifests-file output. */
  file: string
}

/** Reads, patches and checks every manifest; throws with all problems before the cluster is contacted. */
export async function prepareManifests(settings: Settings, substitutions: ImageSubstitution[], origin: DeployOrigin): Promise<PreparedManifests> {
  const files = await expandManifestPaths(settings.manifests)
  const problems: string[] = []
  const objects: SourcedObject[] = []
  const replacements: ImageReplacement[] = []
  const matched = new Set<string>()
  const patchedTexts: string[] = []
  for (const file of files) {
    const text = await readManifestFile(file)
    let patched = text
    try {
      const result = patchImages(text, file, substitutions)
      patched = result.text
      replacements.push(...result.replacements)
      result.matched.forEach(m => matched.add(m))
    } catch (error) {
      problems.push((error as Error).message)
    }
    objects.push(...readObjects(patched, file, problems))
    patchedTexts.push(`# Source: ${file}\n${redactSecretValues(patched).replace(/\n*$/, '\n')}`)
  }
  problems.push(...findDuplicates(objects))
  for (const substitution of substitutions) {
    if (!matched.has(canonicalRepository(substitution.repository))) {
      problems.push(
        `no container in ${files.join(', ')} uses the image repository ${repositoryOf(substitution.repository)}, so ${substitution.image} would be deployed nowhere; write image: ${repositoryOf(substitution.repository)} (any tag) in the manifests`
      )
    }
  }
  if (problems.length > 0) {
    throw new Error(`The manifests have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was applied:\n- ${problems.join('\n- ')}`)
  }
  if (objects.length === 0) throw new Error(`The manifests (${files.join(', ')}) contain no Kubernetes objects.`)
  for (const item of objects) {
    maskSecretValues(item.object)
    item.object = annotateWorkload(item.object, origin)
  }

  const dir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), `build-and-deploy-${process.env.GITHUB_RUN_ID ?? process.pid}`)
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, 'manifests.yaml')
  await writeFile(file, patchedTexts.join('---\n'))
  return { objects, replacements, file }
}

/** Masks a Secret's values, so that even a server error quoting one cannot print it. */
function maskSecretValues(object: SourcedObject['object']): void {
  if (object.kind !== 'Secret') return
  for (const [field, encoded] of [['data', true], ['stringData', false]] as const) {
    for (const value of Object.values((object[field] ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string' || value === '') continue
      core.setSecret(value)
      if (encoded) core.setSecret(Buffer.from(value, 'base64').toString('utf8'))
    }
  }
}

export interface DeployResult {
  applied: AppliedObject[]
  waits: WaitOutcome[]
}

export async function deploy(settings: Settings, objects: SourcedObject[]): Promise<DeployResult> {
  const kube = new KubeClient(resolveKubeTarget(settings.kube))
  try {
    await kube.authenticate()
    const applier = new Applier(kube, {
      fieldManager: settings.fieldManager,
      force: settings.forceConflicts,
      namespace: settings.namespace,
      contextNamespace: kube.namespace,
      createNamespace: settings.createNamespace,
      dryRun: settings.dryRun
    })
    const applied = await core.group(settings.dryRun ? 'Server-side dry run' : 'Apply', async () => {
      const result = await applier.apply(objects)
      for (const item of result) {
        const o = item.target.object
        core.info(`${o.kind.toLowerCase()}/${o.metadata.name}${o.metadata.namespace ? ` (${o.metadata.namespace})` : ''} ${item.action}${settings.dryRun ? ' (dry run)' : ''}`)
      }
      return result
    })
    if (settings.dryRun || !settings.wait) return { applied, waits: [] }
    const items = applied
      .filter(a => isWaitable(a.target.object.kind, settings.waitForJobs))
      .map(a => ({
        apiVersion: a.target.object.apiVersion,
        kind: a.target.object.kind,
        plural: a.target.plural!,
        namespace: a.target.object.metadata.namespace,
        name: a.target.object.metadata.name
      }))
    const waits = await core.group(`Wait for ${items.length} rollout${items.length === 1 ? '' : 's'}`, () =>
      waitForRollouts(kube, items, { timeoutMs: settings.timeoutMs, log: line => core.info(line) })
    )
    return { applied, waits }
  } finally {
    kube.close()
  }
}
