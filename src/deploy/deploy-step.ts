import * as core from '@actions/core'
import type { Document } from 'yaml'
import { mkdir, open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { AppliedObject, Applier, ApplyOptions, ApplyValidationError, ApplyWriteError, waitItemFor } from './apply.js'
import { takeoverSummary } from './takeover.js'
import type { ApplySet, PruneCandidate, PrunedObject } from './applyset.js'
import { labelMembers } from '../plan/applyset-plan.js'
import { findDuplicates, Target } from '../plan/apply-plan.js'
import { canonicalRepository, repositoryOf } from '../build/image-ref.js'
import type { Settings } from '../settings/types.js'
import { formatSize } from '../format/size.js'
import { formatDiagnosis } from '../status/diagnosis-lines.js'
import { resourceReports } from './deploy-result.js'
import type { DeployResult, RollbackReport } from './deploy-result.js'
import type { ModeFailure, ModeOutcome } from '../run/outcome.js'
import { gateRunner, isGateJob } from './gate-step.js'
import { strategyNamed } from '../strategies/registry.js'
import type { DeployStrategy } from '../strategies/strategy.js'
import { ClusterContext, withCluster } from '../run/context.js'
import type { ServerCapabilities } from '../kube/capabilities.js'
import type { Cluster } from '../kube/cluster.js'
import { connect } from '../kube/connect.js'
import { resolveKubeTarget } from '../kube/kubeconfig.js'
import { annotateWorkload, DeployOrigin } from '../manifests/annotate.js'
import { describeObject, describeSource, readObjects, SourcedObject } from '../manifests/documents.js'
import { expandManifestPaths, readManifestFile } from '../manifests/files.js'
import { renderHelmChart, renderKustomization } from '../manifests/render.js'
import { ImageReplacement, patchImages, redactSecretValues, worthMasking } from '../manifests/patch.js'
import type { ImageSubstitution } from '../build/image-ref.js'
import { deployedKey } from '../status/diagnose.js'
import { isWaitable } from '../status/readers.js'
import { WaitItem, waitForRollouts, WaitOutcome } from '../status/wait.js'
import { HookFailure, HookOutcome, hooksInOrder, planDeployPhases, runHookSteps } from './hooks.js'
import type { HookStep } from '../plan/phases.js'
import { isNamespaceMissing, lockNamespace } from '../run/lock.js'
import { checkRecordSize, recordRelease, ReleaseInput } from '../releases/record-step.js'

export interface PreparedManifests {
  objects: SourcedObject[]
  replacements: ImageReplacement[]
  /** Patched manifests (Secret values redacted), written for the manifests-file output. */
  file: string
  /** The images this run gave the manifests (readManifests), for the release record. */
  images?: string[]
}

/**
 * The target cluster's version and API versions for the chart, from the early connection when there is one. A
 * cluster that cannot be asked fails the render rather than falling back to helm's guess: the chart's kubeVersion
 * check and its .Capabilities branches would then describe some other cluster.
 */
async function chartCapabilities(settings: Settings, connected?: Cluster): Promise<ServerCapabilities> {
  const { chart } = settings.helm!
  let kube = connected
  try {
    kube ??= connect(settings.kube, { stallLimitMs: settings.timeoutMs })
    const capabilities = await kube.serverCapabilities()
    if (capabilities.failed.length > 0) {
      core.warning(
        `helm-chart '${chart}': the API server could not list ${capabilities.failed.join(', ')} (an aggregated API whose service is down?), so .Capabilities.APIVersions lacks them, as it would for helm install.`
      )
    }
    return capabilities
  } catch (error) {
    throw new Error(
      `helm-chart '${chart}' is rendered for the target cluster's Kubernetes version and API versions, and the cluster could not be asked for them: ${(error as Error).message}`,
      { cause: error }
    )
  } finally {
    if (!connected) kube?.close()
  }
}

/** The manifests as text, one entry per file, rendered kustomization or rendered chart, labelled for errors. */
async function manifestTexts(settings: Settings, kube?: Cluster): Promise<Array<{ label: string; text: string }>> {
  // Only a chart waits on the cluster; asked at once, so the round trips overlap reading the files.
  const capabilities = settings.helm ? chartCapabilities(settings, kube) : undefined
  capabilities?.catch(() => undefined)
  const sources = settings.manifests.length > 0 ? await expandManifestPaths(settings.manifests) : []
  const texts = await Promise.all(
    sources.map(async source =>
      source.kind === 'file'
        ? { label: source.path, text: await readManifestFile(source.path) }
        : { label: `${source.path} (kustomize)`, text: await renderKustomization(source.path) }
    )
  )
  if (settings.helm) {
    const { chart, release, values } = settings.helm
    const text = await renderHelmChart({ chart, release, values, namespace: settings.namespace }, capabilities!)
    texts.push({ label: `${chart} (helm template ${release})`, text })
  }
  return texts
}

/**
 * Reads (rendering kustomizations and the chart), patches and checks every manifest; throws with all problems before
 * anything is applied. Only a chart contacts the cluster here (through `kube` when given), for its version.
 */
export async function prepareManifests(
  settings: Settings,
  substitutions: ImageSubstitution[],
  origin: DeployOrigin,
  kube?: Cluster
): Promise<PreparedManifests> {
  const texts = await manifestTexts(settings, kube)
  const files = texts.map(t => t.label)
  const size = texts.reduce((sum, t) => sum + Buffer.byteLength(t.text), 0)
  if (size > settings.maxManifestsBytes) {
    throw new Error(
      `The manifests (${files.join(', ')}) are ${formatSize(size)}, over max-manifests-size (${formatSize(settings.maxManifestsBytes)}); nothing was built or applied. Raise max-manifests-size if they really are this large.`
    )
  }
  const problems: string[] = []
  const objects: SourcedObject[] = []
  const replacements: ImageReplacement[] = []
  const matched = new Set<string>()
  const patchedTexts: string[] = []
  for (const { label: file, text } of texts) {
    let patched = text
    let documents: Document.Parsed[] | undefined
    try {
      const result = patchImages(text, file, substitutions)
      patched = result.text
      documents = result.documents
      replacements.push(...result.replacements)
      result.matched.forEach(m => matched.add(m))
    } catch (error) {
      problems.push((error as Error).message)
    }
    objects.push(...readObjects(patched, file, problems, documents))
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
    throw new Error(
      `The manifests have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was applied:\n- ${problems.join('\n- ')}`
    )
  }
  if (objects.length === 0) throw new Error(`The manifests (${files.join(', ')}) contain no Kubernetes objects.`)
  for (const item of objects) {
    maskSecretValues(item.object)
    item.object = annotateWorkload(item.object, origin)
  }

  const file = path.join(await manifestsDir(), 'manifests.yaml')
  // Redacted, yet the deploy's whole configuration: for the runner's user alone, also when a rerun finds it there.
  const handle = await open(file, 'w', 0o600)
  try {
    await handle.chmod(0o600)
    await handle.writeFile(patchedTexts.join('---\n'))
  } finally {
    await handle.close()
  }
  return { objects, replacements, file }
}

/** Where this run writes the manifests it applies (the manifests-file output): one directory per run. */
export async function manifestsDir(): Promise<string> {
  const dir = path.join(
    process.env.RUNNER_TEMP || os.tmpdir(),
    `build-and-deploy-${process.env.GITHUB_RUN_ID ?? process.pid}`
  )
  await mkdir(dir, { recursive: true })
  return dir
}

/** Masks a Secret's values, so that even a server error quoting one cannot print it. */
function maskSecretValues(object: SourcedObject['object']): void {
  if (object.kind !== 'Secret') return
  for (const [field, encoded] of [
    ['data', true],
    ['stringData', false]
  ] as const) {
    for (const value of Object.values((object[field] ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string' || value === '') continue
      const plain = encoded ? Buffer.from(value, 'base64').toString('utf8') : value
      if (!worthMasking(plain)) continue
      core.setSecret(value)
      if (encoded) core.setSecret(plain)
    }
  }
}

const describeTarget = ({ object }: Target): string =>
  `${object.kind.toLowerCase()}/${object.metadata.name}${object.metadata.namespace ? ` (${object.metadata.namespace})` : ''}`
const describeApplied = (a: AppliedObject): string => describeTarget(a.target)

/**
 * Restores every workload this run changed to its revision from before the run, and waits for it up to `waitMs`
 * (the timeout; 0 after a cancel, whose grace period is too short to wait: the undo is then started, not completed).
 */
async function rollBack(
  kube: Cluster,
  settings: Settings,
  applied: AppliedObject[],
  waitMs = settings.timeoutMs
): Promise<RollbackReport> {
  const started = Date.now()
  // Loaded only when a rollout failed: a successful run never needs the undo planning.
  const { canUndo, describeUndo, undoToBefore } = await import('../rollback/undo.js')
  const changed = applied.filter(a => (a.action === 'configured' || a.action === 'replaced') && a.before)
  const restored = await Promise.all(
    changed
      .filter(a => canUndo(a.target.object.kind))
      .map(a => {
        const o = a.target.object
        return undoToBefore(
          kube,
          { kind: o.kind, namespace: o.metadata.namespace!, name: o.metadata.name },
          a.before as Record<string, unknown>,
          settings.fieldManager
        )
      })
  )
  for (const r of restored) core.info(describeUndo(r))
  const created = applied.filter(a => a.action === 'created')
  if (settings.rollbackDeleteNew) {
    // Reverse apply order: workloads before the Namespaces that hold them.
    for (const item of [...created].reverse()) {
      const { apiVersion, kind, metadata } = item.target.object
      await kube
        .delete(
          { apiVersion, kind, namespace: metadata.namespace, name: metadata.name },
          { propagationPolicy: 'Background' }
        )
        .catch(error => core.warning(`Could not delete ${describeApplied(item)}: ${(error as Error).message}`))
      core.info(`${describeApplied(item)}: deleted (created by this run)`)
    }
  }
  const rolled = restored
    .filter(r => r.plan.action === 'patch')
    .map(r =>
      applied.find(
        a =>
          a.target.object.kind === r.workload.kind &&
          a.target.object.metadata.name === r.workload.name &&
          a.target.object.metadata.namespace === r.workload.namespace
      )!
    )
  const waits =
    rolled.length === 0 || waitMs === 0
      ? []
      : await waitForRollouts(kube, rolled.map(waitItemFor), { timeoutMs: waitMs, log: line => core.info(line) })
  return {
    restored,
    created: created.map(describeApplied),
    deleted: settings.rollbackDeleteNew,
    notRestored: changed.filter(a => !canUndo(a.target.object.kind)).map(describeApplied),
    waits,
    durationMs: Date.now() - started,
    succeeded: waitMs > 0 && waits.every(w => w.state === 'succeeded')
  }
}

/**
 * A client for the target cluster, warming up (credentials, discovery) while the caller renders a chart (which
 * awaits the cluster's version), builds, or looks images up in the registry. Undefined when the kubeconfig cannot be
 * resolved: readManifests reports that in its turn.
 */
export function connectEarly(settings: Settings): Cluster | undefined {
  let kube: Cluster
  try {
    kube = connect(settings.kube, { stallLimitMs: settings.timeoutMs })
  } catch {
    return undefined
  }
  kube.warmUp()
  return kube
}

/** Adds the ApplySet's member label to every object (prune), or leaves them as they are. */
function withMembership(objects: SourcedObject[], applySet: ApplySet | undefined): SourcedObject[] {
  if (!applySet) return objects
  const { items, problems } = labelMembers(objects, applySet.id, describeSource)
  if (problems.length > 0) throw new ApplyValidationError(problems)
  return items
}

/** Deletes what the manifests dropped, then narrows the parent to this run's set. */
async function pruneSet(
  applySet: ApplySet,
  candidates: PruneCandidate[],
  applied: AppliedObject[]
): Promise<PrunedObject[]> {
  return core.group(
    `Prune ${candidates.length} object${candidates.length === 1 ? '' : 's'} from ${applySet.describeParent()}`,
    async () => {
      const pruned = await applySet.prune(candidates)
      for (const p of pruned)
        core.info(
          `${p.kind.toLowerCase()}/${p.name}${p.namespace ? ` (${p.namespace})` : ''} ${p.skipped ? `not pruned: ${p.skipped}` : 'pruned'}`
        )
      await applySet.narrow(applied.map(a => a.target))
      return pruned
    }
  )
}

const allSucceeded = (waits: WaitOutcome[]): boolean => waits.every(w => w.state === 'succeeded')

/**
 * `cancel` (the runner's SIGINT/SIGTERM) stops a wait for the lock and the rollout wait, not a write under way: an
 * apply takes seconds, and stopping it midway would leave a half-applied set.
 */
export async function deploy(
  settings: Settings,
  manifestObjects: SourcedObject[],
  connected?: Cluster,
  cancel?: AbortSignal,
  release: ReleaseInput = { images: [] }
): Promise<DeployResult> {
  // A cancel during the build (a runner that signals this process alone) must not be followed by a deploy.
  if (cancel?.aborted) throw new Error('Cancelled before anything was applied.')
  checkRecordSize(settings, manifestObjects, release)
  return withCluster(
    settings,
    async context => {
      const result = await deployTo(context, settings, manifestObjects, cancel)
      const failure = deployFailure(result)
      // A failed deploy left as it is (no rollback) is live too: recorded, so that previous is not taken for it.
      const verdict = !failure ? 'succeeded' : failure.result === 'rolled-back' ? 'rolled-back' : 'failed'
      const wrote = result.applied.some(a => a.action !== 'unchanged')
      if (result.target?.namespace && !result.cancelled && (verdict !== 'failed' || wrote))
        result.release = await recordRelease(
          context.kube,
          settings,
          {
            namespace: result.target.namespace,
            objects: result.applied.map(a => a.target.object),
            changes: resourceReports(result.applied, result.waits, result.pruned).map(
              ({ kind, namespace, name, action }) => ({ kind, namespace, name, action })
            )
          },
          verdict,
          release
        )
      return result
    },
    connected
  )
}

/**
 * Held before anything a rollback, a colour or a prune depends on is read (issue 19): a run that waited for
 * another then reads what that run left, not what it found while the other was still deploying. A namespace
 * that does not exist yet gets it once the apply has created the namespace (deferred), and the objects are
 * dry-run again.
 */
async function lockFirst(
  context: ClusterContext,
  settings: Settings,
  manifestObjects: SourcedObject[],
  cancel?: AbortSignal
): Promise<{ lockIn: string; lockDeferred: boolean }> {
  const lockIn = lockNamespace(
    manifestObjects.map(o => o.object),
    settings.namespace,
    context.kube.namespace
  )
  if (settings.dryRun) return { lockIn, lockDeferred: false }
  let lockDeferred = false
  await context.holdLock(lockIn, cancel).catch(error => {
    if (!isNamespaceMissing(error)) throw error
    lockDeferred = true
  })
  return { lockIn, lockDeferred }
}

async function deployTo(
  context: ClusterContext,
  settings: Settings,
  manifestObjects: SourcedObject[],
  cancel?: AbortSignal
): Promise<DeployResult> {
  const { kube, targetNamespace } = context
  const { lockIn, lockDeferred } = await lockFirst(context, settings, manifestObjects, cancel)
  // The ApplySet code loads only for prune, as the strategies load only when chosen.
  const applySet = settings.prune
    ? await (await import('./applyset.js')).ApplySet.open(kube, settings.prune, targetNamespace, settings.fieldManager)
    : undefined
  const options = applyOptions(settings, kube)
  // Hooks and phases run around the main apply; everything else below sees the main objects only.
  const phases = await planDeployPhases(kube, manifestObjects, options)
  const objects = phases.main
  for (const { object, why } of phases.skipped) core.info(`${describeObject(object.object)} skipped: ${why}`)
  const { hooks, runPhase, postHooks } = deployHooks(kube, settings, options, phases)
  const waitItems = (applied: AppliedObject[]): WaitItem[] =>
    applied.filter(a => isWaitable(a.target.object, settings)).map(waitItemFor)
  const deployed = new Set<string>()
  const wait = (items: WaitItem[]): Promise<WaitOutcome[]> =>
    waitForRollouts(kube, items, {
      timeoutMs: settings.timeoutMs,
      log: line => core.info(line),
      deployed,
      signal: cancel
    })
  // A canary promoted in the same step: the retained stable Deployments get the manifests' version.
  const rollStable = async (): Promise<boolean> => {
    const stable = objects.filter(
      o => o.object.kind === 'Deployment' && strategy!.retained.some(r => r.metadata.name === o.object.metadata.name)
    )
    return allSucceeded(await wait(waitItems(await new Applier(kube, options).apply(withMembership(stable, applySet)))))
  }
  const strategy = await prepareStrategy(kube, settings, objects, targetNamespace, rollStable, options)
  let candidates: PruneCandidate[] = []
  const applier = new Applier(kube, {
    ...options,
    validated: async targets => {
      if (applySet) candidates = await applySet.plan(targets, strategy?.retained)
    },
    beforeWrite: async targets => {
      if (cancel?.aborted) throw new Error('Cancelled before anything but Namespaces and CRDs was applied.')
      if (lockDeferred) await context.holdLock(lockIn, cancel)
      await applySet?.widen(targets)
      return lockDeferred && context.holdsLock
    },
    allValidated: () => runPhase(phases.pre, 'Pre-deploy hooks')
  })
  const { applied, writeFailure } = await applyLogged(
    applier,
    withMembership(strategy?.objects ?? objects, applySet),
    settings.dryRun,
    () => candidates
  )
  for (const { target } of applied)
    deployed.add(deployedKey(target.object.kind, target.object.metadata.namespace, target.object.metadata.name))
  return settle({
    kube,
    settings,
    lockIn,
    applied,
    writeFailure,
    candidates,
    strategy,
    applySet,
    hooks,
    postHooks,
    waitItems,
    wait,
    cancel
  })
}

/** What the apply left for the rest of the deploy to decide on: wait, promote, prune, or undo. */
interface AppliedRun {
  kube: Cluster
  settings: Settings
  lockIn: string
  applied: AppliedObject[]
  writeFailure?: ApplyWriteError
  candidates: PruneCandidate[]
  strategy?: DeployStrategy
  applySet?: ApplySet
  hooks: HookOutcome[]
  postHooks: () => Promise<string | undefined>
  waitItems: (applied: AppliedObject[]) => WaitItem[]
  wait: (items: WaitItem[]) => Promise<WaitOutcome[]>
  cancel?: AbortSignal
}

/** After the apply: the dry run's answer, the undo of a half-written set, or the wait and what follows it. */
async function settle(run: AppliedRun): Promise<DeployResult> {
  const { kube, settings, lockIn, applied, writeFailure, candidates, strategy, applySet, hooks, postHooks, cancel } =
    run
  const { waitItems, wait } = run
  // Every result names where the deploy went, and what was applied.
  const result = (rest: Omit<DeployResult, 'target' | 'applied'>): DeployResult => ({
    target: { server: kube.server.origin, context: kube.context, namespace: lockIn },
    applied,
    ...rest
  })
  const undo = (rollBackWith?: () => Promise<RollbackReport>): Promise<Pick<DeployResult, 'rollback' | 'traffic'>> =>
    undoDeploy(kube, strategy, rollBackWith)
  const rollBackApplied = (title: string, waitMs?: number) => (): Promise<RollbackReport> =>
    core.group(title, () => rollBack(kube, settings, applied, waitMs))
  if (settings.dryRun)
    return result({
      waits: [],
      pruned: candidates.map(c => ({
        kind: c.object.kind,
        namespace: c.object.metadata.namespace,
        name: c.object.metadata.name
      })),
      traffic: strategy?.report(),
      hooks
    })
  if (writeFailure) {
    // As after a failed rollout: what this run wrote is undone, so the set is not left half old, half new.
    const unwritten = [
      ...writeFailure.failed.map(f => ({ target: f.target, fate: 'failed' as const })),
      ...writeFailure.notAttempted.map(target => ({ target, fate: 'not applied' as const }))
    ]
    return result({
      waits: [],
      pruned: [],
      ...(await undo(settings.rollbackOnFailure ? rollBackApplied('Roll back') : undefined)),
      hooks,
      writeFailure: { message: writeFailure.message, unwritten }
    })
  }
  const prune = async (): Promise<PrunedObject[]> => (applySet ? pruneSet(applySet, candidates, applied) : [])
  if (!settings.wait) {
    const hookFailure = await postHooks()
    return result({ waits: [], pruned: hookFailure ? [] : await prune(), hooks, hookFailure })
  }
  const items = waitItems(applied)
  const waits = cancel?.aborted
    ? []
    : await core.group(`Wait for ${items.length} rollout${items.length === 1 ? '' : 's'}`, () => wait(items))
  if (cancel?.aborted) {
    // Left as it is unless asked: a run cancelled by a newer push is followed by that push's deploy anyway.
    if (!settings.rollbackOnCancel)
      return result({ waits, pruned: [], traffic: strategy?.report(), hooks, cancelled: true })
    return result({
      waits,
      pruned: [],
      ...(await undo(rollBackApplied('Roll back (cancelled)', 0))),
      hooks,
      cancelled: true
    })
  }
  if (allSucceeded(waits)) return result({ waits, ...(await promoteAndPrune(run, prune)) })
  return result({
    waits,
    pruned: [],
    ...(await undo(settings.rollbackOnFailure ? rollBackApplied('Roll back') : undefined)),
    hooks
  })
}

/** Every rollout succeeded: the strategy moves traffic, post-deploy hooks run, and only then is the set pruned. */
async function promoteAndPrune(
  run: AppliedRun,
  prune: () => Promise<PrunedObject[]>
): Promise<Omit<DeployResult, 'target' | 'applied' | 'waits'>> {
  const { kube, strategy, postHooks, hooks } = run
  const readyAt = Date.now()
  // Only a deploy that succeeded prunes: a failed one is rolled back to a set that still has every object.
  const failure = strategy
    ? await core
        .group('Traffic', () => strategy.promote(kube, readyAt))
        .then(
          () => undefined,
          (error: Error) => error.message
        )
    : undefined
  if (failure && strategy!.onFailure === 'discard') await strategy!.discard(kube)
  const hookFailure = failure ? undefined : await postHooks()
  return {
    pruned: failure || hookFailure ? [] : await prune(),
    traffic: strategy?.report(),
    strategyFailure: failure,
    hooks,
    hookFailure
  }
}

function applyOptions(settings: Settings, kube: Cluster): ApplyOptions {
  return {
    fieldManager: settings.fieldManager,
    force: settings.forceConflicts,
    namespace: settings.namespace,
    contextNamespace: kube.namespace,
    createNamespace: settings.createNamespace,
    dryRun: settings.dryRun
  }
}

/** The deploy's hooks: listed in a dry run; otherwise run around the main apply, each phase's outcomes kept. */
function deployHooks(
  kube: Cluster,
  settings: Settings,
  options: ApplyOptions,
  phases: { pre: HookStep[]; post: HookStep[] }
) {
  const hooks: HookOutcome[] = settings.dryRun ? hooksInOrder([...phases.pre, ...phases.post]) : []
  for (const h of settings.dryRun ? hooks : [])
    core.info(
      `${h.phase}-deploy hook (weight ${h.weight}) ${h.kind.toLowerCase()}/${h.name} would run (${h.declaredAs})`
    )
  const runPhase = async (steps: HookStep[], title: string): Promise<void> => {
    if (steps.length === 0 || settings.dryRun) return
    const run = await core.group(title, () =>
      runHookSteps(steps, { kube, options, timeoutMs: settings.timeoutMs, log: line => core.info(line) })
    )
    hooks.push(...run.outcomes)
    if (run.failure)
      throw new HookFailure(
        [run.failure.message, ...(run.failure.wait?.diagnosis ? formatDiagnosis(run.failure.wait.diagnosis) : [])].join(
          '\n'
        ),
        hooks
      )
  }
  // Post hooks run once the deploy is live, before the prune; one that fails fails the step, and the
  // workloads, healthy, are not rolled back (as Helm leaves a release whose post hook failed).
  const postHooks = async (): Promise<string | undefined> =>
    runPhase(phases.post, 'Post-deploy hooks').then(
      () => undefined,
      (error: Error) => {
        if (error instanceof HookFailure)
          return `${error.message}\nThe deploy's objects are applied and were not rolled back.`
        throw error
      }
    )
  return { hooks, runPhase, postHooks }
}

/** The settings' strategy, planned on the main objects; a Job named as the gate is held back to run as the gate. */
async function prepareStrategy(
  kube: Cluster,
  settings: Settings,
  objects: SourcedObject[],
  targetNamespace: string,
  rollStable: () => Promise<boolean>,
  options: ApplyOptions
): Promise<DeployStrategy | undefined> {
  const gate = settings.blueGreen?.verify ?? settings.canary?.verify
  if (gate?.kind === 'job' && !objects.some(item => isGateJob(gate, item))) {
    throw new ApplyValidationError([
      `verify names job/${gate.name}, but the manifests have no Job ${gate.name}; add it, or name another gate`
    ])
  }
  return strategyNamed(settings.strategy).prepare({
    kube,
    settings,
    objects: objects.filter(item => !isGateJob(gate, item)),
    targetNamespace,
    rollStable,
    gate: gateRunner(kube, settings, objects, options)
  })
}

/**
 * After a failed write, a failed rollout, or a cancel with rollback-on-cancel. Blue-green and canary never roll
 * back: the live version was not touched, so the new one is dropped. Otherwise `rollBackWith`, when given, restores
 * what this run changed.
 */
async function undoDeploy(
  kube: Cluster,
  strategy: DeployStrategy | undefined,
  rollBackWith?: () => Promise<RollbackReport>
): Promise<Pick<DeployResult, 'rollback' | 'traffic'>> {
  if (strategy?.onFailure === 'discard') {
    await strategy.discard(kube)
    return { traffic: strategy.report() }
  }
  return { rollback: await rollBackWith?.(), traffic: strategy?.report() }
}

/** Applies (or dry-runs) the objects and logs what became of each; a failed write ends the apply, not the step. */
async function applyLogged(
  applier: Applier,
  objects: SourcedObject[],
  dryRun: boolean,
  prunable: () => PruneCandidate[]
): Promise<{ applied: AppliedObject[]; writeFailure?: ApplyWriteError }> {
  let writeFailure: ApplyWriteError | undefined
  const applied = await core.group(dryRun ? 'Server-side dry run' : 'Apply', async () => {
    const result = await applier.apply(objects).catch(error => {
      if (!(error instanceof ApplyWriteError)) throw error
      writeFailure = error
      for (const f of error.failed) core.info(`${describeTarget(f.target)} failed (the error below says why)`)
      for (const t of error.notAttempted) core.info(`${describeTarget(t)} not applied: an earlier write failed`)
      return error.written
    })
    for (const item of result) {
      const why =
        item.action === 'replaced'
          ? `: its pod template changed, and a Job's cannot be updated, so it ${dryRun ? 'would be' : 'was'} deleted and created anew`
          : ''
      core.info(`${describeApplied(item)} ${item.action}${dryRun ? ' (dry run)' : ''}${why}`)
    }
    for (const c of dryRun ? prunable() : []) core.info(`${describeObject(c.object)} would be pruned (dry run)`)
    const scaled = result.filter(a => a.scaleOwners)
    if (scaled.length > 0) {
      const owners = [...new Set(scaled.flatMap(a => a.scaleOwners!))].join(', ')
      core.info(
        `spec.replicas left out of ${scaled.map(describeApplied).join(', ')}: ${owners} own${scaled.length === 1 && !owners.includes(',') ? 's' : ''} the live scale through the scale subresource (an autoscaler), so it is kept as it is.`
      )
    }
    const takeover = takeoverSummary(result, dryRun)
    if (takeover) core.info(takeover)
    return result
  })
  return { applied, writeFailure }
}

/**
 * Reads, patches and checks the manifests: everything that can fail before a build or an apply.
 * `built` are the images of this run (planned or found), on top of the images input's substitutions; `kube`, the
 * early connection, serves a chart's render.
 */
export async function readManifests(
  settings: Settings,
  built: ImageSubstitution[],
  kube?: Cluster
): Promise<PreparedManifests> {
  const substitutions: ImageSubstitution[] = [...settings.images, ...built]
  const origin = {
    sha: settings.run.sha,
    runUrl: settings.run.runUrl,
    actor: settings.run.actor,
    images: built.map(b => b.image)
  }
  const manifests = { ...(await prepareManifests(settings, substitutions, origin, kube)), images: origin.images }
  for (const r of manifests.replacements)
    core.info(`${r.file}: ${r.kind}/${r.name} container ${r.container}: ${r.from} → ${r.to}`)
  // A missing or broken kubeconfig is found now, not after a ten-minute build.
  resolveKubeTarget(settings.kube)
  return manifests
}

/** The workloads a rollback restored, as "kind/name to revision N". */
const restoredWorkloads = (rollback: RollbackReport): string[] =>
  rollback.restored
    .filter(r => r.plan.action === 'patch')
    .map(r => `${r.workload.kind.toLowerCase()}/${r.workload.name} to revision ${r.plan.revision}`)

/** What a deploy put in the report, whether it succeeded or not. */
function deployReport(result: DeployResult): ModeOutcome['report'] {
  const resources = resourceReports(result.applied, result.waits, result.pruned)
  for (const { target, fate } of result.writeFailure?.unwritten ?? []) {
    resources.push({
      kind: target.object.kind,
      namespace: target.object.metadata.namespace,
      name: target.object.metadata.name,
      action: fate
    })
  }
  return {
    hooks: result.hooks,
    target: result.target,
    applied: result.applied,
    waits: result.waits,
    resources,
    rollback: result.rollback,
    traffic: result.traffic,
    release: result.release && { name: result.release.name, number: result.release.number }
  }
}

/** Why a deploy failed, and how it ended (rolled back, cancelled); undefined when it succeeded. */
export function deployFailure(result: DeployResult): ModeFailure | undefined {
  if (result.cancelled) {
    const unfinished = result.waits.filter(w => w.state !== 'succeeded').map(w => w.message)
    const undo = result.rollback
      ? `The workloads this run changed are being restored (rollback-on-cancel): ${restoredWorkloads(result.rollback).join(', ') || 'none had an earlier revision'}.`
      : 'What was applied stays as it is (rollback-on-cancel: false).'
    return {
      result: 'cancelled',
      message: [
        `Cancelled after the apply${unfinished.length > 0 ? `, with ${unfinished.length} rollout${unfinished.length === 1 ? '' : 's'} unfinished` : ''}.`,
        ...unfinished,
        undo
      ].join('\n')
    }
  }
  const failed = result.waits.filter(w => w.state !== 'succeeded')
  const kept = result.traffic ? strategyNamed(result.traffic.strategy).untouchedLine(result.traffic) : undefined
  if (result.strategyFailure) return { message: [result.strategyFailure, kept].filter(Boolean).join('\n') }
  if (result.hookFailure) return { message: result.hookFailure }
  if (failed.length === 0 && !result.writeFailure) return undefined
  const lines = result.writeFailure
    ? [result.writeFailure.message]
    : failed.flatMap(w => [w.message, ...(w.diagnosis ? formatDiagnosis(w.diagnosis) : [])])
  if (kept) lines.push(kept)
  const restored = result.rollback ? restoredWorkloads(result.rollback) : []
  let rolledBack = false
  if (result.rollback?.succeeded && restored.length > 0) {
    rolledBack = true
    lines.push(`Rolled back: ${restored.join(', ')}.`)
  } else if (result.rollback?.succeeded) {
    lines.push('Nothing to roll back: no workload this run changed had an earlier revision.')
  } else if (result.rollback) {
    lines.push(
      `The rollback did not complete: ${result.rollback.waits
        .filter(w => w.state !== 'succeeded')
        .map(w => w.message)
        .join('; ')}`
    )
  } else if (result.writeFailure) {
    const written = result.applied.filter(a => a.action !== 'unchanged').map(describeApplied)
    lines.push(
      written.length > 0
        ? `Written before the failure and left as they are (rollback-on-failure: false): ${written.join(', ')}.`
        : 'Nothing was changed before the failure.'
    )
  }
  return {
    message: result.writeFailure ? lines.join('\n') : `Rollout failed:\n${lines.join('\n')}`,
    ...(rolledBack ? { result: 'rolled-back' as const } : {})
  }
}

/** Applies prepared manifests and waits: what went into the report, and why it failed if it did. */
export async function deployManifests(
  settings: Settings,
  manifests: PreparedManifests,
  kube?: Cluster,
  cancel?: AbortSignal
): Promise<Pick<ModeOutcome, 'report' | 'failure'>> {
  try {
    const result = await deploy(settings, manifests.objects, kube, cancel, { images: manifests.images ?? [] })
    return { report: deployReport(result), failure: deployFailure(result) }
  } catch (error) {
    if (!(error instanceof HookFailure)) throw error
    return { report: { hooks: error.hooks }, failure: { message: `${error.message}\nNothing after it was applied.` } }
  }
}
