import {
  applyOrder,
  applyWaves,
  comparable,
  diffObjects,
  FieldChange,
  kindsFromCrds,
  Target
} from '../plan/apply-plan.js'
import { resolveNamespace } from '../manifests/documents.js'
import type { Cluster, ObjectRef } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import { dryRunName, isImmutableJobUpdate, withLiveTemplateCommit } from './job-replace.js'
import { isReplicasConflict, scaleOwners, setsReplicas, withoutReplicas } from './scale-owners.js'
import type { WaitItem } from '../status/wait.js'
import { keepUnchangedTemplate, runRecordKeys } from '../manifests/annotate.js'
import { describeObject, describeSource, KubeObject, sameValue, SourcedObject } from '../manifests/documents.js'
import { isClientSideApplyConflict, planTakeover, takeoverEntries, TakeoverPlan } from './takeover.js'
import { writeManagedFields } from '../kube/managed-fields.js'
import { isSecret } from '../manifests/redact.js'

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'replaced'

export interface AppliedObject {
  target: Target
  action: ApplyAction
  /** The object as the server returned it (after the apply, or the dry-run). */
  result: KubeObject & { metadata: { generation?: number; resourceVersion?: string; uid?: string } }
  /**
   * The object before this run, when it existed: the live object in a dry run; otherwise the dry-run result,
   * which keeps the live resourceVersion, revision annotations and status (all a rollback needs) without a GET.
   */
  before?: KubeObject
  changes: FieldChange[]
  /**
   * The dry run returned the live object exactly (same resourceVersion, fields and managedFields): the apply
   * would change nothing, so it is not sent. A no-op server-side apply still costs the API server a full merge.
   */
  noOp?: boolean
  /**
   * Managers that own the live spec.replicas through the scale subresource (an autoscaler): replicas was left out
   * of the applied object, so the live scale stays theirs.
   */
  scaleOwners?: string[]
  /** A Job whose pod template changed, which the API cannot update: deleted (background propagation), then created. */
  replace?: boolean
  /** Fields of kubectl-client-side-apply that the manifests set, moved to the action's field manager before the apply. */
  takeover?: TakeoverPlan
}

/** What to wait on for an applied workload. */
export function waitItemFor(a: AppliedObject): WaitItem {
  const o = a.target.object
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    plural: a.target.plural!,
    namespace: o.metadata.namespace,
    name: o.metadata.name
  }
}

export interface ApplyOptions {
  fieldManager: string
  force: boolean
  /** The namespace input: the default for objects, and objects may name no other. */
  namespace?: string
  /** The kubeconfig context's namespace: the default when the input sets none. */
  contextNamespace?: string
  createNamespace: boolean
  dryRun: boolean
  signal?: AbortSignal
  /** Called once every object that can be dry-run now has passed, before anything is written; may refuse. */
  validated?: (targets: Target[]) => Promise<void>
  /**
   * Called once the Namespaces and CRDs exist, before any other object is written: where the ApplySet's parent is
   * widened, and the deploy lock taken when its namespace did not exist before. True when reads made before it may
   * be stale (the lock was only taken now), so every object is dry-run again.
   */
  beforeWrite?: (targets: Target[]) => Promise<boolean | void>
  /** Called once every object passed its dry run, before anything but Namespaces and CRDs is written. */
  allValidated?: () => Promise<void>
}

/** Thrown when objects fail validation; lists every one, and nothing was changed. */
export class ApplyValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `${problems.length} object${problems.length === 1 ? '' : 's'} failed validation; nothing was applied:\n- ${problems.join('\n- ')}`
    )
    this.name = 'ApplyValidationError'
  }
}

/**
 * Thrown when a write fails after every object passed validation: what was written stays written, so the error
 * carries each object's fate for the report and for a rollback of what this run changed.
 */
export class ApplyWriteError extends Error {
  constructor(
    readonly written: AppliedObject[],
    readonly failed: Array<{ target: Target; message: string }>,
    readonly notAttempted: Target[]
  ) {
    super(`Apply failed after validation passed:\n- ${failed.map(f => f.message).join('\n- ')}`)
    this.name = 'ApplyWriteError'
  }
}

const concurrency = 16

export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i])
    }
  })
  await Promise.all(workers)
  return results
}

/**
 * Deletes an object (background propagation) and waits until the API no longer has it, so that a create that
 * follows makes a new one; `deleted` starts the error when a finalizer holds it past 60 s.
 */
export async function deleteUntilGone(
  kube: Cluster,
  object: ObjectRef,
  deleted: string,
  signal?: AbortSignal
): Promise<void> {
  await kube.delete(object, { propagationPolicy: 'Background', signal }).catch(error => {
    if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
  })
  const deadline = Date.now() + 60_000
  while (await kube.get(object, { signal })) {
    if (Date.now() > deadline) throw new Error(`${deleted}, and is still there after 60 s (a finalizer?)`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

function explain(error: unknown, target: Target, force: boolean): string {
  const where = `${describeSource(target.source)} (${describeObject(target.object)})`
  if (error instanceof KubeApiError) {
    if (error.statusCode === 409 && !force && /conflict/i.test(error.message)) {
      return `${where}: ${error.message}. Another field manager owns these fields: change them there, or set force-conflicts: true to take them over.`
    }
    const causes = (error.status.details?.causes ?? []).map(c => c.message ?? c.reason).filter(Boolean)
    const detail = causes.length > 0 && !causes.every(c => error.message.includes(c!)) ? ` (${causes.join('; ')})` : ''
    return `${where}: ${error.message}${detail}`
  }
  return `${where}: ${(error as Error).message}`
}

/**
 * What applying `target` will do, from its dry-run result and (when read) the live object. A workload whose
 * template would differ only by the commit keeps the live one (keepUnchangedTemplate), and is `unchanged` when
 * nothing but the action's run record on the object differs.
 */
export function plannedOutcome(
  target: Target,
  result: AppliedObject['result'],
  existed: boolean,
  live: KubeObject | undefined,
  dryRun: boolean
): AppliedObject {
  // Before keepUnchangedTemplate, which edits the result: the object as the manifests give it must be a no-op.
  const noOp =
    live !== undefined && live.metadata.resourceVersion === result.metadata.resourceVersion && sameValue(result, live)
  const templateChanged = live ? keepUnchangedTemplate(target.object, result, live) : true
  const changes = live || dryRun ? diffObjects(comparable(live), comparable(result), isSecret(target.object)) : []
  const recordOnly =
    !templateChanged &&
    changes.every(change => runRecordKeys.some(key => change.path === `metadata.annotations.${key}`))
  const action: ApplyAction = !existed
    ? 'created'
    : noOp || (live && changes.length === 0) || recordOnly
      ? 'unchanged'
      : 'configured'
  return {
    target,
    action,
    result,
    before: existed ? (live ?? result) : undefined,
    changes: dryRun ? changes : [],
    ...(noOp ? { noOp } : {})
  }
}

/**
 * Applies manifests server-side, all or nothing as far as the API allows: every object is dry-run first
 * (dryRun=All, fieldValidation=Strict), and a single failure stops the run before anything is written.
 */
export class Applier {
  constructor(
    private readonly kube: Cluster,
    private readonly options: ApplyOptions
  ) {}

  private async resolve(sources: SourcedObject[]): Promise<Target[]> {
    const problems: Array<string | undefined> = new Array(sources.length)
    const fromCrds = kindsFromCrds(sources.map(s => s.object))
    const targets = await mapLimited(
      sources.map((source, i) => ({ source, i })),
      concurrency,
      async ({ source, i }) => {
        const object = structuredClone(source.object)
        let info
        try {
          info = await this.kube.resourceFor(object.apiVersion, object.kind)
        } catch (error) {
          if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
        }
        if (!info) {
          const group = object.apiVersion.includes('/') ? object.apiVersion : `/${object.apiVersion}`
          const namespaced = fromCrds.get(`${group}/${object.kind}`)
          if (namespaced !== undefined) {
            const problem = resolveNamespace(object, namespaced, this.options.namespace, this.options.contextNamespace)
            if (problem) problems[i] = `${describeSource(source)} (${object.kind} ${object.metadata.name}): ${problem}`
            return { source, object, namespaced, awaitsCrd: true } as Target
          }
          problems[i] =
            `${describeSource(source)}: the server does not know kind ${object.kind} in ${object.apiVersion} (no such resource type; is a CRD missing, or the apiVersion misspelt?)`
          return undefined
        }
        const problem = resolveNamespace(object, info.namespaced, this.options.namespace, this.options.contextNamespace)
        if (problem) problems[i] = `${describeSource(source)} (${object.kind} ${object.metadata.name}): ${problem}`
        return { source, object, plural: info.plural, namespaced: info.namespaced, awaitsCrd: false } as Target
      }
    )
    const found = problems.filter((p): p is string => p !== undefined)
    if (found.length > 0) throw new ApplyValidationError(found)
    return targets.filter((t): t is Target => t !== undefined)
  }

  private ref(target: Target): ObjectRef {
    const { apiVersion, kind, metadata } = target.object
    return { apiVersion, kind, namespace: metadata.namespace, name: metadata.name }
  }

  private patch(
    target: Target,
    dryRun: boolean,
    force = this.options.force,
    onStatus?: (statusCode: number) => void
  ): Promise<AppliedObject['result']> {
    return this.kube.apply(target.object, {
      fieldManager: this.options.fieldManager,
      strict: true,
      force,
      dryRun,
      onStatus,
      signal: this.options.signal
    })
  }

  /** Dry-runs one target, leaving spec.replicas to an autoscaler that owns the live scale (scale-owners.ts). */
  private async planOne(target: Target): Promise<AppliedObject> {
    let result: AppliedObject['result'] | undefined
    let conflict: unknown
    try {
      result = await this.patch(target, true)
    } catch (error) {
      const causes = error instanceof KubeApiError ? (error.status.details?.causes ?? []) : []
      if (error instanceof KubeApiError && isImmutableJobUpdate(target.object.kind, error.statusCode, causes))
        return this.planJobReplacement(target, error)
      if (!(error instanceof KubeApiError && isReplicasConflict(target.object.kind, error.statusCode, causes)))
        throw error
      conflict = error
    }
    // A dry-run create has no resourceVersion; a dry-run update carries the live one. The live object shows
    // whether the apply would change anything at all (if not, it is not sent), the field changes of a dry run,
    // whether a workload's template changed beyond the commit (if not, the live one is kept), and who owns the scale.
    const existed = result ? Boolean(result.metadata.resourceVersion) : true
    const live = existed
      ? await this.kube.get<KubeObject>(this.ref(target), { signal: this.options.signal })
      : undefined
    // Checked with force-conflicts too, which would otherwise reset the autoscaler's scale.
    const owners = setsReplicas(target.object) ? scaleOwners(live, this.options.fieldManager) : []
    if (owners.length > 0) {
      target.object = withoutReplicas(target.object)
      result = await this.patch(target, true)
    } else if (!result) {
      throw conflict
    }
    const outcome = plannedOutcome(target, result, existed, live, this.options.dryRun)
    return owners.length > 0 ? { ...outcome, scaleOwners: owners } : outcome
  }

  /**
   * A Job the API refuses to update (its template is immutable): unchanged when the template differs from live by
   * this run's commit alone (the live commit is kept), otherwise a replacement, validated by a dry-run create under
   * a fresh name so that nothing is deleted for a Job that could not be created again.
   */
  private async planJobReplacement(target: Target, refused: KubeApiError): Promise<AppliedObject> {
    const live = await this.kube.get<KubeObject>(this.ref(target), { signal: this.options.signal })
    if (!live) throw refused
    const kept = withLiveTemplateCommit(target.object, live)
    try {
      const result = await this.patch({ ...target, object: kept }, true)
      target.object = kept
      return plannedOutcome(target, result, true, live, this.options.dryRun)
    } catch (error) {
      const causes = error instanceof KubeApiError ? (error.status.details?.causes ?? []) : []
      if (!(error instanceof KubeApiError && isImmutableJobUpdate('Job', error.statusCode, causes))) throw error
    }
    const probe = {
      ...target,
      object: {
        ...structuredClone(target.object),
        metadata: { ...structuredClone(target.object.metadata), name: dryRunName(target.object.metadata.name) }
      }
    }
    const result = await this.patch(probe, true)
    result.metadata.name = target.object.metadata.name
    const changes = this.options.dryRun ? diffObjects(comparable(live), comparable(result), false) : []
    return { target, action: 'replaced', result, before: live, changes, replace: true }
  }

  /** Deletes a Job for its replacement and waits until it is gone, so that the create that follows is one. */
  private async deleteForReplacement(target: Target): Promise<void> {
    await deleteUntilGone(
      this.kube,
      this.ref(target),
      `${describeObject(target.object)} was deleted to be replaced`,
      this.options.signal
    )
  }

  /** Dry-runs targets; returns the predicted outcome of each, or throws with every failure. */
  private async preflight(targets: Target[]): Promise<AppliedObject[]> {
    const outcomes = await mapLimited(targets, concurrency, async (target): Promise<AppliedObject | string> => {
      try {
        return await this.planOne(target)
      } catch (error) {
        const takeover = await this.planTakeover(target, error).catch((other: unknown) =>
          explain(other, target, this.options.force)
        )
        return takeover ?? explain(error, target, this.options.force)
      }
    })
    // Reported in manifest order, whatever order the concurrent calls finished in.
    const problems = outcomes.filter((o): o is string => typeof o === 'string')
    if (problems.length > 0) throw new ApplyValidationError(problems)
    return outcomes as AppliedObject[]
  }

  /**
   * A conflict with kubectl-client-side-apply alone, on an object `kubectl apply` wrote: the fields the manifests set
   * are planned to move to the action's field manager (takeover.ts), from the live object and a forced dry run whose
   * managedFields give the manifest's own field set. Nothing is written here; any other failure stays an error.
   */
  private async planTakeover(target: Target, error: unknown): Promise<AppliedObject | undefined> {
    if (
      this.options.force ||
      !(error instanceof KubeApiError) ||
      !isClientSideApplyConflict(error.statusCode, error.status, target.object.apiVersion)
    )
      return undefined
    const live = await this.kube.get<KubeObject>(this.ref(target), { signal: this.options.signal })
    if (!live) return undefined
    const forced = await this.patch(target, true, true)
    const takeover = planTakeover(live, forced, this.options.fieldManager)
    return takeover && { ...plannedOutcome(target, forced, true, live, this.options.dryRun), takeover }
  }

  private async applyOne(planned: AppliedObject): Promise<AppliedObject> {
    if (planned.noOp) return planned
    try {
      const takeover = planned.takeover
      if (takeover)
        await writeManagedFields(
          this.kube,
          this.ref(planned.target),
          takeover,
          entries => takeoverEntries(entries, takeover),
          this.options.signal
        )
      if (planned.replace) await this.deleteForReplacement(planned.target)
      let status = 0
      const result = await this.patch(planned.target, false, this.options.force, code => (status = code))
      const before = planned.before?.metadata as { resourceVersion?: string } | undefined
      const same = planned.action === 'unchanged' || before?.resourceVersion === result.metadata.resourceVersion
      // Created is what the server answered (201), not what the dry run expected: a Namespace or CRD another run
      // created in between is not this run's to delete again.
      const action: ApplyAction = planned.replace
        ? 'replaced'
        : status === 201
          ? 'created'
          : !planned.before
            ? 'configured'
            : same
              ? 'unchanged'
              : 'configured'
      return { ...planned, action, result }
    } catch (error) {
      throw new Error(explain(error, planned.target, this.options.force), { cause: error })
    }
  }

  private namespaceTarget(name: string): Target {
    const object: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }
    return {
      source: { file: 'create-namespace', document: 1, object },
      object,
      plural: 'namespaces',
      namespaced: false,
      awaitsCrd: false
    }
  }

  private async waitEstablished(crd: AppliedObject): Promise<void> {
    const deadline = Date.now() + 60_000
    const ref = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: crd.target.object.metadata.name
    }
    while (Date.now() < deadline) {
      const live = await this.kube.get<{ status?: { conditions?: Array<{ type: string; status: string }> } }>(ref, {
        signal: this.options.signal
      })
      if (live?.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')) return
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    throw new Error(`CustomResourceDefinition ${crd.target.object.metadata.name} was not Established within 60 s.`)
  }

  /**
   * Objects in namespaces that do not exist yet, and custom resources of CRDs applied in this run, cannot be
   * dry-run until those exist. They are checked after the Namespaces and CRDs are created; if one fails, the
   * Namespaces and CRDs this run created are deleted again, so the cluster is left as it was.
   */
  async apply(sources: SourcedObject[]): Promise<AppliedObject[]> {
    const targets = await this.resolve(sources)
    const missing = await this.missingNamespaces(targets)
    const deferred = (t: Target): boolean =>
      t.awaitsCrd || (t.namespaced && missing.has(t.object.metadata.namespace ?? ''))
    const ordered = applyOrder(targets)
    const first = await this.preflight(ordered.filter(t => !deferred(t)))
    await this.options.validated?.(ordered)
    if (this.options.dryRun) {
      return [
        ...first,
        ...ordered
          .filter(deferred)
          .map(target => ({ target, action: 'created' as const, result: target.object, changes: [] }))
      ]
    }

    const foundations = first.filter(
      p => p.target.object.kind === 'Namespace' || p.target.object.kind === 'CustomResourceDefinition'
    )
    const applied: AppliedObject[] = []
    for (const planned of foundations) {
      try {
        applied.push(await this.applyOne(planned))
      } catch (error) {
        const rest = first.filter(p => p !== planned && !applied.some(a => a.target === p.target)).map(p => p.target)
        throw new ApplyWriteError(
          applied,
          [{ target: planned.target, message: (error as Error).message }],
          [...rest, ...ordered.filter(deferred)]
        )
      }
    }
    for (const crd of applied.filter(a => a.target.object.kind === 'CustomResourceDefinition'))
      await this.waitEstablished(crd)
    const stale = await this.options.beforeWrite?.(ordered)
    const second = await this.preflightDeferred(ordered.filter(deferred), applied)
    const planned = first.filter(p => !foundations.includes(p))
    const rest = [
      ...(stale
        ? await this.preflightOrUndo(
            planned.map(p => p.target),
            applied
          )
        : planned),
      ...second
    ]
    await this.options.allValidated?.()
    // Wave by wave (applyWaves), each wave concurrently: a pod's ServiceAccount, ConfigMaps and Secrets exist
    // before its workload is written, and an autoscaler or an Ingress comes after what it refers to.
    // Reported in the order planned, as before the waves.
    // A failed write stops the waves after its own: what is written is reported, with what failed and what was not tried.
    const written = new Array<AppliedObject | undefined>(rest.length)
    const failed: Array<{ target: Target; message: string }> = []
    for (const wave of applyWaves(rest.map((planned, index) => ({ planned, index, object: planned.target.object })))) {
      await mapLimited(wave, concurrency, async ({ planned, index }) => {
        try {
          written[index] = await this.applyOne(planned)
        } catch (error) {
          failed.push({ target: planned.target, message: (error as Error).message })
        }
      })
      if (failed.length > 0) break
    }
    const done = written.filter((w): w is AppliedObject => w !== undefined)
    if (failed.length > 0) {
      const notAttempted = rest
        .filter((p, i) => !written[i] && !failed.some(f => f.target === p.target))
        .map(p => p.target)
      throw new ApplyWriteError([...applied, ...done], failed, notAttempted)
    }
    applied.push(...done)
    return applied
  }

  /**
   * The namespaces the objects name that do not exist yet. Those the manifests do not declare are added as
   * targets with create-namespace, and refused without it.
   */
  private async missingNamespaces(targets: Target[]): Promise<Set<string>> {
    const declared = new Set(targets.filter(t => t.object.kind === 'Namespace').map(t => t.object.metadata.name))
    const wanted = new Set(
      targets.filter(t => t.namespaced && t.object.metadata.namespace).map(t => t.object.metadata.namespace!)
    )
    const missing = new Set<string>()
    await mapLimited([...wanted], concurrency, async ns => {
      // A deployer bound by a namespaced Role may not read Namespaces; its dry run then shows whether ns exists.
      const found = await this.kube
        .get({ apiVersion: 'v1', kind: 'Namespace', name: ns }, { signal: this.options.signal })
        .catch(error => {
          if (error instanceof KubeApiError && error.statusCode === 403) return 'not readable'
          throw error
        })
      if (!found) missing.add(ns)
    })
    const undeclared = [...missing].filter(ns => !declared.has(ns))
    if (undeclared.length > 0 && !this.options.createNamespace) {
      throw new ApplyValidationError(
        undeclared.map(
          ns => `namespace '${ns}' does not exist; add a Namespace to the manifests or set create-namespace: true`
        )
      )
    }
    for (const ns of undeclared) targets.unshift(this.namespaceTarget(ns))
    return missing
  }

  /** Dry-runs the objects that had to wait for their Namespace or CRD; on failure removes what `applied` created. */
  private async preflightDeferred(later: Target[], applied: AppliedObject[]): Promise<AppliedObject[]> {
    if (later.length === 0) return []
    for (const target of later.filter(t => t.awaitsCrd)) {
      const info = await this.kube.resourceFor(target.object.apiVersion, target.object.kind, true)
      if (!info)
        throw new Error(
          `${describeSource(target.source)}: kind ${target.object.kind} is still unknown after its CRD was established.`
        )
      target.plural = info.plural
      target.namespaced = info.namespaced
      resolveNamespace(target.object, info.namespaced, this.options.namespace, this.options.contextNamespace)
    }
    return this.preflightOrUndo(later, applied)
  }

  private async preflightOrUndo(targets: Target[], applied: AppliedObject[]): Promise<AppliedObject[]> {
    try {
      return await this.preflight(targets)
    } catch (error) {
      await this.undoCreated(applied)
      throw error
    }
  }

  private async undoCreated(applied: AppliedObject[]): Promise<void> {
    for (const item of applied.filter(a => a.action === 'created').reverse()) {
      await this.kube.delete(this.ref(item.target), { signal: this.options.signal }).catch(() => undefined)
    }
  }
}
