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

/** `server` on a loopback port, with a close that drops its kept-alive connections too. */
async function listening(server: http.Server): Promise<{ host: string; close: () => Promise<void> }> {
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
  return listening(server)
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

  it("lists an index's platforms and attestations, never taking an attestation for an image", async () => {
    const attestation = (digest: string, about: string) => ({
      digest,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': about }
    })
    const layers = (...types: string[]) => ({
      type: 'application/vnd.oci.image.manifest.v1+json',
      body: { layers: types.map(type => ({ annotations: { 'in-toto.io/predicate-type': type } })) }
    })
    const registry = await fakeRegistry({
      '/v2/it/web/manifests/sha256:index': {
        type: 'application/vnd.oci.image.index.v1+json',
        body: {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            { digest: 'sha256:amd', platform: { os: 'linux', architecture: 'amd64' } },
            attestation('sha256:att-amd', 'sha256:amd'),
            { digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm64' } },
            attestation('sha256:att-arm', 'sha256:arm')
          ]
        }
      },
      '/v2/it/web/manifests/sha256:att-amd': layers('https://slsa.dev/provenance/v1', 'https://spdx.dev/Document'),
      '/v2/it/web/manifests/sha256:att-arm': layers('https://slsa.dev/provenance/v1'),
      '/v2/it/web/manifests/sha256:single': {
        type: 'application/vnd.oci.image.manifest.v1+json',
        body: { config: { digest: 'sha256:cfg' } }
      }
    })
    close = registry.close
    const client = new RegistryClient(registry.host)
    expect(await client.indexContents('it/web', 'sha256:index')).toEqual({
      platforms: ['linux/amd64', 'linux/arm64'],
      attestations: [
        { subject: 'linux/amd64', predicateTypes: ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document'] },
        { subject: 'linux/arm64', predicateTypes: ['https://slsa.dev/provenance/v1'] }
      ]
    })
    expect(await client.indexContents('it/web', 'sha256:single')).toBeUndefined()
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

/**
 * A registry on loopback that answers 401 with a bearer challenge whose realm is its own /token, as ghcr.io,
 * ACR and Docker Hub do, with tokens good for one repository; each token request is recorded.
 */
async function tokenRegistry(): Promise<{
  host: string
  tokenRequests: Array<{ method: string; url: string; authorization?: string; body: string }>
  close: () => Promise<void>
}> {
  const tokenRequests: Array<{ method: string; url: string; authorization?: string; body: string }> = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      const url = request.url ?? ''
      if (url.startsWith('/token')) {
        tokenRequests.push({ method: request.method ?? '', url, authorization: request.headers.authorization, body })
        const refresh = new URLSearchParams(body).get('refresh_token')
        const ok = request.method === 'POST' ? refresh === 'refresh-ok' : Boolean(request.headers.authorization)
        if (!ok) return void response.writeHead(401).end()
        // A token good for its scope's repository only, so a second repository is challenged again.
        const scope = new URLSearchParams(request.method === 'POST' ? body : url.split('?')[1]).get('scope')
        return void response
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ access_token: `access ${scope}` }))
      }
      const repository = /^\/v2\/(.+)\/manifests\//.exec(url)?.[1]
      if (request.headers.authorization !== `Bearer access repository:${repository}:pull`) {
        const realm = `http://${request.headers.host}/token`
        return void response.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm}",service="fake"` }).end()
      }
      response.writeHead(200, { 'Docker-Content-Digest': 'sha256:d' }).end()
    })
  })
  return { ...(await listening(server)), tokenRequests }
}

describe('RegistryClient credentials', () => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => {
    await close?.()
    close = undefined
  })

  it('exchanges an identity token by the refresh-token grant, in the body only', async () => {
    const registry = await tokenRegistry()
    close = registry.close
    const client = new RegistryClient(registry.host, async () => ({
      credentials: { username: '', password: '', identityToken: 'refresh-ok', source: 'docker-credential-acr' }
    }))
    expect(await client.manifestDigest('it/web', 'main')).toBe('sha256:d')
    expect(registry.tokenRequests).toHaveLength(1)
    const [request] = registry.tokenRequests
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/token')
    expect(request.authorization).toBeUndefined()
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-ok',
      service: 'fake',
      scope: 'repository:it/web:pull',
      client_id: 'build-and-deploy'
    })
  })

  it('names where refused credentials came from', async () => {
    const registry = await tokenRegistry()
    close = registry.close
    const client = new RegistryClient(registry.host, async () => ({
      credentials: { username: '', password: '', identityToken: 'refresh-expired', source: 'docker-credential-acr' }
    }))
    const error = (await client.manifestDigest('it/web', 'main').catch((e: Error) => e)) as Error
    expect(error.message).toBe(
      `Registry ${registry.host} rejected the identity token from docker-credential-acr (HTTP 401): log in again, or set registry-username and registry-password.`
    )
    expect(error.message).not.toContain('refresh-expired')
  })

  it('asks the lookup once, on the first challenge, and not at all for a registry that wants none', async () => {
    const registry = await tokenRegistry()
    close = registry.close
    let asked = 0
    const lookup = async () => {
      asked++
      return { credentials: { username: 'robot', password: 'pw', source: 'docker-credential-good' } }
    }
    const client = new RegistryClient(registry.host, lookup)
    expect(asked).toBe(0)
    await client.manifestDigest('it/web', 'main')
    await client.manifestDigest('it/api', 'main')
    expect(asked).toBe(1)
    expect(registry.tokenRequests.map(r => [r.method, r.authorization])).toEqual([
      ['GET', `Basic ${Buffer.from('robot:pw').toString('base64')}`],
      ['GET', `Basic ${Buffer.from('robot:pw').toString('base64')}`]
    ])

    const open = await fakeRegistry({ '/v2/': { body: {} } })
    const anonymous = new RegistryClient(open.host, lookup)
    await anonymous.ping('it/web')
    await open.close()
    expect(asked).toBe(1)
  })
})
