/**
 * A Job's pod template is immutable, yet a migration Job runs the image each commit builds: `kubectl apply` then
 * fails with "spec.template: field is immutable", and teams script a `kubectl delete job` before it. The action
 * replaces such a Job (delete with background propagation, then create) when its template really changed, and
 * leaves it alone when only the commit the action records on the template would differ. Pure, table-tested.
 */
import { annotationKeys } from '../manifests/annotate.js'
import type { KubeObject } from '../manifests/documents.js'

interface Cause {
  field?: string
  message?: string
}

/** A 422 on a Job whose every cause is an immutable field: what only a replacement can apply. */
export function isImmutableJobUpdate(kind: string, statusCode: number, causes: Cause[]): boolean {
  return (
    kind === 'Job' &&
    statusCode === 422 &&
    causes.length > 0 &&
    causes.every(c => /field is immutable/.test(c.message ?? ''))
  )
}

type Template = { metadata?: { annotations?: Record<string, string> } }
const templateOf = (job: KubeObject): Template | undefined =>
  (job.spec as { template?: Template } | undefined)?.template

/**
 * The Job with the live template's commit annotation (or its absence) instead of this run's, and the live
 * object's image and change-cause records: applied, it changes nothing if the template differs by the commit alone.
 */
export function withLiveTemplateCommit(job: KubeObject, live: KubeObject): KubeObject {
  const copy = structuredClone(job)
  const template = templateOf(copy)
  const liveCommit = templateOf(live)?.metadata?.annotations?.[annotationKeys.commit]
  if (template) {
    const annotations = { ...template.metadata?.annotations }
    if (liveCommit === undefined) delete annotations[annotationKeys.commit]
    else annotations[annotationKeys.commit] = liveCommit
    template.metadata = { ...template.metadata, annotations }
  }
  for (const key of [annotationKeys.image, annotationKeys.changeCause]) {
    const value = live.metadata.annotations?.[key]
    const annotations = { ...copy.metadata.annotations }
    if (value === undefined) delete annotations[key]
    else annotations[key] = value
    copy.metadata.annotations = annotations
  }
  return copy
}

/**
 * A name no live object has, for the dry-run create that validates a replacement (admission included) before the
 * old Job is deleted. Job names end up in pod labels, so it stays within 63 characters.
 */
export const dryRunName = (name: string): string => `${name.slice(0, 48).replace(/[-.]+$/, '')}-bnd-dry-run`
