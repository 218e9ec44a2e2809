import type { Cluster } from '../kube/cluster.js'
import type { PodFailure, PodLike } from './diagnose.js'

/** A failing pod of a new revision with what explains it: its latest Warning events and its log's last lines. */
export interface Diagnosis extends PodFailure {
  events: string[]
  logs: string[]
}

// Warnings a kubelet repeats on every pod of some clusters that never explain a failed rollout.
const noiseEvents = new Set(['MissingClusterDNS'])

export async function gatherDetails(kube: Cluster, pod: PodLike, failure: PodFailure): Promise<Diagnosis> {
  const ns = pod.metadata.namespace ?? 'default'
  const signal = AbortSignal.timeout(5000)
  const [events, logs] = await Promise.all([
    kube
      .list<{ reason?: string; message?: string; lastTimestamp?: string; eventTime?: string }>(
        { apiVersion: 'v1', kind: 'Event', namespace: ns },
        { fieldSelector: `involvedObject.name=${pod.metadata.name},type=Warning` },
        { signal }
      )
      .then(list =>
        list.items
          .filter(e => !noiseEvents.has(e.reason ?? ''))
          .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
          .slice(-5)
          .map(e => `${e.reason}: ${e.message}`)
      )
      .catch(() => [] as string[]),
    failure.container
      ? kube
          .podLog(
            { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod.metadata.name },
            { container: failure.container, tailLines: 20, previous: failure.previousLog || undefined },
            { signal }
          )
          .then(text => String(text).split('\n').filter(Boolean))
          .catch(() => [] as string[])
      : Promise.resolve([] as string[])
  ])
  return { ...failure, events, logs }
}
