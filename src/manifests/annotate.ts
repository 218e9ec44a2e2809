import { KubeObject, sameValue } from './documents.js'
import { podSpecPath } from './patch.js'

export const annotationKeys = {
  commit: 'build-and-deploy/commit',
  runUrl: 'build-and-deploy/run-url',
  actor: 'build-and-deploy/actor',
  image: 'build-and-deploy/image',
  changeCause: 'kubernetes.io/change-cause'
} as const

export interface DeployOrigin {
  sha: string
  runUrl?: string
  actor?: string
  /** The images built (or reused) by this run; a workload is annotated with those its containers run. */
  images?: string[]
}

/**
 * Records the commit on each workload and on its pod template. The Deployment controller copies the object's
 * annotations (change-cause among them) to each ReplicaSet, so `kubectl rollout history` names the commit.
 * The template carries the commit only, not the run URL or actor: a re-run of the same commit must leave the
 * template unchanged, or it would roll every pod for nothing.
 */
export function annotateWorkload(object: KubeObject, origin: DeployOrigin): KubeObject {
  const path = podSpecPath(object.kind)
  if (!path) return object
  const copy = structuredClone(object)
  const image = workloadImages(object, path, origin.images ?? []).join(', ') || undefined
  const changeCause =
    `build-and-deploy: ${image ?? 'commit'} from ${origin.sha.slice(0, 12)}` +
    (origin.actor ? ` by ${origin.actor}` : '') +
    (origin.runUrl ? ` (${origin.runUrl})` : '')
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [annotationKeys.commit]: origin.sha,
    ...(origin.runUrl ? { [annotationKeys.runUrl]: origin.runUrl } : {}),
    ...(origin.actor ? { [annotationKeys.actor]: origin.actor } : {}),
    ...(image ? { [annotationKeys.image]: image } : {}),
    [annotationKeys.changeCause]: changeCause
  }
  // The pod template is path minus its trailing 'spec'; a bare Pod is annotated on itself above.
  const templatePath = path.slice(0, -1)
  if (templatePath.length > 0) {
    let template = copy as Record<string, unknown>
    for (const key of templatePath) {
      template[key] ??= {}
      template = template[key] as Record<string, unknown>
    }
    const metadata = (template.metadata ??= {}) as { annotations?: Record<string, string> }
    metadata.annotations = { ...metadata.annotations, [annotationKeys.commit]: origin.sha }
  }
  return copy
}

/** Which of `images` the workload's containers (init containers included) run. */
function workloadImages(object: KubeObject, specPath: string[], images: string[]): string[] {
  let spec: unknown = object
  for (const key of specPath) spec = (spec as Record<string, unknown> | undefined)?.[key]
  const podSpec = (spec ?? {}) as { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> }
  const used = new Set([...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])].map(c => c.image))
  return images.filter(image => used.has(image))
}

/** The pod template of a workload, at its path, or undefined (a bare Pod has none). */
export function podTemplateOf(
  object: Record<string, unknown>
): { metadata?: { annotations?: Record<string, string> } } | undefined {
  const path = podSpecPath(String(object.kind))?.slice(0, -1)
  if (!path || path.length === 0) return undefined
  let template: unknown = object
  for (const key of path) template = (template as Record<string, unknown> | undefined)?.[key]
  return template as ReturnType<typeof podTemplateOf>
}

function setAnnotation(
  holder: { metadata?: { annotations?: Record<string, string> } } | undefined,
  key: string,
  value: string | undefined
): void {
  if (!holder) return
  const metadata = (holder.metadata ??= {})
  if (value !== undefined) {
    metadata.annotations = { ...metadata.annotations, [key]: value }
    return
  }
  if (!metadata.annotations) return
  delete metadata.annotations[key]
  if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations
}

/** The record annotations on a workload object that say which run last applied it, not what it runs. */
export const runRecordKeys: readonly string[] = [annotationKeys.commit, annotationKeys.runUrl, annotationKeys.actor]

/**
 * A new commit must not roll a workload whose pod template it did not change: when the server's dry-run
 * result differs from the live template only by the commit annotation, `applied` and `dryRun` take the live
 * template's commit (or its absence), and the live change-cause and image annotations, so the apply leaves the
 * template, and the ReplicaSet or ControllerRevision history, as they are. The object still records this run's
 * commit: a workload whose template commit differs from its object's was not changed by the last deploy, which
 * is what `rollback-to: previous` goes by. Returns whether the template changed.
 */
export function keepUnchangedTemplate(applied: KubeObject, dryRun: KubeObject, live: KubeObject): boolean {
  const liveTemplate = podTemplateOf(live)
  const newTemplate = podTemplateOf(dryRun)
  if (!liveTemplate || !newTemplate) return true
  const liveCommit = liveTemplate.metadata?.annotations?.[annotationKeys.commit]
  const candidate = structuredClone(newTemplate)
  setAnnotation(candidate, annotationKeys.commit, liveCommit)
  if (!sameValue(candidate, liveTemplate)) return true
  for (const object of [applied, dryRun]) {
    setAnnotation(podTemplateOf(object), annotationKeys.commit, liveCommit)
    for (const key of [annotationKeys.changeCause, annotationKeys.image])
      setAnnotation(object, key, live.metadata.annotations?.[key])
  }
  return false
}
