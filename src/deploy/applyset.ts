import type { PruneSettings } from '../settings/types.js'
import type { Cluster, ObjectRef, ResourceInfo } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import { describeObject, KubeObject } from '../manifests/documents.js'
import type { Target } from '../plan/apply-plan.js'
import {
  applySetId,
  applySetKeys,
  LiveMember,
  parentObject,
  parentState,
  ParentState,
  parseGroupKind,
  pruneCandidates,
  refusedPrunes,
  scopeOf,
  SetScope,
  unionScope
} from '../plan/applyset-plan.js'

/** A member the manifests no longer have, with where to delete it. */
export interface PruneCandidate {
  object: LiveMember
  info: ResourceInfo
}

export interface PrunedObject {
  kind: string
  namespace?: string
  name: string
  /** Set when the object was already gone or replaced (another UID) when its turn came. */
  skipped?: string
}

/**
 * One ApplySet on the cluster, as kubectl keeps it: the parent (a Secret or ConfigMap in the target namespace)
 * records the member kinds and namespaces; members carry the part-of label. Before anything is written the
 * parent is widened to cover this run's objects too, so an interrupted run leaks nothing; after a successful
 * rollout the members the manifests dropped are deleted and the parent narrowed to this run's set.
 */
export class ApplySet {
  readonly id: string
  private readonly parentRef: ObjectRef

  private constructor(
    private readonly kube: Cluster,
    private readonly settings: PruneSettings,
    readonly namespace: string,
    private readonly fieldManager: string,
    private readonly state: ParentState
  ) {
    this.id = applySetId(settings.parent, namespace)
    this.parentRef = { apiVersion: 'v1', kind: settings.parent.kind, namespace, name: settings.parent.name }
  }

  /** Reads the parent (absent for a new set) and checks it is this set's; changes nothing. */
  static async open(
    kube: Cluster,
    settings: PruneSettings,
    namespace: string,
    fieldManager: string
  ): Promise<ApplySet> {
    const probe = new ApplySet(
      kube,
      settings,
      namespace,
      fieldManager,
      parentState(undefined, settings.parent, namespace)
    )
    const live = await kube.get<KubeObject>(probe.parentRef)
    return new ApplySet(kube, settings, namespace, fieldManager, parentState(live, settings.parent, namespace))
  }

  describeParent(): string {
    return `${this.settings.parent.kind.toLowerCase()}/${this.settings.parent.name} (${this.namespace})`
  }

  /**
   * The members to delete once the rollout succeeded: every object of the recorded kinds and namespaces with the
   * set's label that the manifests (`targets`) no longer have, and that a strategy does not keep (`retained`). Throws, before anything is written, when one is a
   * Namespace or CRD and prune-namespaces-and-crds is off.
   */
  async plan(targets: Target[], retained: KubeObject[] = []): Promise<PruneCandidate[]> {
    const scope = unionScope(this.state, scopeOf(targets, this.id))
    const listed: PruneCandidate[] = []
    const selector = `${applySetKeys.partOf}=${this.id}`
    await Promise.all(
      [...scope.groupKinds].map(async text => {
        const { group, kind } = parseGroupKind(text)
        const info = await this.kube.resourceForGroupKind(group, kind)
        // A kind the server no longer serves (its CRD deleted) has no members left to delete.
        if (!info) return
        const namespaces = info.namespaced ? [...scope.namespaces] : [undefined]
        for (const namespace of namespaces) {
          const list = await this.kube.list<LiveMember>(
            { apiVersion: info.groupVersion, kind, namespace },
            { labelSelector: selector }
          )
          for (const item of list.items) listed.push({ object: { ...item, apiVersion: info.groupVersion, kind }, info })
        }
      })
    )
    const candidates = pruneCandidates(listed, [...targets.map(t => t.object), ...retained], this.id)
    const refused = refusedPrunes(
      candidates.map(c => c.object),
      this.settings.namespacesAndCrds
    )
    if (refused.length > 0) throw new Error(`Prune refused; nothing was applied:\n- ${refused.join('\n- ')}`)
    return candidates
  }

  /** Records this run's kinds and namespaces on the parent before any member is written (kubectl's superset). */
  widen(targets: Target[]): Promise<void> {
    return this.writeParent(unionScope(this.state, scopeOf(targets, this.id)))
  }

  /** After a successful prune the parent records this run's set alone. */
  narrow(targets: Target[]): Promise<void> {
    const scope = scopeOf(targets, this.id)
    return this.writeParent({
      groupKinds: scope.groupKinds,
      namespaces: new Set([this.namespace, ...scope.namespaces])
    })
  }

  private async writeParent(scope: SetScope): Promise<void> {
    // As kubectl's own `<tool>-applyset` manager, forced: the parent's fields belong to the set, whoever wrote them last.
    await this.kube.apply(parentObject(this.settings.parent, this.namespace, this.state.tooling, scope), {
      fieldManager: `${this.fieldManager}-applyset`.slice(0, 128),
      force: true,
      strict: true
    })
  }

  /** Deletes the candidates in order, each only while it is still the object that was listed (its UID). */
  async prune(candidates: PruneCandidate[]): Promise<PrunedObject[]> {
    const pruned: PrunedObject[] = []
    for (const { object, info } of candidates) {
      const done: PrunedObject = { kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name }
      try {
        await this.kube.delete(
          {
            apiVersion: info.groupVersion,
            kind: object.kind,
            namespace: object.metadata.namespace,
            name: object.metadata.name
          },
          { propagationPolicy: 'Background', preconditions: { uid: object.metadata.uid } }
        )
      } catch (error) {
        if (!(error instanceof KubeApiError) || (error.statusCode !== 404 && error.statusCode !== 409)) {
          throw new Error(`Pruning ${describeObject(object)} failed: ${(error as Error).message}`, { cause: error })
        }
        done.skipped =
          error.statusCode === 404 ? 'already deleted' : 'replaced by another object of that name since it was listed'
      }
      pruned.push(done)
    }
    return pruned
  }
}
