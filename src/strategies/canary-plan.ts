/**
 * Canary, planned from the manifests: each Deployment behind a Service gets a `<name>-canary` Deployment of the
 * new version beside the live (stable) one, which is not touched. The Service selects both, so the canary takes
 * its replica share of the traffic; where an ingress-nginx Ingress routes to the Service, a canary Service and a
 * canary Ingress with that weight are added too. Pure, table-tested.
 */
import { KubeObject, SourcedObject } from '../manifests/documents.js'
import { deploymentsBehindServices, Labels, namespaceOf, serviceKey, strategyGroups, trackLabel } from './selection.js'

export type CanaryStage = 'canary' | 'promoted' | 'aborted' | 'stable'

/** An object a canary adds beside the stable version: deleted on promote and abort. */
export interface CanaryObject {
  apiVersion: string
  kind: 'Deployment' | 'Service' | 'Ingress'
  namespace: string
  name: string
}

export interface CanaryPlan {
  /** What this run applies: the manifests without the stable Deployments, with the canary objects. */
  objects: SourcedObject[]
  /** The stable Deployments: not applied, and never pruned. */
  retained: KubeObject[]
  canaries: Array<{ namespace: string; base: string; name: string; replicas: number; stableReplicas: number }>
  added: CanaryObject[]
  /** The share of pods the canaries have, in per cent, and the weight their Ingresses get. */
  replicaPercent: number
  weight: number
  /** No canary this run (no stable version is live yet, or none changes): the manifests roll out as the stable version. */
  first: boolean
  /** Live Deployments behind a Service whose template does not change (or pinned): applied as rolling, pods kept. */
  rolling: string[]
}

/** Canary replicas for a `percent` share beside `stable` pods: c / (stable + c) ≈ percent, at least one. */
export function canaryReplicas(stable: number, percent: number): number {
  return Math.max(1, Math.round((percent * stable) / (100 - percent)))
}

const withTrack = (labels: Labels | undefined): Labels => ({ ...labels, [trackLabel]: 'canary' })

function canaryDeployment(object: KubeObject, replicas: number): KubeObject {
  const copy = structuredClone(object)
  copy.metadata.name = `${object.metadata.name}-canary`
  const spec = copy.spec as {
    replicas?: number
    selector?: { matchLabels?: Labels }
    template: { metadata?: { labels?: Labels } }
  }
  spec.replicas = replicas
  spec.selector = { ...spec.selector, matchLabels: withTrack(spec.selector?.matchLabels) }
  spec.template.metadata = { ...spec.template.metadata, labels: withTrack(spec.template.metadata?.labels) }
  return copy
}

const isNginx = (ingress: KubeObject): boolean =>
  (ingress.spec as { ingressClassName?: string } | undefined)?.ingressClassName === 'nginx' ||
  ingress.metadata.annotations?.['kubernetes.io/ingress.class'] === 'nginx'

interface IngressPath {
  backend?: { service?: { name?: string } }
}
interface IngressRule {
  host?: string
  http?: { paths?: IngressPath[] }
}

/** ingress-nginx's canary Ingress: the same hosts and paths, to the canary Services, with the weight. */
function canaryIngress(ingress: KubeObject, canaried: Set<string>, weight: number): KubeObject | undefined {
  const copy = structuredClone(ingress)
  copy.metadata.name = `${ingress.metadata.name}-canary`
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    'nginx.ingress.kubernetes.io/canary': 'true',
    'nginx.ingress.kubernetes.io/canary-weight': String(weight)
  }
  const spec = copy.spec as { rules?: IngressRule[]; tls?: unknown; defaultBackend?: unknown }
  delete spec.defaultBackend
  // TLS stays with the main Ingress: ingress-nginx takes the canary's certificate from it.
  delete spec.tls
  spec.rules = (spec.rules ?? [])
    .map(rule => ({
      ...rule,
      http: {
        paths: (rule.http?.paths ?? [])
          .filter(p => canaried.has(p.backend?.service?.name ?? ''))
          .map(p => ({
            ...p,
            backend: { ...p.backend, service: { ...p.backend!.service, name: `${p.backend!.service!.name}-canary` } }
          }))
      }
    }))
    .filter(rule => rule.http.paths.length > 0)
  return spec.rules.length > 0 ? copy : undefined
}

/**
 * The canary's objects. `stableReplicas` has the live replicas of each Deployment behind a Service, by
 * namespace/name (absent: not live yet, so it rolls out as stable). Throws as blue-green does for manifests
 * with no Deployment behind a Service, or a Service that also selects a StatefulSet or DaemonSet.
 */
export function planCanary(
  objects: SourcedObject[],
  stableReplicas: Map<string, number>,
  targetNamespace: string,
  percent: number,
  changed: (deployment: SourcedObject) => boolean = () => true
): CanaryPlan {
  const problems: string[] = []
  const key = (object: KubeObject): string => serviceKey(namespaceOf(object, targetNamespace), object.metadata.name)
  const isLive = (d: SourcedObject): boolean => stableReplicas.has(key(d.object))
  const every = deploymentsBehindServices(objects, targetNamespace, 'canary', problems)
  // A Deployment not live yet rolls out as stable; one whose template does not change keeps its pods (issue 18).
  const behind = strategyGroups(every, d => isLive(d) && changed(d), problems)
  if (problems.length > 0)
    throw new Error(`Canary cannot deploy these manifests; nothing was applied:\n- ${problems.join('\n- ')}`)
  const live = new Set([...behind.values()].flat().filter(isLive))
  const rolling = [...new Set([...every.values()].flat())]
    .filter(d => isLive(d) && !live.has(d))
    .map(d => d.object.metadata.name)
  const plan: CanaryPlan = {
    objects: [],
    retained: [],
    canaries: [],
    added: [],
    replicaPercent: 0,
    weight: percent,
    first: live.size === 0,
    rolling
  }
  if (plan.first) return { ...plan, objects, weight: 0 }

  const canariedServices = new Set(
    [...behind.entries()].filter(([, deployments]) => deployments.some(d => live.has(d))).map(([service]) => service)
  )
  const ingresses = objects.filter(o => o.object.kind === 'Ingress' && isNginx(o.object))
  const routed = servicesRoutedBy(ingresses)
  let stableTotal = 0
  let canaryTotal = 0
  for (const item of objects) {
    const namespace = namespaceOf(item.object, targetNamespace)
    if (live.has(item)) {
      const stable = stableReplicas.get(key(item.object))!
      stableTotal += stable
      canaryTotal += addCanaryDeployment(plan, item, namespace, stable, percent)
      continue
    }
    plan.objects.push(item)
    if (canariedServices.has(item) && routed.has(item.object.metadata.name)) addCanaryService(plan, item, namespace)
  }
  const canaried = new Set([...canariedServices].map(s => s.object.metadata.name).filter(name => routed.has(name)))
  addCanaryIngresses(plan, ingresses, canaried, percent, targetNamespace)
  plan.replicaPercent = Math.round((100 * canaryTotal) / (stableTotal + canaryTotal))
  return plan
}

/** The names of the Services the Ingresses route to: only those get a canary Service and Ingress. */
function servicesRoutedBy(ingresses: SourcedObject[]): Set<string> {
  return new Set(
    ingresses.flatMap(o =>
      ((o.object.spec as { rules?: IngressRule[] })?.rules ?? []).flatMap(r =>
        (r.http?.paths ?? []).map(p => p.backend?.service?.name ?? '')
      )
    )
  )
}

/** A live Deployment: retained as stable, with its canary beside it. Returns the canary's replicas. */
function addCanaryDeployment(
  plan: CanaryPlan,
  item: SourcedObject,
  namespace: string,
  stable: number,
  percent: number
): number {
  const replicas = canaryReplicas(stable, percent)
  plan.retained.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: item.object.metadata.name, namespace }
  })
  plan.objects.push({ ...item, object: canaryDeployment(item.object, replicas) })
  plan.canaries.push({
    namespace,
    base: item.object.metadata.name,
    name: `${item.object.metadata.name}-canary`,
    replicas,
    stableReplicas: stable
  })
  plan.added.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name: `${item.object.metadata.name}-canary`
  })
  return replicas
}

/** The canary Service a canary Ingress routes to: the Service's selector narrowed to the canary's pods. */
function addCanaryService(plan: CanaryPlan, item: SourcedObject, namespace: string): void {
  const service = structuredClone(item.object)
  service.metadata.name = `${item.object.metadata.name}-canary`
  const spec = service.spec as { selector: Labels; clusterIP?: string; clusterIPs?: string[] }
  spec.selector = withTrack(spec.selector)
  delete spec.clusterIP
  delete spec.clusterIPs
  plan.objects.push({ ...item, object: service })
  plan.added.push({ apiVersion: 'v1', kind: 'Service', namespace, name: service.metadata.name })
}

/** A canary Ingress, with the weight, for each nginx Ingress that routes to a canaried Service. */
function addCanaryIngresses(
  plan: CanaryPlan,
  ingresses: SourcedObject[],
  canaried: Set<string>,
  percent: number,
  targetNamespace: string
): void {
  for (const ingress of ingresses) {
    const copy = canaryIngress(ingress.object, canaried, percent)
    if (!copy) continue
    plan.objects.push({ ...ingress, object: copy })
    plan.added.push({
      apiVersion: ingress.object.apiVersion,
      kind: 'Ingress',
      namespace: namespaceOf(ingress.object, targetNamespace),
      name: copy.metadata.name
    })
  }
}

/** How far the canaries' share of the pods may be from canary-percent before the run warns. */
const shareTolerance = 5

/**
 * The canaries whose share of the pods, c / (stable + c), is more than a few points off canary-percent (one
 * stable pod makes any canary half of them), with the stable replicas that would hold the share. Undefined when
 * every share holds. The Service spreads requests by pod, so that is the share it gets.
 */
export function shareWarning(plan: Pick<CanaryPlan, 'canaries'>, percent: number): string | undefined {
  const off = plan.canaries.filter(
    c => Math.abs((100 * c.replicas) / (c.stableReplicas + c.replicas) - percent) > shareTolerance
  )
  if (off.length === 0) return undefined
  const parts = off.map(c => {
    const share = Math.round((100 * c.replicas) / (c.stableReplicas + c.replicas))
    const needed = Math.max(1, Math.round((c.replicas * (100 - percent)) / percent))
    return `deployment/${c.name} gets ${share} % of the pods (${c.replicas} beside ${c.stableReplicas} of ${c.base}); ${percent} % needs ${needed} stable replicas of ${c.base} for ${c.replicas} canary`
  })
  return `canary-percent ${percent} does not hold: ${parts.join('; ')}. Raise the replicas of the stable Deployment, or raise canary-percent to the share it really gets.`
}

/** What a canary of these manifests added, whether or not it is live: for promote and abort. */
export function canaryObjectsOf(objects: SourcedObject[], targetNamespace: string): CanaryObject[] {
  const everyLive = new Map<string, number>()
  for (const item of objects)
    if (item.object.kind === 'Deployment')
      everyLive.set(serviceKey(namespaceOf(item.object, targetNamespace), item.object.metadata.name), 1)
  return planCanary(objects, everyLive, targetNamespace, 50).added
}
