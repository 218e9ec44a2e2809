/**
 * Blue-green, planned from the manifests alone: each Deployment that a Service of the manifests selects runs in
 * two colours, `<name>-blue` and `<name>-green`, told apart by one label that the Services select as well. A
 * deploy writes the colour no Service selects, and switches the Services once it is ready. Pure, table-tested.
 */
import { describeSource, KubeObject, SourcedObject } from '../manifests/documents.js'

export const colourLabel = 'build-and-deploy/colour'
export type Colour = 'blue' | 'green'
export const otherColour = (colour: Colour): Colour => (colour === 'blue' ? 'green' : 'blue')

type Labels = Record<string, string>

interface ServiceSpec {
  selector?: Labels
  type?: string
}

const serviceSelector = (object: KubeObject): Labels | undefined => (object.spec as ServiceSpec | undefined)?.selector
const templateLabels = (object: KubeObject): Labels => ((object.spec as { template?: { metadata?: { labels?: Labels } } } | undefined)?.template?.metadata?.labels ?? {})

/** A Service selects a pod template when every key of its selector has the template's value. */
export function selects(selector: Labels | undefined, labels: Labels): boolean {
  if (!selector || Object.keys(selector).length === 0) return false
  return Object.entries(selector).every(([key, value]) => key === colourLabel || labels[key] === value)
}

/** Where a namespaced object of the manifests goes: its own namespace, else the run's target namespace. */
const namespaceOf = (object: KubeObject, target: string): string => object.metadata.namespace ?? target
export const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`

export interface SwitchedService {
  namespace: string
  name: string
  /** The Service as the manifests have it, selecting the new colour: the one apply that switches traffic. */
  switched: KubeObject
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
}

const withColour = (labels: Labels | undefined, colour: Colour | undefined): Labels => {
  const copy: Labels = { ...labels }
  delete copy[colourLabel]
  return colour ? { ...copy, [colourLabel]: colour } : copy
}

/** The Deployment of the manifests as the colour `colour` writes it: renamed, its pods and selector labelled. */
function colouredDeployment(object: KubeObject, colour: Colour): KubeObject {
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

/**
 * The new colour's objects and the switch. `liveColours` has the colour each Service of the manifests selects
 * on the cluster, by namespace/name: 'none' when it selects no colour yet, absent when the Service is new. Throws naming the
 * object when blue-green cannot apply: no Deployment behind a Service, a Service that also selects a StatefulSet
 * or DaemonSet (which cannot run in two colours), or Services live on different colours.
 */
export function planBlueGreen(objects: SourcedObject[], liveColours: Map<string, Colour | 'none'>, targetNamespace: string): BlueGreenPlan {
  const services = objects.filter(o => o.object.kind === 'Service' && serviceSelector(o.object) && (o.object.spec as ServiceSpec).type !== 'ExternalName')
  const workloads = objects.filter(o => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.object.kind))
  const problems: string[] = []
  const switched = new Map<SourcedObject, SourcedObject[]>()
  for (const service of services) {
    const selected = workloads.filter(w => namespaceOf(w.object, targetNamespace) === namespaceOf(service.object, targetNamespace) && selects(serviceSelector(service.object), templateLabels(w.object)))
    const deployments = selected.filter(w => w.object.kind === 'Deployment')
    const others = selected.filter(w => w.object.kind !== 'Deployment')
    if (deployments.length > 0 && others.length > 0) {
      problems.push(
        `${describeSource(service)} (Service ${service.object.metadata.name}) selects Deployment ${deployments[0].object.metadata.name} and ${others[0].object.kind} ${others[0].object.metadata.name}; ` +
          `blue-green runs Deployments in two colours, a ${others[0].object.kind} cannot: give them separate Services`
      )
    }
    if (deployments.length > 0) switched.set(service, deployments)
  }
  if (switched.size === 0 && problems.length === 0) {
    const statefulSet = workloads.find(w => w.object.kind !== 'Deployment')
    problems.push(
      statefulSet
        ? `strategy blue-green needs a Deployment behind a Service; ${statefulSet.object.kind} ${statefulSet.object.metadata.name} cannot run in two colours (deploy it with strategy: rolling)`
        : 'strategy blue-green needs a Deployment behind a Service in the manifests, and none of their Services selects one'
    )
  }
  const keys = [...switched.keys()].map(s => serviceKey(namespaceOf(s.object, targetNamespace), s.object.metadata.name))
  const colours = [...new Set(keys.map(key => liveColours.get(key)).filter((c): c is Colour => c === 'blue' || c === 'green'))]
  if (colours.length > 1) {
    problems.push(`Services ${keys.join(', ')} select different colours (${colours.join(', ')}); switch them to one colour first (mode: rollback switches all of them back)`)
  }
  if (problems.length > 0) throw new Error(`Blue-green cannot deploy these manifests; nothing was applied:\n- ${problems.join('\n- ')}`)

  const live = colours[0]
  const next = live ? otherColour(live) : 'blue'
  const coloured = new Set([...switched.values()].flat())
  const plan: BlueGreenPlan = { objects: [], services: [], deployments: [], live, next }
  for (const item of objects) {
    if (coloured.has(item)) {
      const namespace = namespaceOf(item.object, targetNamespace)
      plan.objects.push({ ...item, object: colouredDeployment(item.object, next) })
      plan.deployments.push({ namespace, base: item.object.metadata.name, name: `${item.object.metadata.name}-${next}`, live: live ? `${item.object.metadata.name}-${live}` : undefined })
    } else if (switched.has(item)) {
      const namespace = namespaceOf(item.object, targetNamespace)
      const liveColour = liveColours.get(serviceKey(namespace, item.object.metadata.name))
      // Until the switch a Service keeps selecting what it selects now: its colour, or (the first blue-green deploy
      // of a Service that had none) the pods of both, of which only the ready ones serve. A new one waits for next.
      const selected = liveColour === 'none' ? undefined : (liveColour ?? next)
      plan.objects.push({ ...item, object: withSelector(item.object, selected) })
      plan.services.push({ namespace, name: item.object.metadata.name, switched: withSelector(item.object, next) })
    } else {
      plan.objects.push(retargetAutoscaler(item, coloured, next))
    }
  }
  return plan
}

/** A HorizontalPodAutoscaler of a coloured Deployment scales the colour being deployed. */
function retargetAutoscaler(item: SourcedObject, coloured: Set<SourcedObject>, next: Colour): SourcedObject {
  if (item.object.kind !== 'HorizontalPodAutoscaler') return item
  const target = (item.object.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef
  const names = new Set([...coloured].map(c => c.object.metadata.name))
  if (target?.kind !== 'Deployment' || !target.name || !names.has(target.name)) return item
  const copy = structuredClone(item.object)
  ;(copy.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name = `${target.name}-${next}`
  return { ...item, object: copy }
}

/** The colour a live Service selects, when it selects one. */
export function liveColourOf(service: KubeObject | undefined): Colour | undefined {
  const value = service ? serviceSelector(service)?.[colourLabel] : undefined
  return value === 'blue' || value === 'green' ? value : undefined
}
