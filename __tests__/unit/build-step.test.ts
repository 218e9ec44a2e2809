import { describe, expect, it } from '@jest/globals'
import { buildPlan, deployReference } from '../../src/build/build-step.js'
import type { BuildSettings } from '../../src/build/build-settings.js'
import { parseImageRef } from '../../src/build/image-ref.js'

describe('deployReference (issue 23)', () => {
  const digest = 'sha256:' + 'a'.repeat(64)
  it.each<[string, string | undefined, string, string]>([
    ['{sha}', digest, 'r.io/web:0123', 'r.io/web:0123'],
    ['{branch}-{sha}', digest, 'r.io/web:main-0123', 'r.io/web:main-0123'],
    ['{branch}', digest, 'r.io/web:main', `r.io/web:main@${digest}`],
    ['{short_sha}', digest, 'r.io/web:0123456', `r.io/web:0123456@${digest}`],
    ['v{run_number}', digest, 'r.io/web:v42', `r.io/web:v42@${digest}`],
    // push: false has no digest to pin to.
    ['{branch}', undefined, 'r.io/web:main', 'r.io/web:main']
  ])('%s with digest %s: %s → %s', (template, found, reference, deployed) => {
    expect(deployReference(reference, found, template)).toBe(deployed)
  })

  it.each<[string, string | undefined, string, string]>([
    ['{sha}', digest, 'r.io/web:0123', `r.io/web:0123@${digest}`],
    ['{branch}', digest, 'r.io/web:main', `r.io/web:main@${digest}`],
    ['{sha}', undefined, 'r.io/web:0123', 'r.io/web:0123']
  ])('with pin-digest, %s with digest %s: %s → %s', (template, found, reference, deployed) => {
    expect(deployReference(reference, found, template, true)).toBe(deployed)
  })
})

describe('buildPlan', () => {
  const builds = ['api', 'web'].map(name => ({
    name,
    image: parseImageRef(`ghcr.io/acme/${name}`),
    context: name,
    dockerfile: `${name}/Dockerfile`
  }))
  const settings = {
    builds,
    build: {
      buildArgs: [],
      secrets: [],
      labels: [],
      cacheFrom: ['type=registry,ref=ghcr.io/acme/{name}:buildcache', 'type=gha'],
      cacheTo: ['type=registry,ref=ghcr.io/acme/{name}:buildcache,mode=max'],
      platforms: ['linux/amd64', 'linux/arm64'],
      provenance: 'mode=max'
    },
    tagTemplate: '{sha}',
    extraTagTemplates: [],
    latest: 'false',
    push: true,
    skipExisting: true,
    pushByDigest: false,
    imagesFrom: [],
    pinDigest: false,
    run: { sha: 'a'.repeat(40), ref: 'refs/heads/main', runNumber: '1' }
  } as unknown as BuildSettings
  const tags = { primary: 'a'.repeat(40), all: ['a'.repeat(40), 'v1'] }

  it("gives each image of a build list its own cache through {name}, and buildx's attestations", () => {
    const [api, web] = builds.map(build => buildPlan(settings, build, tags, [], '/work'))
    expect(api.cacheFrom).toEqual(['type=registry,ref=ghcr.io/acme/api:buildcache', 'type=gha'])
    expect(web.cacheTo).toEqual(['type=registry,ref=ghcr.io/acme/web:buildcache,mode=max'])
    expect(api.tags).toEqual([`ghcr.io/acme/api:${'a'.repeat(40)}`, 'ghcr.io/acme/api:v1'])
    expect(api).toMatchObject({
      provenance: 'mode=max',
      pushByDigest: undefined,
      metadataFile: '/work/api.metadata.json'
    })
  })

  it('pushes by digest to the repository, with push-by-digest', () => {
    expect(buildPlan({ ...settings, pushByDigest: true }, builds[1], tags, [], '/work').pushByDigest).toBe(
      'ghcr.io/acme/web'
    )
  })
})
