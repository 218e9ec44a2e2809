/**
 * Which Deployments the Services of the manifests send traffic to: what blue-green and canary run twice.
 * Pure, table-tested with the strategies.
 */
import { describeSource, KubeObject, sameValue, SourcedObject } from '../manifests/documents.js'

/** The label that tells blue from green (blue-green), and the canary's pods from the stable ones (canary). */
export const colourLabel = 'build-and-deploy/colour'
export const trackLabel = 'build-and-deploy/track'

export type Labels = Record<string, string>

export interface ServiceSpec {
  selector?: Labels
  type?: string
}

export const serviceSelector = (object: KubeObject): Labels | undefined =>
  (object.spec as ServiceSpec | undefined)?.selector
export const templateLabels = (object: KubeObject): Labels =>
  (object.spec as { template?: { metadata?: { labels?: Labels } } } | undefined)?.template?.metadata?.labels ?? {}

/** A Service selects a pod template when every key of its selector has the template's value (a colour aside). */
export function selects(selector: Labels | undefined, labels: Labels): boolean {
  if (!selector || Object.keys(selector).length === 0) return false
  return Object.entries(selector).every(
    ([key, value]) => key === colourLabel || key === trackLabel || labels[key] === value
  )
}

/** Where a namespaced object of the manifests goes: its own namespace, else the run's target namespace. */
export const namespaceOf = (object: KubeObject, target: string): string => object.metadata.namespace ?? target
export const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`

/**
 * Each Service of the manifests that selects at least one Deployment, with those Deployments. Adds a problem
 * for a Service that also selects a StatefulSet or DaemonSet (they cannot run twice), and when no Service
 * selects a Deployment at all.
 */
export function deploymentsBehindServices(
  objects: SourcedObject[],
  targetNamespace: string,
  strategy: string,
  problems: string[]
): Map<SourcedObject, SourcedObject[]> {
  const services = objects.filter(
    o =>
      o.object.kind === 'Service' && serviceSelector(o.object) && (o.object.spec as ServiceSpec).type !== 'ExternalName'
  )
  const workloads = objects.filter(o => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.object.kind))
  const behind = new Map<SourcedObject, SourcedObject[]>()
  for (const service of services) {
    const selected = workloads.filter(
      w =>
        namespaceOf(w.object, targetNamespace) === namespaceOf(service.object, targetNamespace) &&
        selects(serviceSelector(service.object), templateLabels(w.object))
    )
    const deployments = selected.filter(w => w.object.kind === 'Deployment')
    const others = selected.filter(w => w.object.kind !== 'Deployment')
    if (deployments.length > 0 && others.length > 0) {
      problems.push(
        `${describeSource(service)} (Service ${service.object.metadata.name}) selects Deployment ${deployments[0].object.metadata.name} and ${others[0].object.kind} ${others[0].object.metadata.name}; ` +
          `${strategy} runs Deployments twice, a ${others[0].object.kind} cannot: give them separate Services`
      )
    }
    if (deployments.length > 0) behind.set(service, deployments)
  }
  if (behind.size === 0 && problems.length === 0) {
    const statefulSet = workloads.find(w => w.object.kind !== 'Deployment')
    problems.push(
      statefulSet
        ? `strategy ${strategy} needs a Deployment behind a Service; ${statefulSet.object.kind} ${statefulSet.object.metadata.name} cannot run in two ${strategy === 'blue-green' ? 'colours' : 'tracks'} (deploy it with strategy: rolling)`
        : `strategy ${strategy} needs a Deployment behind a Service in the manifests, and none of their Services selects one`
    )
  }
  return behind
}

/** `build-and-deploy/strategy: rolling` on a Deployment keeps it out of blue-green and canary (issue 18). */
export const strategyAnnotation = 'build-and-deploy/strategy'
export const pinnedRolling = (object: KubeObject): boolean =>
  object.metadata.annotations?.[strategyAnnotation] === 'rolling'

/** The Deployments behind the Services, each once, less those pinned to rolling: what a strategy may copy. */
export const strategyCandidates = (behind: Map<SourcedObject, SourcedObject[]>): SourcedObject[] =>
  [...new Set([...behind.values()].flat())].filter(d => !pinnedRolling(d.object))

type Template = { metadata?: { labels?: Labels; annotations?: Labels } }
const comparableTemplate = (object: KubeObject): Template | undefined => {
  const template = (object.spec as { template?: Template } | undefined)?.template
  if (!template) return undefined
  const copy = structuredClone(template)
  for (const key of [colourLabel, trackLabel]) delete copy.metadata?.labels?.[key]
  delete copy.metadata?.annotations?.[commitAnnotation]
  if (copy.metadata?.annotations && Object.keys(copy.metadata.annotations).length === 0)
    delete copy.metadata.annotations
  return copy
}
const commitAnnotation = 'build-and-deploy/commit'

/**
 * Whether a Deployment's pod template changes in this deploy: `wanted` is the server's dry-run result of the
 * Deployment as the strategy would write it over `live` (undefined when the dry run failed), `live` the object it
 * would replace (undefined: none yet, so it changes). The colour or track label and the recorded commit do not
 * count: a commit that changes nothing else must not start a second colour or a canary.
 */
export function templateChanged(wanted: KubeObject | undefined, live: KubeObject | undefined): boolean {
  if (!live || !wanted) return true
  return !sameValue(comparableTemplate(wanted), comparableTemplate(live))
}

/**
 * Of the Services and the Deployments they select, those the strategy runs twice: every Service selecting a
 * changed Deployment, and every Deployment such a Service selects (a Service's pods must all be in the colour it
 * switches to), until nothing more is added. The rest are applied as rolling and keep their pods. A pinned
 * Deployment that would have to follow is a problem.
 */
export function strategyGroups(
  behind: Map<SourcedObject, SourcedObject[]>,
  changed: (deployment: SourcedObject) => boolean,
  problems: string[]
): Map<SourcedObject, SourcedObject[]> {
  const deployments = new Set([...behind.values()].flat().filter(d => !pinnedRolling(d.object) && changed(d)))
  const services = new Set<SourcedObject>()
  for (let grown = true; grown;) {
    grown = false
    for (const [service, selected] of behind) {
      if (services.has(service) || !selected.some(d => deployments.has(d))) continue
      services.add(service)
      grown = true
      for (const d of selected) {
        if (pinnedRolling(d.object))
          problems.push(
            `Deployment ${d.object.metadata.name} is pinned with ${strategyAnnotation}: rolling, and Service ${service.object.metadata.name} also selects a Deployment that changes; give them separate Services`
          )
        else deployments.add(d)
      }
    }
  }
  return new Map([...behind].filter(([service]) => services.has(service)))
}
