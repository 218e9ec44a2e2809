import { nameOf, ofKind, StatusReader, Verdict, WorkloadObject } from './reader.js'

const isLoadBalancer = (object: { spec?: unknown }): boolean =>
  (object.spec as { type?: string } | undefined)?.type === 'LoadBalancer'

/** A Service of type LoadBalancer is ready once its controller published an address (kstatus' rule). */
export function loadBalancerVerdict(object: WorkloadObject): Verdict {
  const name = nameOf(object)
  if (!isLoadBalancer(object)) return { state: 'done', message: `${name} is current` }
  const ingress = (
    (object.status?.loadBalancer as { ingress?: Array<{ ip?: string; hostname?: string }> } | undefined)?.ingress ?? []
  ).filter(i => i.ip || i.hostname)
  if (ingress.length > 0)
    return { state: 'done', message: `${name} has its address ${ingress.map(i => i.ip ?? i.hostname).join(', ')}` }
  return { state: 'progressing', message: `${name}: waiting for a load balancer address` }
}

/** Other Services are current once applied (kstatus); a load balancer is waited on only when asked. */
export const serviceReader: StatusReader = {
  supports: ofKind('Service'),
  waitable: (object, choice) => choice.waitForLoadBalancers && isLoadBalancer(object),
  verdict: loadBalancerVerdict,
  plural: 'services'
}
