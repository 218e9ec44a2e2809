import type { Cluster } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import {
  decodeRecord,
  encodeRecord,
  nextReleaseNumber,
  oversizeProblem,
  releaseLabels,
  releasesBeyond,
  ReleaseRecord,
  releaseSecretName,
  releaseSecretType
} from './record.js'

const secrets = (namespace: string) => ({ apiVersion: 'v1', kind: 'Secret', namespace })

interface StoredRelease {
  number: number
  secret: string
}

/** The releases of `name` kept in `namespace`, oldest first (by number, from the label; nothing decoded). */
async function storedReleases(
  kube: Cluster,
  namespace: string,
  name: string,
  signal?: AbortSignal
): Promise<StoredRelease[]> {
  const list = await kube.list<{ type?: string; metadata: { name: string; labels?: Record<string, string> } }>(
    secrets(namespace),
    { labelSelector: `${releaseLabels.name}=${name},app.kubernetes.io/managed-by=build-and-deploy` },
    { signal }
  )
  // A Secret of someone else's that carries the label is never read as a record, nor deleted by history-max.
  return list.items
    .filter(item => item.type === releaseSecretType)
    .map(item => ({ number: Number(item.metadata.labels?.[releaseLabels.number]), secret: item.metadata.name }))
    .filter(release => Number.isInteger(release.number) && release.number > 0)
    .sort((a, b) => a.number - b.number)
}

/** Every release record of `name` in `namespace`, oldest first; one that cannot be read is left out, with a warning. */
export async function readReleases(
  kube: Cluster,
  namespace: string,
  name: string,
  warn: (line: string) => void = () => undefined
): Promise<ReleaseRecord[]> {
  const list = await kube.list<{ type?: string; metadata: { name: string }; data?: Record<string, string> }>(
    secrets(namespace),
    { labelSelector: `${releaseLabels.name}=${name},app.kubernetes.io/managed-by=build-and-deploy` }
  )
  const records: ReleaseRecord[] = []
  for (const item of list.items.filter(i => i.type === releaseSecretType && i.data?.release)) {
    try {
      records.push(decodeRecord(item.data!.release, `${namespace}/${item.metadata.name}`))
    } catch (error) {
      warn(`${(error as Error).message} It is left out of the history.`)
    }
  }
  return records.sort((a, b) => a.number - b.number)
}

/**
 * Stores `record` as the next release of its name (its number is set here), then deletes the oldest beyond
 * `historyMax`. A release written at the same moment by a run without the lock takes the number: the next is tried.
 */
export async function writeRelease(
  kube: Cluster,
  namespace: string,
  record: Omit<ReleaseRecord, 'number'>,
  historyMax: number,
  warn: (line: string) => void = () => undefined,
  signal?: AbortSignal
): Promise<ReleaseRecord> {
  let number = nextReleaseNumber((await storedReleases(kube, namespace, record.name, signal)).map(r => r.number))
  for (let attempt = 0; ; attempt++) {
    const full: ReleaseRecord = { ...record, number }
    const encoded = encodeRecord(full)
    const problem = oversizeProblem(encoded, record.objects.length)
    if (problem) throw new Error(problem)
    try {
      await kube.create(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: releaseSecretType,
          metadata: {
            name: releaseSecretName(record.name, number),
            namespace,
            labels: {
              [releaseLabels.name]: record.name,
              [releaseLabels.number]: String(number),
              [releaseLabels.result]: record.result,
              'app.kubernetes.io/managed-by': 'build-and-deploy'
            }
          },
          // data is base64 of its bytes: the Secret holds the gzip itself.
          data: { release: encoded }
        },
        { signal }
      )
      break
    } catch (error) {
      if (!(error instanceof KubeApiError && error.statusCode === 409) || attempt >= 3) throw error
      number++
    }
  }
  await pruneReleases(kube, namespace, record.name, historyMax, signal).catch((error: Error) =>
    warn(`Release ${number} was recorded, but older records beyond history-max were not deleted: ${error.message}`)
  )
  return { ...record, number }
}

/** Deletes the oldest records of `name` beyond `historyMax`. */
async function pruneReleases(
  kube: Cluster,
  namespace: string,
  name: string,
  historyMax: number,
  signal?: AbortSignal
): Promise<void> {
  const kept = await storedReleases(kube, namespace, name, signal)
  for (const stale of releasesBeyond(
    kept.map(r => r.number),
    historyMax
  )) {
    const secret = kept.find(r => r.number === stale)!.secret
    await kube.delete({ ...secrets(namespace), name: secret }, { signal }).catch(error => {
      if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
    })
  }
}
