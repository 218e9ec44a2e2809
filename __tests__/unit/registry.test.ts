import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pickPlatformManifest, RegistryClient } from '../../src/build/registry.js'

describe('pickPlatformManifest', () => {
  const amd64 = { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } }
  const arm64 = { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64' } }
  const attestation = { digest: 'sha256:c', platform: { os: 'unknown', architecture: 'unknown' } }
  it.each([
    ['linux/amd64 among others', [arm64, amd64, attestation], amd64],
    ['the first image when amd64 is absent, skipping attestations', [attestation, arm64], arm64],
    ['nothing from attestations alone', [attestation], undefined],
    ['nothing from an empty index', [], undefined]
  ])('%s', (_, manifests, expected) => {
    expect(pickPlatformManifest(manifests)).toEqual(expected)
  })
})

/** A registry on loopback (plain HTTP, as registryBaseUrl treats it) answering from a route table. */
async function fakeRegistry(
  routes: Record<string, { type?: string; body: unknown } | 'hang'>
): Promise<{ host: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const route = routes[request.url ?? '']
    if (route === 'hang') return
    if (!route) return void response.writeHead(404).end()
    response.writeHead(200, { 'Content-Type': route.type ?? 'application/json' }).end(JSON.stringify(route.body))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

describe('RegistryClient', () => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => {
    await close?.()
    close = undefined
  })

  it('reads the labels of an index through its linux/amd64 image config', async () => {
    const registry = await fakeRegistry({
      '/v2/it/web/manifests/sha256:index': {
        type: 'application/vnd.oci.image.index.v1+json',
        body: {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            { digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm64' } },
            { digest: 'sha256:amd', platform: { os: 'linux', architecture: 'amd64' } }
          ]
        }
      },
      '/v2/it/web/manifests/sha256:amd': {
        type: 'application/vnd.oci.image.manifest.v1+json',
        body: { config: { digest: 'sha256:cfg' } }
      },
      '/v2/it/web/blobs/sha256:cfg': { body: { config: { Labels: { 'org.opencontainers.image.revision': 'abc' } } } }
    })
    close = registry.close
    expect(await new RegistryClient(registry.host).imageLabels('it/web', 'sha256:index')).toEqual({
      'org.opencontainers.image.revision': 'abc'
    })
  })

  it('reads no labels as none', async () => {
    const registry = await fakeRegistry({
      '/v2/it/web/manifests/sha256:m': {
        type: 'application/vnd.docker.distribution.manifest.v2+json',
        body: { config: { digest: 'sha256:cfg' } }
      },
      '/v2/it/web/blobs/sha256:cfg': { body: { config: { Labels: null } } }
    })
    close = registry.close
    expect(await new RegistryClient(registry.host).imageLabels('it/web', 'sha256:m')).toEqual({})
  })

  it('times out a request that gets no answer, naming its path and not the credentials (issue 19)', async () => {
    const registry = await fakeRegistry({ '/v2/it/web/manifests/main': 'hang' })
    close = registry.close
    const client = new RegistryClient(registry.host, { username: 'robot', password: 's3cret-token' }, 200)
    const started = Date.now()
    const error = (await client.manifestDigest('it/web', 'main').catch((e: Error) => e)) as Error
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(error.message).toBe(`Registry ${registry.host} did not answer HEAD /v2/it/web/manifests/main within 0.2 s.`)
    expect(error.message).not.toContain('s3cret-token')
  })

  it('names the path when the registry cannot be reached', async () => {
    const registry = await fakeRegistry({})
    await registry.close()
    const error = (await new RegistryClient(registry.host).ping('it/web').catch((e: Error) => e)) as Error
    expect(error.message).toMatch(
      new RegExp(`^Cannot reach registry ${registry.host.replace('.', '\\.')} \\(GET /v2/\\): `)
    )
  })
})
