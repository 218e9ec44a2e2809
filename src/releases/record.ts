import { applySetKeys } from '../plan/applyset-plan.js'
import type { KubeObject } from '../manifests/documents.js'
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'

/**
 * A release: what one deploy to a target applied, kept in the cluster beside its workloads as Helm keeps its
 * releases (a Secret per release, labelled with the release's name and number), so history and rollbacks can read
 * back the whole set a release had, not only the pod templates the workloads' own revisions keep.
 */
export interface ReleaseRecord {
  /** Format of this record; a reader refuses one newer than it knows. */
  version: 1
  /** The release's name: the lock-name input, one per target. */
  name: string
  number: number
  commit: string
  runUrl?: string
  actor?: string
  /**
   * succeeded; rolled-back (the rollout failed and the workloads went back: the set it tried is kept); or failed
   * and left as it was (rollback-on-failure: false, a hook or a strategy step failed): live, but no rollback target.
   */
  result: 'succeeded' | 'rolled-back' | 'failed'
  /** ISO time the record was written. */
  time: string
  /** The images the manifests got (repository:tag, pinned to a digest when the run pinned them). */
  images: string[]
  /** What changed in the cluster, object by object: created, configured, unchanged, replaced, pruned. */
  changes: ReleaseChange[]
  /** The objects as applied (patched, annotated); a Secret's values replaced by their SHA-256 (secretHashes). */
  objects: KubeObject[]
}

/** One object's fate in a release, as the resources output names it. */
export interface ReleaseChange {
  kind: string
  namespace?: string
  name: string
  action: string
}

/** A Secret may hold at most 1 MiB (etcd's object limit, as Helm meets it); the record must fit with its metadata. */
export const recordLimitBytes = 1024 * 1024 - 16 * 1024

export const releaseLabels = {
  name: 'build-and-deploy/release',
  number: 'build-and-deploy/release-number',
  result: 'build-and-deploy/release-result'
}

export const releaseSecretType = 'build-and-deploy/release.v1'

/** The Secret of release `number`: names are DNS subdomains, and a lock-name is a DNS label. */
export const releaseSecretName = (name: string, number: number): string => `build-and-deploy.release.${name}.v${number}`

/** Of the value's bytes: a binary value (a keystore) is not decoded as text first. */
const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/**
 * An object as it goes into a record. A Secret keeps its keys, each with the SHA-256 of its value (decoded from
 * base64 for data), and never a value: a rollback can tell whether the live Secret still holds the same thing.
 */
export function recordedObject(object: KubeObject): KubeObject {
  const copy = structuredClone(object)
  // The ApplySet membership label is the prune's to set on each apply, never the manifests' (a restore is refused
  // if they carry it).
  const labels = copy.metadata.labels
  if (labels?.[applySetKeys.partOf] !== undefined) {
    delete labels[applySetKeys.partOf]
    if (Object.keys(labels).length === 0) delete copy.metadata.labels
  }
  if (copy.kind !== 'Secret' || copy.apiVersion !== 'v1') return copy
  const hashes: Record<string, string> = {}
  for (const [key, value] of Object.entries((copy.data ?? {}) as Record<string, string>))
    hashes[key] = sha256(Buffer.from(String(value), 'base64'))
  for (const [key, value] of Object.entries((copy.stringData ?? {}) as Record<string, string>))
    hashes[key] = sha256(Buffer.from(String(value), 'utf8'))
  delete copy.data
  delete copy.stringData
  copy.secretHashes = hashes
  return copy
}

/** The record as it is stored: gzip of its JSON, in base64 as a Secret's data value is written. */
export function encodeRecord(record: ReleaseRecord): string {
  return gzipSync(Buffer.from(JSON.stringify(record))).toString('base64')
}

export function decodeRecord(encoded: string, where: string): ReleaseRecord {
  let record: ReleaseRecord
  try {
    record = JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')) as ReleaseRecord
  } catch (error) {
    throw new Error(`The release record ${where} cannot be read (not gzip of JSON): ${(error as Error).message}`, {
      cause: error
    })
  }
  if (record.version !== 1)
    throw new Error(`The release record ${where} has format ${record.version}; this version of the action reads 1.`)
  return record
}

/** Why `encoded` cannot be stored, or undefined when it fits in a Secret (which counts its decoded bytes). */
export function oversizeProblem(encoded: string, objectCount: number): string | undefined {
  const bytes = Buffer.from(encoded, 'base64').length
  if (bytes <= recordLimitBytes) return undefined
  return `The release record of these ${objectCount} objects is ${(bytes / 2 ** 20).toFixed(2)} MiB compressed, and a Secret holds at most 1 MiB: split the manifests into several targets (lock-name), or set history-max: 0 to deploy without release records.`
}

/** The number the next release gets: one past the highest kept (numbers are never reused, even after a prune). */
export const nextReleaseNumber = (numbers: number[]): number => Math.max(0, ...numbers) + 1

/** The releases to delete so that `historyMax` remain, oldest first. */
export function releasesBeyond(numbers: number[], historyMax: number): number[] {
  const sorted = [...numbers].sort((a, b) => a - b)
  return sorted.slice(0, Math.max(0, sorted.length - historyMax))
}

/** A line of history: what a release changed, counted by action, e.g. `2 created, 1 configured, 1 pruned`. */
export function changeSummary(changes: ReleaseRecord['changes']): string {
  const counts = new Map<string, number>()
  for (const { action } of changes) counts.set(action, (counts.get(action) ?? 0) + 1)
  const order = ['created', 'configured', 'replaced', 'pruned', 'unchanged', 'failed', 'not applied']
  return (
    [...counts]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([action, count]) => `${count} ${action}`)
      .join(', ') || 'nothing applied'
  )
}

/** A Secret as a record keeps it: keys and hashes, no values (recordedObject). */
export const isRecordedSecret = (object: KubeObject): boolean =>
  object.kind === 'Secret' && object.apiVersion === 'v1' && object.secretHashes !== undefined

/**
 * Whether the live Secret still holds what the release had: the same keys, each value with the recorded hash. A
 * record keeps no values, so a Secret that differs cannot be restored from it.
 */
export function secretMatchesRecord(
  recorded: KubeObject,
  live: { data?: Record<string, string> } | undefined
): boolean {
  if (!live) return false
  const { secretHashes } = recordedObject({ ...recorded, data: live.data ?? {}, stringData: undefined })
  const want = recorded.secretHashes as Record<string, string>
  const have = secretHashes as Record<string, string>
  return Object.keys(want).length === Object.keys(have).length && Object.entries(want).every(([k, v]) => have[k] === v)
}
