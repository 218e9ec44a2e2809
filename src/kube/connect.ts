import type { KubeSettings } from './kubeconfig.js'
import type { Cluster } from './cluster.js'
import { KubeClient, KubeClientTimeouts } from './client.js'
import { resolveKubeTarget } from './kubeconfig.js'

/**
 * The connection to the cluster the kube settings name (kubeconfig, context). Throws when the kubeconfig cannot be
 * resolved; nothing is sent until the first call.
 */
export function connect(settings: KubeSettings, timeouts: Partial<KubeClientTimeouts> = {}): Cluster {
  return new KubeClient(resolveKubeTarget(settings), timeouts)
}

/** Where an object that names no namespace goes: the namespace input, else the context's namespace, else default, as kubectl. */
export function defaultNamespace(given: string | undefined, cluster: Pick<Cluster, 'namespace'>): string {
  return given ?? cluster.namespace ?? 'default'
}
