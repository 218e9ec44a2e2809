import * as core from '@actions/core'
import type { BlueGreenSettings } from './strategy-settings.js'
import type { Cluster, ObjectRef } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import { releaseFields } from '../kube/managed-fields.js'
import type { KubeObject, SourcedObject } from '../manifests/documents.js'
import { waitForRollouts, WaitOutcome } from '../status/wait.js'
import type { TrafficReport } from './traffic.js'
import { GateRunner, sleep } from './gate.js'
import type { DeployStrategy } from './strategy.js'
import {
  BlueGreenPlan,
  Colour,
  colouredDeployment,
  liveColourOf,
  otherColour,
  planBlueGreen,
  serviceKey
} from './blue-green-plan.js'
import { templatesChange } from './live-templates.js'
import { deploymentsBehindServices, namespaceOf, strategyAnnotation, strategyCandidates } from './selection.js'

const serviceRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'Service',
  namespace,
  name
})
const deploymentRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name
})

/** The colour each Service of the manifests selects on the cluster: 'none' when it exists and selects none yet. */
async function liveColours(
  kube: Cluster,
  objects: SourcedObject[],
  targetNamespace: string
): Promise<Map<string, Colour | 'none'>> {
  const colours = new Map<string, Colour | 'none'>()
  await Promise.all(
    objects
      .filter(o => o.object.kind === 'Service')
      .map(async ({ object }) => {
        const namespace = object.metadata.namespace ?? targetNamespace
        const live = await kube.get<KubeObject>(serviceRef(namespace, object.metadata.name))
        if (live) colours.set(serviceKey(namespace, object.metadata.name), liveColourOf(live) ?? 'none')
      })
  )
  return colours
}

/** The Deployments behind a Service that are not pinned, and the colour their Services select live, if any. */
function colouredCandidates(
  objects: SourcedObject[],
  colours: Map<string, Colour | 'none'>,
  targetNamespace: string
): { candidates: SourcedObject[]; liveColour: (d: SourcedObject) => Colour | undefined } {
  const behind = deploymentsBehindServices(objects, targetNamespace, 'blue-green', [])
  const candidates = strategyCandidates(behind)
  const liveColour = (d: SourcedObject): Colour | undefined => {
    for (const [service, deployments] of behind) {
      const colour = colours.get(serviceKey(namespaceOf(service.object, targetNamespace), service.object.metadata.name))
      if (deployments.includes(d) && (colour === 'blue' || colour === 'green')) return colour
    }
    return undefined
  }
  return { candidates, liveColour }
}

/**
 * The Deployments behind a Service whose template changes: compared with the colour their Services select live
 * (`web-blue`), or with the Deployment of their own name when the Services select no colour yet.
 */
async function changedDeployments(
  kube: Cluster,
  objects: SourcedObject[],
  colours: Map<string, Colour | 'none'>,
  targetNamespace: string,
  fieldManager: string
): Promise<Set<SourcedObject>> {
  const { candidates, liveColour } = colouredCandidates(objects, colours, targetNamespace)
  const probes = candidates.map(d => {
    const colour = liveColour(d)
    return {
      namespace: namespaceOf(d.object, targetNamespace),
      object: colour ? colouredDeployment(d.object, colour) : d.object
    }
  })
  const changes = await templatesChange(kube, probes, fieldManager)
  return new Set(candidates.filter((_, i) => changes[i]))
}

/** Switches every Service in one server-side apply each, at once, by the field manager that applies them. */
async function switchServices(
  kube: Cluster,
  services: Array<{ namespace: string; name: string; switched: KubeObject }>,
  fieldManager: string
): Promise<void> {
  await Promise.all(
    services.map(service =>
      kube.apply(
        {
          ...service.switched,
          metadata: { ...service.switched.metadata, namespace: service.namespace, name: service.name }
        },
        { fieldManager, strict: true }
      )
    )
  )
}

/**
 * Scales a colour through the scale subresource (its template stays as it is, for a later switch back), then
 * hands spec.replicas back so the next apply of that colour does not conflict with the scale.
 */
async function scaleDeployment(
  kube: Cluster,
  namespace: string,
  name: string,
  replicas: number,
  fieldManager: string
): Promise<void> {
  const manager = `${fieldManager}-blue-green`.slice(0, 128)
  await kube.patch(
    deploymentRef(namespace, name),
    { type: 'merge', body: { spec: { replicas } } },
    { fieldManager: manager, subresource: 'scale' }
  )
  await releaseFields(kube, deploymentRef(namespace, name), manager)
}

/**
 * A blue-green deploy: the manifests' Deployments behind Services are written as the colour no Service selects;
 * once they are ready (and the gate passes) the Services switch in one apply each. The old colour stays scaled
 * for an instant switch back (mode rollback), until the next deploy or for blue-green-keep.
 */
export class BlueGreenDeploy implements DeployStrategy {
  readonly onFailure = 'discard' as const
  private switchedAt?: number
  private switching = false
  private deletedServices: string[] = []

  private constructor(
    private readonly plan: BlueGreenPlan,
    private readonly settings: BlueGreenSettings,
    private readonly fieldManager: string,
    private readonly gate?: GateRunner
  ) {}

  static async prepare(
    kube: Cluster,
    objects: SourcedObject[],
    targetNamespace: string,
    settings: BlueGreenSettings,
    fieldManager: string,
    gate?: GateRunner
  ): Promise<BlueGreenDeploy> {
    const colours = await liveColours(kube, objects, targetNamespace)
    const changed = await changedDeployments(kube, objects, colours, targetNamespace, fieldManager)
    const plan = planBlueGreen(objects, colours, targetNamespace, d => changed.has(d))
    core.info(
      plan.deployments.length === 0
        ? `Blue-green: no Deployment behind a Service changes its template; nothing gets a new colour, ${plan.live ?? 'no colour'} stays live.`
        : `Blue-green: ${plan.live ? `${plan.live} is live; deploying ${plan.next}` : `first deploy, as ${plan.next}`} (${plan.deployments.map(d => `deployment/${d.name}`).join(', ')}).`
    )
    if (plan.rolling.length > 0)
      core.info(
        `Applied as rolling, pods kept (template unchanged, or ${strategyAnnotation}: rolling): ${plan.rolling.map(name => `deployment/${name}`).join(', ')}.`
      )
    return new BlueGreenDeploy(plan, settings, fieldManager, gate)
  }

  get objects(): SourcedObject[] {
    return this.plan.objects
  }

  /** The live colour's Deployments: not in the manifests this run, and never pruned while kept for a switch back. */
  get retained(): KubeObject[] {
    return this.plan.deployments
      .filter(d => d.live)
      .map(d => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.live!, namespace: d.namespace } }))
  }

  /** Every rollout succeeded: gate, switch, then the old colour's keep. Throws when the gate fails. */
  async promote(kube: Cluster, readyAt: number): Promise<void> {
    if (this.plan.services.length === 0) return
    await this.gate?.(this.plan.next)
    this.switching = true
    await switchServices(kube, this.plan.services, this.fieldManager)
    this.switchedAt = Date.now()
    core.info(
      `Switched ${this.plan.services.map(s => `service/${s.name}`).join(', ')} to ${this.plan.next} ${this.switchedAt - readyAt} ms after it was ready.`
    )
    const keepMs = this.settings.keepMs
    if (keepMs === undefined || !this.plan.live) return
    if (keepMs > 0) {
      core.info(
        `Keeping ${this.plan.live} scaled for ${Math.round(keepMs / 1000)} s (blue-green-keep), for an instant switch back.`
      )
      await sleep(keepMs)
    }
    for (const d of this.plan.deployments.filter(d => d.live))
      await scaleDeployment(kube, d.namespace, d.live!, 0, this.fieldManager)
    core.info(`Scaled ${this.plan.live} to zero: ${this.plan.deployments.map(d => `deployment/${d.live}`).join(', ')}.`)
  }

  /** The new colour failed before the switch: it is deleted, and the live colour was never touched. */
  async discard(kube: Cluster): Promise<void> {
    if (this.switching) {
      // A switch that failed part-way may have moved some Services already: their new colour must stay.
      core.warning(
        `The switch to ${this.plan.next} did not complete; ${this.plan.next} is kept. Check the Services' selectors (mode rollback switches all of them back).`
      )
      return
    }
    if (this.plan.deployments.length === 0) return
    // A Service this first deploy created already selects the new colour: it goes first, so that nothing ever
    // points traffic at a colour being deleted, and the next run starts again from no colour.
    for (const s of this.plan.services.filter(s => s.created)) {
      await kube.delete(serviceRef(s.namespace, s.name)).catch(error => {
        if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
      })
      this.deletedServices.push(s.name)
    }
    if (this.deletedServices.length > 0)
      core.info(
        `Deleted ${this.deletedServices.map(name => `service/${name}`).join(', ')}, created by this run selecting ${this.plan.next}.`
      )
    for (const d of this.plan.deployments) {
      await kube.delete(deploymentRef(d.namespace, d.name), { propagationPolicy: 'Background' }).catch(error => {
        if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
      })
    }
    core.info(
      `Deleted ${this.plan.next}: ${this.plan.deployments.map(d => `deployment/${d.name}`).join(', ')}; ${this.plan.live ?? 'nothing'} ${this.plan.live ? 'still serves' : 'was live before'}.`
    )
  }

  report(): TrafficReport {
    return {
      strategy: 'blue-green',
      before: this.plan.live,
      after: this.switchedAt ? this.plan.next : this.plan.live,
      services: this.plan.services.map(s => s.name),
      switched: this.switchedAt !== undefined,
      coloured: this.plan.deployments.map(d => d.name),
      rolling: this.plan.rolling,
      ...(this.deletedServices.length > 0 ? { deletedServices: this.deletedServices } : {})
    }
  }
}

/**
 * mode rollback under blue-green: the Services go back to the other colour in one apply each. That colour is
 * scaled back up first (to the live colour's replicas) when blue-green-keep scaled it to zero, and waited on.
 */
export async function switchBack(
  kube: Cluster,
  objects: SourcedObject[],
  targetNamespace: string,
  fieldManager: string,
  timeoutMs: number
): Promise<{ traffic: TrafficReport; waits: WaitOutcome[] }> {
  // Planned as a deploy would be: the colour after the live one is the one to go back to. Only Deployments that
  // have that colour switch back; one that never got a second colour (unchanged since, issue 18) stays.
  const colours = await liveColours(kube, objects, targetNamespace)
  const { candidates, liveColour } = colouredCandidates(objects, colours, targetNamespace)
  const present = await Promise.all(
    candidates.map(async d => {
      const colour = liveColour(d)
      return (
        colour !== undefined &&
        (await kube.get(
          deploymentRef(namespaceOf(d.object, targetNamespace), `${d.object.metadata.name}-${otherColour(colour)}`)
        )) !== undefined
      )
    })
  )
  const back = new Set(candidates.filter((_, i) => present[i]))
  const plan = planBlueGreen(objects, colours, targetNamespace, d => back.has(d))
  if (plan.rolling.length > 0)
    core.info(`Not switched back, no other colour: ${plan.rolling.map(name => `deployment/${name}`).join(', ')}.`)
  if (!plan.live)
    throw new Error(
      `No Service of the manifests selects a colour yet (${plan.services.map(s => `service/${s.name}`).join(', ')}): there is nothing to switch back to.`
    )
  if (plan.deployments.length === 0)
    throw new Error(
      `No Deployment of the manifests has a colour other than ${plan.live} (${plan.rolling.map(name => `deployment/${name}`).join(', ')}): there is nothing to switch back to.`
    )
  for (const d of plan.deployments) {
    const [target, live] = await Promise.all([
      kube.get<{ spec: { replicas?: number } }>(deploymentRef(d.namespace, d.name)),
      kube.get<{ spec: { replicas?: number } }>(deploymentRef(d.namespace, d.live!))
    ])
    if (!target)
      throw new Error(
        `deployment/${d.name} does not exist in namespace ${d.namespace}: there is no ${plan.next} to switch back to.`
      )
    if ((target.spec.replicas ?? 1) === 0)
      await scaleDeployment(kube, d.namespace, d.name, live?.spec.replicas ?? 1, fieldManager)
  }
  const waits = await waitForRollouts(
    kube,
    plan.deployments.map(d => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      plural: 'deployments',
      namespace: d.namespace,
      name: d.name
    })),
    { timeoutMs, log: line => core.info(line) }
  )
  const traffic = (switched: boolean): TrafficReport => ({
    strategy: 'blue-green',
    before: plan.live,
    after: switched ? plan.next : plan.live,
    services: plan.services.map(s => s.name),
    switched,
    coloured: plan.deployments.map(d => d.name),
    rolling: plan.rolling
  })
  if (waits.some(w => w.state !== 'succeeded')) return { traffic: traffic(false), waits }
  await switchServices(kube, plan.services, fieldManager)
  core.info(`Switched ${plan.services.map(s => `service/${s.name}`).join(', ')} back to ${plan.next}.`)
  return { traffic: traffic(true), waits }
}
