/**
 * Which Deployments behind a Service change their pod template in this deploy (issue 18): each is dry-run
 * server-side as the strategy would write it over its live counterpart, so that server defaults and fields of
 * other managers compare as they would after the apply, and the templates are compared by templateChanged.
 */
import { KubeApiError, KubeClient, namespacedPath } from '../kube/client.js'
import type { KubeObject } from '../manifests/documents.js'
import { templateChanged } from './selection.js'

export interface TemplateProbe {
  namespace: string
  /** The Deployment as it would be written over the live one (the live colour's name, for blue-green). */
  object: KubeObject
}

/** Whether each probe's template changes; a Deployment not live yet, or whose dry run fails, counts as changed. */
export async function templatesChange(kube: KubeClient, probes: TemplateProbe[], fieldManager: string): Promise<boolean[]> {
  return Promise.all(
    probes.map(async ({ namespace, object }) => {
      const path = namespacedPath('apps/v1', 'deployments', namespace, object.metadata.name)
      const live = await kube.get<KubeObject>(path)
      if (!live) return true
      const body = structuredClone(object)
      // The template is all that is compared; replicas left out cannot conflict with an autoscaler's scale.
      delete (body.spec as { replicas?: number }).replicas
      body.metadata.namespace = namespace
      try {
        const wanted = await kube.request<KubeObject>('PATCH', path, {
          query: { fieldManager, fieldValidation: 'Strict', force: true, dryRun: 'All' },
          contentType: 'application/apply-patch+yaml',
          body
        })
        return templateChanged(wanted, live)
      } catch (error) {
        // The apply's own dry run reports the problem; here it only means "not known to be unchanged".
        if (error instanceof KubeApiError) return true
        throw error
      }
    })
  )
}
