/**
 * Which Deployments behind a Service change their pod template in this deploy (issue 18): each is dry-run
 * server-side as the strategy would write it over its live counterpart, so that server defaults and fields of
 * other managers compare as they would after the apply, and the templates are compared by templateChanged.
 */
import type { Cluster } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import type { KubeObject } from '../manifests/documents.js'
import { templateChanged } from './selection.js'

export interface TemplateProbe {
  namespace: string
  /** The Deployment as it would be written over the live one (the live colour's name, for blue-green). */
  object: KubeObject
}

/** Whether each probe's template changes; a Deployment not live yet, or whose dry run fails, counts as changed. */
export async function templatesChange(
  kube: Cluster,
  probes: TemplateProbe[],
  fieldManager: string
): Promise<boolean[]> {
  return Promise.all(
    probes.map(async ({ namespace, object }) => {
      const live = await kube.get<KubeObject>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace,
        name: object.metadata.name
      })
      if (!live) return true
      const body = structuredClone(object)
      // The template is all that is compared; replicas left out cannot conflict with an autoscaler's scale.
      delete (body.spec as { replicas?: number }).replicas
      body.metadata.namespace = namespace
      try {
        const wanted = await kube.apply<KubeObject>(body, { fieldManager, strict: true, force: true, dryRun: true })
        return templateChanged(wanted, live)
      } catch (error) {
        // The apply's own dry run reports the problem; here it only means "not known to be unchanged".
        if (error instanceof KubeApiError) return true
        throw error
      }
    })
  )
}
