/**
 * The steps of a deploy around the main apply: Helm hooks as `helm install` / `helm upgrade` run them
 * (helm.sh/hook, hook-weight, hook-delete-policy), and our own `build-and-deploy/phase` for plain manifests and
 * kustomize. Pure: the deploy step runs the plan.
 */
import { describeSource, SourcedObject } from '../manifests/documents.js'

export type Phase = 'pre' | 'post'
export type DeletePolicy = 'before-hook-creation' | 'hook-succeeded' | 'hook-failed'

export interface HookStep {
  phase: Phase
  weight: number
  /** The objects of one weight, applied together and waited on before the next weight. */
  objects: SourcedObject[]
}

export interface HookObjectPolicy {
  deletePolicies: DeletePolicy[]
  /** What declared it, for the log and the summary: the Helm hook names or our phase. */
  declaredAs: string
}

export interface PhasePlan {
  pre: HookStep[]
  main: SourcedObject[]
  post: HookStep[]
  /** Objects no deploy runs (test, delete and rollback hooks), each with why. */
  skipped: Array<{ object: SourcedObject; why: string }>
}

export const phaseAnnotation = 'build-and-deploy/phase'
const hookAnnotation = 'helm.sh/hook'
const weightAnnotation = 'helm.sh/hook-weight'
const deletePolicyAnnotation = 'helm.sh/hook-delete-policy'
const deletePolicies: DeletePolicy[] = ['before-hook-creation', 'hook-succeeded', 'hook-failed']

/** A manifest's hook annotations that cannot be planned: reported with the rest before anything is applied. */
export class PhaseError extends Error {}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)

/** The phase of one object in this deploy, or why it is skipped, or undefined for the main apply. */
function phaseOf(item: SourcedObject, install: boolean): { phase: Phase } | { skip: string } | undefined {
  const annotations = item.object.metadata.annotations ?? {}
  const ours = annotations[phaseAnnotation]
  if (ours !== undefined) {
    if (ours === 'pre-deploy') return { phase: 'pre' }
    if (ours === 'post-deploy') return { phase: 'post' }
    throw new PhaseError(`${where(item)}: ${phaseAnnotation} is '${ours}'; expected pre-deploy or post-deploy`)
  }
  const hooks = list(annotations[hookAnnotation])
  if (hooks.length === 0) return undefined
  if (hooks.includes(install ? 'pre-install' : 'pre-upgrade')) return { phase: 'pre' }
  if (hooks.includes(install ? 'post-install' : 'post-upgrade')) return { phase: 'post' }
  const known = [
    'pre-install',
    'pre-upgrade',
    'post-install',
    'post-upgrade',
    'pre-delete',
    'post-delete',
    'pre-rollback',
    'post-rollback',
    'test',
    'test-success'
  ]
  const unknown = hooks.filter(h => !known.includes(h))
  if (unknown.length > 0)
    throw new PhaseError(
      `${where(item)}: ${hookAnnotation} names ${unknown.map(h => `'${h}'`).join(', ')}; Helm knows ${known.join(', ')}`
    )
  return { skip: `${hookAnnotation}: ${hooks.join(',')} does not run on ${install ? 'an install' : 'an upgrade'}` }
}

const where = (item: SourcedObject): string =>
  `${describeSource(item)} (${item.object.kind} ${item.object.metadata.name})`

/** The delete policies of a hook object: Helm's default is before-hook-creation. */
export function hookPolicy(item: SourcedObject): HookObjectPolicy {
  const annotations = item.object.metadata.annotations ?? {}
  const given = list(annotations[deletePolicyAnnotation])
  const bad = given.filter(p => !deletePolicies.includes(p as DeletePolicy))
  if (bad.length > 0)
    throw new PhaseError(
      `${where(item)}: ${deletePolicyAnnotation} names ${bad.map(p => `'${p}'`).join(', ')}; expected ${deletePolicies.join(', ')}`
    )
  const declaredAs =
    annotations[phaseAnnotation] !== undefined
      ? `${phaseAnnotation}: ${annotations[phaseAnnotation]}`
      : `${hookAnnotation}: ${annotations[hookAnnotation]}`
  return { deletePolicies: given.length > 0 ? (given as DeletePolicy[]) : ['before-hook-creation'], declaredAs }
}

function weightOf(item: SourcedObject): number {
  const text = item.object.metadata.annotations?.[weightAnnotation]
  if (text === undefined || text.trim() === '') return 0
  const weight = Number(text)
  if (!Number.isInteger(weight))
    throw new PhaseError(`${where(item)}: ${weightAnnotation} is '${text}'; expected an integer`)
  return weight
}

/**
 * Splits the manifests into pre steps, the main apply and post steps. `install` is a release's first deploy to
 * its namespace (no object of the main apply exists yet), which picks pre-install over pre-upgrade. Steps run by
 * ascending weight, as Helm sorts hooks; within a weight, in the order written. Every problem is reported at once.
 */
export function planPhases(objects: SourcedObject[], install: boolean): PhasePlan {
  const plan: PhasePlan = { pre: [], main: [], post: [], skipped: [] }
  const problems: string[] = []
  const steps = new Map<string, HookStep>()
  for (const item of objects) {
    try {
      const found = phaseOf(item, install)
      if (!found) {
        plan.main.push(item)
        continue
      }
      if ('skip' in found) {
        plan.skipped.push({ object: item, why: found.skip })
        continue
      }
      hookPolicy(item)
      const weight = weightOf(item)
      const key = `${found.phase}/${weight}`
      const step = steps.get(key) ?? { phase: found.phase, weight, objects: [] }
      step.objects.push(item)
      steps.set(key, step)
    } catch (error) {
      if (!(error instanceof PhaseError)) throw error
      problems.push(error.message)
    }
  }
  if (problems.length > 0) throw new PhaseError(problems.join('\n'))
  const sorted = [...steps.values()].sort((a, b) => a.weight - b.weight)
  plan.pre = sorted.filter(s => s.phase === 'pre')
  plan.post = sorted.filter(s => s.phase === 'post')
  return plan
}

/** Whether a hook object is deleted after its step: by its policies and the step's outcome. */
export function deletedAfter(policy: HookObjectPolicy, succeeded: boolean): boolean {
  return policy.deletePolicies.includes(succeeded ? 'hook-succeeded' : 'hook-failed')
}
