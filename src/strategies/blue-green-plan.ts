/**
 * Blue-green, planned from the manifests alone: each Deployment that a Service of the manifests selects runs in
 * two colours, `<name>-blue` and `<name>-green`, told apart by one label that the Services select as well. A
 * deploy writes the colour no Service selects, and switches the Services once it is ready. Pure, table-tested.
 */
import { KubeObject, SourcedObject } from '../manifests/documents.js'
import {
  colourLabel,
  deploymentsBehindServices,
  Labels,
  namespaceOf,
  serviceKey,
  serviceSelector,
  ServiceSpec,
  strategyGroups
} from './selection.js'

export { colourLabel, selects, serviceKey } from './selection.js'

export type Colour = 'blue' | 'green'
export const otherColour = (colour: Colour): Colour => (colour === 'blue' ? 'green' : 'blue')

export interface SwitchedService {
  namespace: string
  name: string
  /** The Service as the manifests have it, selecting the new colour: the one apply that switches traffic. */
  switched: KubeObject
  /** Not on the cluster before this run: created selecting the new colour, so it goes if that colour is dropped. */
  created: boolean
}

export interface ColouredDeployment {
  namespace: string
  /** The manifests' name, e.g. web. */
  base: string
  /** The Deployment this run writes, e.g. web-green. */
  name: string
  /** The colour the Services select now, scaled as it is (web-blue), when there is one. */
  live?: string
}

export interface BlueGreenPlan {
  /** The manifests with each switched Deployment renamed to the new colour and each Service still on the live one. */
  objects: SourcedObject[]
  services: SwitchedService[]
  deployments: ColouredDeployment[]
  /** The colour the Services select before this run (undefined the first time), and the one they select after. */
  live?: Colour
  next: Colour
  /** Deployments behind a Service whose template does not change (or pinned): applied as they are live, pods kept. */
  rolling: string[]
}

const withColour = (labels: Labels | undefined, colour: Colour | undefined): Labels => {
  const copy: Labels = { ...labels }
  delete copy[colourLabel]
  return colour ? { ...copy, [colourLabel]: colour } : copy
}

/** The Deployment of the manifests as the colour `colour` writes it: renamed, its pods and selector labelled. */
export function colouredDeployment(object: KubeObject, colour: Colour): KubeObject {
  const copy = structuredClone(object)
  copy.metadata.name = `${object.metadata.name}-${colour}`
  const spec = copy.spec as { selector?: { matchLabels?: Labels }; template: { metadata?: { labels?: Labels } } }
  spec.selector = { ...spec.selector, matchLabels: withColour(spec.selector?.matchLabels, colour) }
  spec.template.metadata = { ...spec.template.metadata, labels: withColour(spec.template.metadata?.labels, colour) }
  return copy
}

function withSelector(object: KubeObject, colour: Colour | undefined): KubeObject {
  const copy = structuredClone(object)
  const spec = copy.spec as ServiceSpec
  spec.selector = withColour(spec.selector, colour)
  return copy
}

type ColourOf = (service: SourcedObject) => Colour | 'none' | undefined

const asColour = (colour: Colour | 'none' | undefined): Colour | undefined =>
  colour === 'blue' || colour === 'green' ? colour : undefined

/**
 * The new colour's objects and the switch. `liveColours` has the colour each Service of the manifests selects
 * on the cluster, by namespace/name: 'none' when it selects no colour yet, absent when the Service is new. Throws naming the
 * object when blue-green cannot apply: no Deployment behind a Service, a Service that also selects a StatefulSet
 * or DaemonSet (which cannot run in two colours), or Services live on different colours.
 */
export function planBlueGreen(
  objects: SourcedObject[],
  liveColours: Map<string, Colour | 'none'>,
  targetNamespace: string,
  changed: (deployment: SourcedObject) => boolean = () => true
): BlueGreenPlan {
  const problems: string[] = []
  const behind = deploymentsBehindServices(objects, targetNamespace, 'blue-green', problems)
  const switched = strategyGroups(behind, changed, problems)
  const colourOf: ColourOf = service =>
    liveColours.get(serviceKey(namespaceOf(service.object, targetNamespace), service.object.metadata.name))
  const colours = switchingServiceColours(behind, switched, colourOf, targetNamespace, problems)
  if (problems.length > 0)
    throw new Error(`Blue-green cannot deploy these manifests; nothing was applied:\n- ${problems.join('\n- ')}`)

  const live = colours[0]
  const next = live ? otherColour(live) : 'blue'
  const coloured = new Set([...switched.values()].flat())
  const kept = keptDeploymentColours(behind, switched, coloured, colourOf)
  const names = new Map<string, string>()
  for (const d of coloured) names.set(d.object.metadata.name, `${d.object.metadata.name}-${next}`)
  for (const [d, colour] of kept) if (colour) names.set(d.object.metadata.name, `${d.object.metadata.name}-${colour}`)
  const plan: BlueGreenPlan = { objects: [], services: [], deployments: [], live, next, rolling: [] }
  for (const item of objects) {
    if (kept.has(item)) {
      const colour = kept.get(item)
      plan.objects.push(colour ? { ...item, object: colouredDeployment(item.object, colour) } : item)
      plan.rolling.push(names.get(item.object.metadata.name) ?? item.object.metadata.name)
    } else if (behind.has(item) && !switched.has(item)) {
      plan.objects.push({ ...item, object: withSelector(item.object, asColour(colourOf(item))) })
    } else if (coloured.has(item)) {
      addNextColourDeployment(plan, item, namespaceOf(item.object, targetNamespace))
    } else if (switched.has(item)) {
      const namespace = namespaceOf(item.object, targetNamespace)
      addSwitchedService(plan, item, namespace, liveColours.get(serviceKey(namespace, item.object.metadata.name)))
    } else {
      plan.objects.push(retargetAutoscaler(item, names))
    }
  }
  return plan
}

/** The colours the Services that switch select now, adding a problem when they are more than one. */
function switchingServiceColours(
  behind: Map<SourcedObject, SourcedObject[]>,
  switched: Map<SourcedObject, SourcedObject[]>,
  colourOf: ColourOf,
  targetNamespace: string,
  problems: string[]
): Colour[] {
  const keys = [...switched.keys()].map(s => serviceKey(namespaceOf(s.object, targetNamespace), s.object.metadata.name))
  // Only the Services that switch must agree: one whose Deployments do not change stays on its colour.
  const colours = [
    ...new Set(
      (switched.size > 0 ? [...switched.keys()] : [...behind.keys()])
        .map(colourOf)
        .filter((c): c is Colour => c === 'blue' || c === 'green')
    )
  ]
  if (colours.length > 1) {
    problems.push(
      `Services ${keys.join(', ')} select different colours (${colours.join(', ')}); switch them to one colour first (mode: rollback switches all of them back)`
    )
  }
  return colours
}

/** The Deployments that do not switch, each with the colour it is written in (undefined: uncoloured). */
function keptDeploymentColours(
  behind: Map<SourcedObject, SourcedObject[]>,
  switched: Map<SourcedObject, SourcedObject[]>,
  coloured: Set<SourcedObject>,
  colourOf: ColourOf
): Map<SourcedObject, Colour | undefined> {
  // An unchanged Deployment is written under the name it has live: the colour its Services select, or its own.
  const kept = new Map<SourcedObject, Colour | undefined>()
  for (const [service, deployments] of behind) {
    if (switched.has(service)) continue
    const colour = asColour(colourOf(service))
    for (const d of deployments) if (!coloured.has(d) && !kept.get(d)) kept.set(d, colour)
  }
  return kept
}

/** A switched Deployment, written in the plan's next colour beside the live one it replaces. */
function addNextColourDeployment(plan: BlueGreenPlan, item: SourcedObject, namespace: string): void {
  plan.objects.push({ ...item, object: colouredDeployment(item.object, plan.next) })
  plan.deployments.push({
    namespace,
    base: item.object.metadata.name,
    name: `${item.object.metadata.name}-${plan.next}`,
    live: plan.live ? `${item.object.metadata.name}-${plan.live}` : undefined
  })
}

/** A Service that switches: applied on what it selects now, with the apply that switches it to the next colour. */
function addSwitchedService(
  plan: BlueGreenPlan,
  item: SourcedObject,
  namespace: string,
  liveColour: Colour | 'none' | undefined
): void {
  // Until the switch a Service keeps selecting what it selects now: its colour, or (the first blue-green deploy
  // of a Service that had none) the pods of both, of which only the ready ones serve. A new one waits for next.
  const selected = liveColour === 'none' ? undefined : (liveColour ?? plan.next)
  plan.objects.push({ ...item, object: withSelector(item.object, selected) })
  plan.services.push({
    namespace,
    name: item.object.metadata.name,
    switched: withSelector(item.object, plan.next),
    created: liveColour === undefined
  })
}

/** A HorizontalPodAutoscaler of a coloured Deployment scales the colour being deployed (or kept, when unchanged). */
function retargetAutoscaler(item: SourcedObject, names: Map<string, string>): SourcedObject {
  if (item.object.kind !== 'HorizontalPodAutoscaler') return item
  const target = (item.object.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef
  if (target?.kind !== 'Deployment' || !target.name || !names.has(target.name)) return item
  const copy = structuredClone(item.object)
  ;(copy.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name = names.get(target.name)!
  return { ...item, object: copy }
}

/** The colour a live Service selects, when it selects one. */
export function liveColourOf(service: KubeObject | undefined): Colour | undefined {
  const value = service ? serviceSelector(service)?.[colourLabel] : undefined
  return value === 'blue' || value === 'green' ? value : undefined
}
