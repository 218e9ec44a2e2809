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

interface ReleaseSecret {
  type?: string
  metadata: { name: string; labels?: Record<string, string> }
  data?: Record<string, string>
}

/**
 * The Secrets holding releases of `name` in `namespace`. A Secret of someone else's that carries the label is never
 * read as a record, nor deleted by history-max: the type and the managed-by label must match too.
 */
async function releaseSecrets(
  kube: Cluster,
  namespace: string,
  name: string,
  signal?: AbortSignal
): Promise<ReleaseSecret[]> {
  const list = await kube.list<ReleaseSecret>(
    secrets(namespace),
    { labelSelector: `${releaseLabels.name}=${name},app.kubernetes.io/managed-by=build-and-deploy` },
    { signal }
  )
  return list.items.filter(item => item.type === releaseSecretType)
}

/** The releases kept, oldest first (by number, from the label; nothing decoded). */
const storedReleases = (items: ReleaseSecret[]): StoredRelease[] =>
  items
    .map(item => ({ number: Number(item.metadata.labels?.[releaseLabels.number]), secret: item.metadata.name }))
    .filter(release => Number.isInteger(release.number) && release.number > 0)
    .sort((a, b) => a.number - b.number)

/** Every release record of `name` in `namespace`, oldest first; one that cannot be read is left out, with a warning. */
export async function readReleases(
  kube: Cluster,
  namespace: string,
  name: string,
  warn: (line: string) => void = () => undefined
): Promise<ReleaseRecord[]> {
  const records: ReleaseRecord[] = []
  for (const item of (await releaseSecrets(kube, namespace, name)).filter(i => i.data?.release)) {
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
  const kept = storedReleases(await releaseSecrets(kube, namespace, record.name, signal))
  let number = nextReleaseNumber(kept.map(r => r.number))
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
  // The oldest beyond history-max, from the list read before the write: the lock keeps other runs from writing
  // meanwhile, and a run without it at worst leaves one record too many, for the next run to delete.
  const stale = releasesBeyond([...kept.map(r => r.number), number], historyMax)
  try {
    for (const release of kept.filter(r => stale.includes(r.number)))
      await kube.delete({ ...secrets(namespace), name: release.secret }, { signal }).catch(error => {
        if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error
      })
  } catch (error) {
    warn(
      `Release ${number} was recorded, but older records beyond history-max were not deleted: ${(error as Error).message}`
    )
  }
  return { ...record, number }
}
