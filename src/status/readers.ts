/**
 * The status readers, asked in this order: the first that supports a kind judges it. The custom-resource reader
 * comes last; a built-in kind no reader supports is current once applied (kstatus).
 */
import { customResourceDefinitionReader } from './crd.js'
import { daemonSetReader } from './daemonset.js'
import { deploymentReader } from './deployment.js'
import { customResourceReader } from './generic.js'
import { jobReader } from './job.js'
import { podReader } from './pod.js'
import { persistentVolumeClaimReader } from './pvc.js'
import { StatusContext, StatusReader, Verdict, WaitChoice, WorkloadObject } from './reader.js'
import { serviceReader } from './service.js'
import { statefulSetReader } from './statefulset.js'

export const readers: readonly StatusReader[] = [
  deploymentReader,
  daemonSetReader,
  statefulSetReader,
  jobReader,
  podReader,
  persistentVolumeClaimReader,
  customResourceDefinitionReader,
  serviceReader,
  customResourceReader
]

export const readerFor = (apiVersion: string | undefined, kind: string): StatusReader | undefined =>
  readers.find(r => r.supports(apiVersion, kind))

/** The annotation that takes one object out of the wait. */
export const waitAnnotation = 'build-and-deploy/wait'

/** Objects whose readiness is waited on; everything else is current once applied (kstatus). */
export function isWaitable(
  object: { apiVersion: string; kind: string; metadata?: { annotations?: Record<string, string> }; spec?: unknown },
  choice: WaitChoice
): boolean {
  if (object.metadata?.annotations?.[waitAnnotation] === 'skip') return false
  return readerFor(object.apiVersion, object.kind)?.waitable(object, choice) ?? false
}

export function rolloutVerdict(object: WorkloadObject, context: StatusContext = { ageMs: Infinity }): Verdict {
  const reader = readerFor(object.apiVersion, object.kind)
  if (reader) return reader.verdict(object, context)
  return { state: 'done', message: `${object.kind.toLowerCase()}/${object.metadata.name} is current` }
}

/** Whether `kubectl rollout undo` can roll this kind back, and from which history. */
export const undoHistoryOf = (kind: string): StatusReader['undo'] => readerFor(undefined, kind)?.undo

/** The resource name of a built-in kind in API paths. */
export function pluralOf(kind: string): string {
  const plural = readerFor(undefined, kind)?.plural
  if (!plural) throw new Error(`No status reader gives the resource name of kind ${kind}.`)
  return plural
}
