import * as core from '@actions/core'
import type { CanarySettings } from './strategy-settings.js'
import type { Cluster, ObjectRef } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import type { KubeObject, SourcedObject } from '../manifests/documents.js'
import type { TrafficReport } from './traffic.js'
import { CanaryObject, canaryObjectsOf, CanaryPlan, CanaryStage, planCanary, shareWarning } from './canary-plan.js'
import { templatesChange } from './live-templates.js'
import { GateRunner, sleep } from './gate.js'
import {
  deploymentsBehindServices,
  namespaceOf,
  serviceKey,
  strategyAnnotation,
  strategyCandidates
} from './selection.js'
import type { DeployStrategy } from './strategy.js'

const objectRef = (o: CanaryObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.namespace,
  name: o.name
})
const describe = (o: CanaryObject): string => `${o.kind.toLowerCase()}/${o.name}`

/** Deletes what a canary added (absent ones are fine): promote once stable runs the new version, and abort. */
export async function deleteCanaryObjects(kube: Cluster, objects: CanaryObject[]): Promise<string[]> {
  const deleted: string[] = []
  for (const o of objects) {
    try {
      await kube.delete(objectRef(o), { propagationPolicy: 'Background' })
      deleted.push(describe(o))
    } catch (error) {
      if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
    }
  }
  return deleted
}

/** The live replicas of each Deployment behind a Service of the manifests (absent: not live yet). */
async function stableReplicas(
  kube: Cluster,
  objects: SourcedObject[],
  targetNamespace: string
): Promise<Map<string, number>> {
  const replicas = new Map<string, number>()
  const deployments = [...deploymentsBehindServices(objects, targetNamespace, 'canary', []).values()].flat()
  await Promise.all(
    deployments.map(async ({ object }) => {
      const namespace = namespaceOf(object, targetNamespace)
      const live = await kube.get<{ spec: { replicas?: number } }>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace,
        name: object.metadata.name
      })
      if (live) replicas.set(serviceKey(namespace, object.metadata.name), live.spec.replicas ?? 1)
    })
  )
  return replicas
}

/**
 * A canary deploy: the new version runs as `<name>-canary` beside the untouched stable Deployments and takes
 * its share of the traffic. It stays until mode promote (stable gets the new version, the canary goes) or mode
 * abort, or canary-auto-promote-after has passed with the gate green. A canary that fails is deleted.
 */
export class CanaryDeploy implements DeployStrategy {
  readonly onFailure = 'discard' as const
  private stage: CanaryStage

  private constructor(
    private readonly plan: CanaryPlan,
    private readonly settings: CanarySettings,
    /** Applies the manifests as the stable version (rolling) and waits; for the auto-promotion. */
    private readonly rollStable: () => Promise<boolean>,
    private readonly gate?: GateRunner
  ) {
    this.stage = plan.first ? 'stable' : 'canary'
  }

  static async prepare(
    kube: Cluster,
    objects: SourcedObject[],
    targetNamespace: string,
    settings: CanarySettings,
    fieldManager: string,
    rollStable: () => Promise<boolean>,
    gate?: GateRunner
  ): Promise<CanaryDeploy> {
    const replicas = await stableReplicas(kube, objects, targetNamespace)
    const candidates = strategyCandidates(deploymentsBehindServices(objects, targetNamespace, 'canary', []))
    const changes = await templatesChange(
      kube,
      candidates.map(d => ({ namespace: namespaceOf(d.object, targetNamespace), object: d.object })),
      fieldManager
    )
    const changed = new Set(candidates.filter((_, i) => changes[i]))
    const plan = planCanary(objects, replicas, targetNamespace, settings.percent, d => changed.has(d))
    if (plan.rolling.length > 0)
      core.info(
        `Applied as rolling, pods kept (template unchanged, or ${strategyAnnotation}: rolling): ${plan.rolling.map(name => `deployment/${name}`).join(', ')}.`
      )
    core.info(
      plan.first
        ? plan.rolling.length > 0
          ? 'Canary: no Deployment behind a Service changes its template; no canary is started.'
          : 'Canary: no stable version is live yet; deploying the manifests as the stable version.'
        : `Canary: ${plan.canaries.map(c => `deployment/${c.name} (${c.replicas} beside ${c.stableReplicas} of ${c.base})`).join(', ')}: ${plan.replicaPercent} % of the pods` +
            (plan.added.some(o => o.kind === 'Ingress') ? `, canary Ingress weight ${plan.weight} %` : '') +
            '.'
    )
    const warning = shareWarning(plan, settings.percent)
    if (warning) core.warning(warning)
    return new CanaryDeploy(plan, settings, rollStable, gate)
  }

  get objects(): SourcedObject[] {
    return this.plan.objects
  }

  get retained(): KubeObject[] {
    return this.plan.retained
  }

  /** The canary is ready: check the gate; with canary-auto-promote-after, keep checking it, then promote. */
  async promote(kube: Cluster): Promise<void> {
    if (this.plan.first) return
    const { autoPromoteAfterMs } = this.settings
    await this.gate?.()
    if (autoPromoteAfterMs === undefined) {
      core.info(`The canary serves; promote it with mode: promote, or remove it with mode: abort.`)
      return
    }
    core.info(
      `Promoting in ${Math.round(autoPromoteAfterMs / 1000)} s (canary-auto-promote-after) while ${this.gate ? 'the gate stays green' : 'it stays ready'}.`
    )
    const until = Date.now() + autoPromoteAfterMs
    while (Date.now() < until) {
      await sleep(Math.min(10_000, until - Date.now()))
      await this.gate?.()
    }
    if (!(await this.rollStable()))
      throw new Error(
        'The stable Deployments did not roll out the new version; the canary stays (promote again, or abort).'
      )
    const deleted = await deleteCanaryObjects(kube, this.plan.added)
    core.info(`Promoted: the stable Deployments run the new version; deleted ${deleted.join(', ')}.`)
    this.stage = 'promoted'
  }

  async discard(kube: Cluster): Promise<void> {
    if (this.plan.first) return
    const deleted = await deleteCanaryObjects(kube, this.plan.added)
    this.stage = 'aborted'
    core.info(`Deleted the canary (${deleted.join(', ') || 'nothing left'}); the stable version was not touched.`)
  }

  report(): TrafficReport {
    return canaryReport(this.stage, this.plan, this.plan.added.map(describe), this.settings.percent)
  }
}

function canaryReport(
  stage: CanaryStage,
  plan: Pick<CanaryPlan, 'replicaPercent' | 'weight' | 'canaries'> & { rolling?: string[] },
  added: string[],
  percent?: number
): TrafficReport {
  return {
    strategy: 'canary',
    stage,
    replicaPercent: plan.replicaPercent,
    weight: plan.weight,
    canaries: plan.canaries.map(c => ({
      name: c.name,
      replicas: c.replicas,
      stable: c.base,
      stableReplicas: c.stableReplicas
    })),
    added,
    percent,
    rolling: plan.rolling ?? []
  }
}

/**
 * mode promote: the manifests were just applied as the stable version (a rolling update) and it succeeded;
 * the canary objects go. Failure rolls the stable Deployments back as any rolling deploy does.
 */
export class CanaryPromotion implements DeployStrategy {
  readonly onFailure = 'roll-back' as const
  readonly retained: KubeObject[] = []
  private deleted: string[] = []
  private promoted = false

  constructor(
    readonly objects: SourcedObject[],
    private readonly targetNamespace: string
  ) {}

  async promote(kube: Cluster): Promise<void> {
    this.deleted = await deleteCanaryObjects(kube, canaryObjectsOf(this.objects, this.targetNamespace))
    this.promoted = true
    core.info(
      this.deleted.length > 0
        ? `Promoted: deleted ${this.deleted.join(', ')}.`
        : 'Promoted: the stable Deployments run the manifests; there was no canary to delete.'
    )
  }

  async discard(): Promise<void> {}

  report(): TrafficReport {
    return canaryReport(
      this.promoted ? 'promoted' : 'canary',
      { replicaPercent: 0, weight: 0, canaries: [] },
      this.deleted
    )
  }
}

/** mode abort: the canary objects of the manifests are deleted; the stable version stays as it is. */
export async function abortCanary(
  kube: Cluster,
  objects: SourcedObject[],
  targetNamespace: string
): Promise<TrafficReport> {
  const deleted = await deleteCanaryObjects(kube, canaryObjectsOf(objects, targetNamespace))
  core.info(
    deleted.length > 0
      ? `Aborted: deleted ${deleted.join(', ')}; the stable version was not touched.`
      : 'Aborted: there was no canary to delete.'
  )
  return canaryReport('aborted', { replicaPercent: 0, weight: 0, canaries: [] }, deleted)
}
