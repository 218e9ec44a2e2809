import { KubeApiError, KubeClient } from './client.js'

/**
 * Hands back the fields an Update by `manager` took (a rollback's patch, a scale): its managedFields entry is
 * removed, so the next server-side apply by the action's own field manager does not conflict on them.
 */
export async function releaseFields(kube: KubeClient, objectPath: string, manager: string): Promise<void> {
  // Controllers rewrite managedFields as they update status, so the entry's index can move under us: the test
  // op refuses a stale index (422) and the loop reads it again.
  for (let attempt = 0; ; attempt++) {
    const live = await kube.get<{ metadata: { managedFields?: Array<{ manager?: string; operation?: string }> } }>(objectPath)
    const index = live?.metadata.managedFields?.findIndex(f => f.manager === manager && f.operation === 'Update') ?? -1
    if (index < 0) return
    try {
      await kube.request('PATCH', objectPath, {
        contentType: 'application/json-patch+json',
        body: [
          { op: 'test', path: `/metadata/managedFields/${index}/manager`, value: manager },
          { op: 'test', path: `/metadata/managedFields/${index}/operation`, value: 'Update' },
          { op: 'remove', path: `/metadata/managedFields/${index}` }
        ]
      })
      return
    } catch (error) {
      if (!(error instanceof KubeApiError && (error.statusCode === 422 || error.statusCode === 409)) || attempt >= 9) throw error
      await new Promise(resolve => setTimeout(resolve, 100 * (attempt + 1)))
    }
  }
}
