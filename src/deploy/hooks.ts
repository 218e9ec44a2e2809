/**
 * Runs the hook steps of a phase plan: each weight in turn is applied, its Jobs waited on to completion, and its
 * objects deleted by their policies; a step that fails stops the deploy, and nothing after it is applied.
 */
import { describeObject, KubeObject, SourcedObject } from '../manifests/documents.js'
import type { Cluster, ObjectRef } from '../kube/cluster.js'
import {
  AppliedObject,
  Applier,
  ApplyOptions,
  ApplyValidationError,
  deleteUntilGone,
  mapLimited,
  waitItemFor
} from './apply.js'
import { resolveNamespace } from '../manifests/documents.js'
import { deletedAfter, HookStep, hookPolicy, PhaseError, PhasePlan, planPhases } from '../plan/phases.js'
import { waitForRollouts, WaitOutcome } from '../status/wait.js'

export interface HookOutcome {
  phase: HookStep['phase']
  weight: number
  kind: string
  namespace?: string
  name: string
  declaredAs: string
  state: 'succeeded' | 'failed' | 'applied' | 'not run' | 'dry run'
  deleted: boolean
  durationMs?: number
}

export interface HookRun {
  outcomes: HookOutcome[]
  /** The wait outcome of the Job that failed (with its diagnosis), or the error of a step that could not apply. */
  failure?: { message: string; wait?: WaitOutcome }
}

export interface HookContext {
  kube: Cluster
  options: ApplyOptions
  timeoutMs: number
  log: (line: string) => void
}

const outcomeOf = (step: HookStep, item: SourcedObject, state: HookOutcome['state']): HookOutcome => ({
  phase: step.phase,
  weight: step.weight,
  kind: item.object.kind,
  namespace: item.object.metadata.namespace,
  name: item.object.metadata.name,
  declaredAs: hookPolicy(item).declaredAs,
  state,
  deleted: false
})

/** Lists the steps as a dry run shows them, in the order they would run. */
export function hooksInOrder(steps: HookStep[]): HookOutcome[] {
  return steps.flatMap(step => step.objects.map(item => outcomeOf(step, item, 'dry run')))
}

export async function runHookSteps(steps: HookStep[], context: HookContext): Promise<HookRun> {
  const outcomes: HookOutcome[] = []
  const notRunAfter = (index: number): HookOutcome[] =>
    steps.slice(index + 1).flatMap(later => later.objects.map(item => outcomeOf(later, item, 'not run')))
  for (const [index, step] of steps.entries()) {
    const label = `${step.phase}-deploy hooks of weight ${step.weight}: ${step.objects.map(o => describeObject(o.object)).join(', ')}`
    context.log(label)
    const started = Date.now()
    let ran: { applied: AppliedObject[]; waits: WaitOutcome[] }
    try {
      ran = await applyStep(step, context)
    } catch (error) {
      outcomes.push(...step.objects.map(item => outcomeOf(step, item, 'failed')), ...notRunAfter(index))
      return { outcomes, failure: { message: `${label}: ${(error as Error).message}` } }
    }
    const { applied, waits } = ran
    const failed = waits.find(w => w.state !== 'succeeded')
    for (const item of step.objects) {
      const wait = waits.find(w => w.item.kind === item.object.kind && w.item.name === item.object.metadata.name)
      const succeeded = !wait || wait.state === 'succeeded'
      const outcome = {
        ...outcomeOf(step, item, wait ? (succeeded ? 'succeeded' : 'failed') : 'applied'),
        durationMs: wait?.durationMs ?? Date.now() - started
      }
      const live = applied.find(a => a.target.source === item)?.target.object
      // A hook kept after failing is what a user reads its logs from, unless it asked to have it deleted.
      if (live && deletedAfter(hookPolicy(item), !failed)) {
        await deleteObject(context, live).catch(error =>
          context.log(`could not delete ${describeObject(live)}: ${(error as Error).message}`)
        )
        outcome.deleted = true
      }
      outcomes.push(outcome)
    }
    if (failed) {
      outcomes.push(...notRunAfter(index))
      return {
        outcomes,
        failure: {
          message: `${step.phase}-deploy hook ${failed.item.kind.toLowerCase()}/${failed.item.name} failed: ${failed.message}`,
          wait: failed
        }
      }
    }
  }
  return { outcomes }
}

async function applyStep(
  step: HookStep,
  context: HookContext
): Promise<{ applied: AppliedObject[]; waits: WaitOutcome[] }> {
  for (const item of step.objects)
    if (hookPolicy(item).deletePolicies.includes('before-hook-creation')) await deleteObject(context, item.object)
  const applied = await new Applier(context.kube, context.options).apply(step.objects)
  const jobs = applied.filter(a => a.target.object.kind === 'Job').map(waitItemFor)
  const waits =
    jobs.length > 0 ? await waitForRollouts(context.kube, jobs, { timeoutMs: context.timeoutMs, log: context.log }) : []
  return { applied, waits }
}

/** Where an object of the manifests lives, or undefined for a kind the cluster does not serve (yet). */
async function liveRef(kube: Cluster, given: KubeObject, options: ApplyOptions): Promise<ObjectRef | undefined> {
  const info = await kube.resourceFor(given.apiVersion, given.kind)
  if (!info) return undefined
  const object = structuredClone(given)
  resolveNamespace(object, info.namespaced, options.namespace, options.contextNamespace)
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name
  }
}

/** Deletes an object as Helm's before-hook-creation does, and waits until it is gone so the apply creates it anew. */
async function deleteObject(context: HookContext, object: KubeObject): Promise<void> {
  // A kind the cluster does not serve yet (its CRD comes with this deploy) has nothing to delete.
  const ref = await liveRef(context.kube, object, context.options)
  if (ref)
    await deleteUntilGone(
      context.kube,
      ref,
      `${describeObject(object)} was deleted before its hook ran again`,
      context.options.signal
    )
}

/**
 * The phase plan of these manifests. Helm hooks pick install or upgrade: an install is a release's first deploy,
 * when no object of the main apply exists yet (one read per object, made only when a Helm hook is present).
 */
export async function planDeployPhases(
  kube: Cluster,
  objects: SourcedObject[],
  options: ApplyOptions
): Promise<PhasePlan> {
  const plan = (install: boolean): PhasePlan => {
    try {
      return planPhases(objects, install)
    } catch (error) {
      if (error instanceof PhaseError) throw new ApplyValidationError(error.message.split('\n'))
      throw error
    }
  }
  // The main objects are the same either way; only Helm hooks tell install from upgrade.
  const upgrade = plan(false)
  const hasHelmHooks = objects.some(o => o.object.metadata.annotations?.['helm.sh/hook'] !== undefined)
  return hasHelmHooks && !(await anyExists(kube, upgrade.main, options)) ? plan(true) : upgrade
}

async function anyExists(kube: Cluster, objects: SourcedObject[], options: ApplyOptions): Promise<boolean> {
  const found = await mapLimited(objects, 16, async ({ object }) => {
    const ref = await liveRef(kube, object, options).catch(() => undefined)
    return !!ref && !!(await kube.get(ref, { signal: options.signal }))
  })
  return found.some(Boolean)
}

/** A failed hook step, with the outcomes so far, for the report. */
export class HookFailure extends Error {
  constructor(
    message: string,
    readonly hooks: HookOutcome[]
  ) {
    super(message)
    this.name = 'HookFailure'
  }
}
