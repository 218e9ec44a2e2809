import { describe, expect, it } from '@jest/globals'
import { attestationEntries, describeAttestations, predicateName } from '../../src/build/attestations.js'

const amd64 = { digest: 'sha256:amd', platform: { os: 'linux', architecture: 'amd64' } }
const armv7 = { digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }
const attests = (digest: string, about: string) => ({
  digest,
  platform: { os: 'unknown', architecture: 'unknown' },
  annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': about }
})

describe('attestationEntries', () => {
  it.each([
    [
      'each attestation with the platform of the image it names',
      [amd64, armv7, attests('sha256:a1', 'sha256:amd'), attests('sha256:a2', 'sha256:arm')],
      [
        { digest: 'sha256:a1', subject: 'linux/amd64' },
        { digest: 'sha256:a2', subject: 'linux/arm/v7' }
      ]
    ],
    [
      'the digest, when the index does not list the image',
      [attests('sha256:a1', 'sha256:gone')],
      [{ digest: 'sha256:a1', subject: 'sha256:gone' }]
    ],
    // An unknown/unknown entry without the annotation is not taken for an attestation (nor for an image elsewhere).
    [
      'nothing from images, or from unknown/unknown without the annotation',
      [amd64, { digest: 'sha256:x', platform: { os: 'unknown', architecture: 'unknown' } }],
      []
    ],
    ['nothing from an empty index', [], []]
  ])('%s', (_, entries, expected) => {
    expect(attestationEntries(entries)).toEqual(expected)
  })
})

describe('predicateName', () => {
  it.each([
    ['https://slsa.dev/provenance/v1', 'provenance (SLSA v1)'],
    ['https://slsa.dev/provenance/v0.2', 'provenance (SLSA v0.2)'],
    ['https://spdx.dev/Document', 'SBOM (SPDX)'],
    ['https://cyclonedx.org/bom/v1.5', 'SBOM (CycloneDX)'],
    ['https://example.com/custom/v1', 'https://example.com/custom/v1']
  ])('%s is %s', (type, name) => {
    expect(predicateName(type)).toBe(name)
  })
})

describe('describeAttestations', () => {
  it.each([
    [
      'one line per kind with its platforms, by kind',
      [
        { subject: 'linux/amd64', predicateTypes: ['https://spdx.dev/Document', 'https://slsa.dev/provenance/v1'] },
        { subject: 'linux/arm64', predicateTypes: ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document'] }
      ],
      ['provenance (SLSA v1) for linux/amd64, linux/arm64', 'SBOM (SPDX) for linux/amd64, linux/arm64']
    ],
    [
      'a platform once, however many layers repeat the type',
      [
        { subject: 'linux/amd64', predicateTypes: ['https://spdx.dev/Document', 'https://spdx.dev/Document'] },
        { subject: 'linux/amd64', predicateTypes: ['https://spdx.dev/Document'] }
      ],
      ['SBOM (SPDX) for linux/amd64']
    ],
    ['nothing from an attestation manifest without typed layers', [{ subject: 'linux/amd64', predicateTypes: [] }], []],
    ['nothing from none', [], []]
  ])('%s', (_, found, expected) => {
    expect(describeAttestations(found)).toEqual(expected)
  })
})
