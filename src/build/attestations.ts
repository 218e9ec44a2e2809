/**
 * Attestations buildx attaches to an image index (provenance, SBOM): each is a manifest of its own in the index,
 * listed with platform unknown/unknown and annotations naming the image it is about. They are not images: lookups of
 * a platform's image skip them (pickPlatformManifest), and they are reported here, by the predicate type of each
 * in-toto layer.
 */

export const attestationReferenceType = 'attestation-manifest'

/** An entry of an OCI image index or Docker manifest list: an image of a platform, or an attestation. */
export interface IndexEntry {
  digest: string
  mediaType?: string
  platform?: { os?: string; architecture?: string; variant?: string }
  annotations?: Record<string, string>
}

/** One attestation manifest: the image it is about, and the predicate types of its layers. */
export interface FoundAttestation {
  /** os/architecture[/variant] of the image it attests, or the digest when the index does not list that image. */
  subject: string
  predicateTypes: string[]
}

export const platformName = (platform: IndexEntry['platform']): string =>
  [platform?.os, platform?.architecture, platform?.variant].filter(Boolean).join('/')

/** The entries of an index that are attestations, each with the platform of the image it names. */
export function attestationEntries(entries: IndexEntry[]): Array<{ digest: string; subject: string }> {
  return entries
    .filter(entry => entry.annotations?.['vnd.docker.reference.type'] === attestationReferenceType)
    .map(entry => {
      const about = entry.annotations?.['vnd.docker.reference.digest']
      const image = entries.find(other => other.digest === about)
      return { digest: entry.digest, subject: image ? platformName(image.platform) : (about ?? 'unknown image') }
    })
}

const predicateNames: Array<[RegExp, string]> = [
  [/^https:\/\/slsa\.dev\/provenance\/v(\d[\d.]*)$/, 'provenance (SLSA v$1)'],
  [/^https:\/\/spdx\.dev\/Document$/, 'SBOM (SPDX)'],
  [/^https:\/\/cyclonedx\.org\/bom(\/v[\d.]+)?$/, 'SBOM (CycloneDX)']
]

/** What a predicate type is, in the words of build-push-action's inputs; an unknown one is shown as it is. */
export function predicateName(type: string): string {
  for (const [pattern, name] of predicateNames) if (pattern.test(type)) return type.replace(pattern, name)
  return type
}

/**
 * One line per kind of attestation with the platforms it covers, e.g. `provenance (SLSA v1) for linux/amd64,
 * linux/arm64`, by kind (BuildKit's layer order differs between builds), platforms in index order.
 */
export function describeAttestations(found: FoundAttestation[]): string[] {
  const subjects = new Map<string, string[]>()
  for (const attestation of found) {
    for (const type of new Set(attestation.predicateTypes)) {
      const name = predicateName(type)
      const list = subjects.get(name) ?? []
      if (!list.includes(attestation.subject)) list.push(attestation.subject)
      subjects.set(name, list)
    }
  }
  return [...subjects].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => `${name} for ${list.join(', ')}`)
}
