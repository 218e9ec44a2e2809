import { retryDelayMs } from '../kube/retry.js'
import type { Cluster, CollectionRef, ListQuery } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'

/**
 * List, then watch from the list's resourceVersion; on a clean end re-watch from the last version seen, on
 * 410 Gone (or an ERROR event) re-list, on a dropped connection back off and retry, until aborted.
 */
export async function watchLoop<
  T extends { metadata: { resourceVersion?: string; name: string; namespace?: string }; kind?: string }
>(
  kube: Cluster,
  collection: CollectionRef,
  query: ListQuery,
  signal: AbortSignal,
  log: (line: string) => void,
  onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T) => void
): Promise<void> {
  const watched = `${collection.kind} watch${collection.namespace ? ` in ${collection.namespace}` : ''}`
  let resourceVersion: string | undefined
  let failures = 0
  while (!signal.aborted) {
    try {
      if (!resourceVersion) {
        const list = await kube.list<T>(collection, query, { signal })
        for (const object of list.items) onEvent('ADDED', object)
        resourceVersion = list.metadata.resourceVersion
      }
      for await (const event of kube.watch<T>(collection, { ...query, resourceVersion, timeoutSeconds: 300 }, signal)) {
        failures = 0
        if (event.type === 'ERROR') {
          const status = event.object as unknown as { code?: number; message?: string }
          if (status.code !== 410) log(`${watched}: ${status.message ?? 'error'}; re-listing`)
          resourceVersion = undefined
          break
        }
        resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion
        if (event.type !== 'BOOKMARK') onEvent(event.type, event.object)
      }
    } catch (error) {
      if (signal.aborted) return
      if (error instanceof KubeApiError && error.statusCode === 410) {
        resourceVersion = undefined
        continue
      }
      failures++
      if (failures === 1 || failures % 10 === 0) log(`${watched} interrupted (${(error as Error).message}); resuming`)
      await new Promise(resolve => setTimeout(resolve, retryDelayMs(Math.min(failures, 5))))
    }
  }
}
