import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { RegistryCredentials } from '../inputs.js'

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

/** Docker treats loopback registries as plain HTTP; so do we. */
export function registryBaseUrl(host: string): string {
  const name = host.replace(/:\d+$/, '')
  const loopback = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]'
  return `${loopback ? 'http' : 'https'}://${host}`
}

/** Credentials docker login stored for a host (plain `auths` entries; credential helpers are not read). */
export function dockerConfigCredentials(host: string, env: NodeJS.ProcessEnv = process.env): RegistryCredentials | undefined {
  const dir = env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')
  try {
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { auths?: Record<string, { auth?: string }> }
    const auth = config.auths?.[host]?.auth ?? config.auths?.[`https://${host}`]?.auth
    if (!auth) return undefined
    const decoded = Buffer.from(auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon > 0 ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : undefined
  } catch {
    return undefined
  }
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme, ...rest] = header.split(' ')
  const params: Record<string, string> = {}
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2]
  return { scheme: scheme.toLowerCase(), params }
}

/** The registry's HTTP API (distribution v2): the one place that asks a registry what it holds. */
export class RegistryClient {
  private authorization?: string

  constructor(
    readonly host: string,
    private readonly credentials?: RegistryCredentials
  ) {}

  private async fetchWithAuth(url: string, init: RequestInit, scope: string): Promise<Response> {
    const attempt = (): Promise<Response> =>
      fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(this.authorization ? { Authorization: this.authorization } : {}) } })
    let response: Response
    try {
      response = await attempt()
    } catch (error) {
      throw new Error(`Cannot reach registry ${this.host}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, { cause: error })
    }
    if (response.status !== 401) return response
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '')
    const basic = this.credentials ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}` : undefined
    if (challenge.scheme === 'basic') {
      if (!basic) throw new Error(`Registry ${this.host} requires credentials: set registry-username and registry-password.`)
      this.authorization = basic
    } else if (challenge.scheme === 'bearer' && challenge.params.realm) {
      const tokenUrl = new URL(challenge.params.realm)
      if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service)
      tokenUrl.searchParams.set('scope', scope)
      const tokenResponse = await fetch(tokenUrl, { headers: basic ? { Authorization: basic } : {} })
      if (!tokenResponse.ok) throw this.rejected(tokenResponse.status)
      const token = (await tokenResponse.json()) as { token?: string; access_token?: string }
      this.authorization = `Bearer ${token.token ?? token.access_token}`
    } else {
      throw this.rejected(401)
    }
    response = await attempt()
    if (response.status === 401 || response.status === 403) throw this.rejected(response.status)
    return response
  }

  private rejected(status: number): Error {
    return new Error(
      this.credentials
        ? `Registry ${this.host} rejected the credentials of '${this.credentials.username}' (HTTP ${status}): check registry-username and registry-password.`
        : `Registry ${this.host} refused anonymous access (HTTP ${status}): set registry-username and registry-password.`
    )
  }

  /** The digest of repository:tag, or undefined when the tag does not exist. */
  async manifestDigest(repositoryPath: string, tag: string): Promise<string | undefined> {
    const url = `${registryBaseUrl(this.host)}/v2/${repositoryPath}/manifests/${encodeURIComponent(tag)}`
    const response = await this.fetchWithAuth(url, { method: 'HEAD', headers: { Accept: manifestTypes } }, `repository:${repositoryPath}:pull`)
    if (response.status === 404) return undefined
    if (!response.ok) throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}:${tag}.`)
    const digest = response.headers.get('docker-content-digest')
    if (digest) return digest
    const full = await this.fetchWithAuth(url, { method: 'GET', headers: { Accept: manifestTypes } }, `repository:${repositoryPath}:pull`)
    return `sha256:${createHash('sha256').update(Buffer.from(await full.arrayBuffer())).digest('hex')}`
  }

  /**
   * Points each of `tags` at the manifest `digest` names, with one manifest PUT per tag that does not already:
   * the registry holds every blob, so nothing is pulled, rebuilt or uploaded. Returns the tags it moved.
   */
  async tagManifest(repositoryPath: string, digest: string, tags: string[]): Promise<string[]> {
    const base = `${registryBaseUrl(this.host)}/v2/${repositoryPath}/manifests`
    const scope = `repository:${repositoryPath}:pull,push`
    const moved: string[] = []
    let manifest: { type: string; body: ArrayBuffer } | undefined
    for (const tag of tags) {
      if ((await this.manifestDigest(repositoryPath, tag)) === digest) continue
      if (!manifest) {
        const response = await this.fetchWithAuth(`${base}/${digest}`, { method: 'GET', headers: { Accept: manifestTypes } }, scope)
        if (!response.ok) throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}@${digest}.`)
        manifest = { type: response.headers.get('content-type') ?? 'application/vnd.oci.image.manifest.v1+json', body: await response.arrayBuffer() }
      }
      const put = await this.fetchWithAuth(`${base}/${encodeURIComponent(tag)}`, { method: 'PUT', headers: { 'Content-Type': manifest.type }, body: manifest.body }, scope)
      if (!put.ok) throw new Error(`Registry ${this.host} refused to tag ${repositoryPath}:${tag} (HTTP ${put.status}): may this user push to it?`)
      moved.push(tag)
    }
    return moved
  }

  /** Checks that the registry answers and accepts the credentials, before anything is built. */
  async ping(repositoryPath: string): Promise<void> {
    const response = await this.fetchWithAuth(`${registryBaseUrl(this.host)}/v2/`, { method: 'GET' }, `repository:${repositoryPath}:pull,push`)
    if (!response.ok) throw new Error(`Registry ${this.host} answered HTTP ${response.status} on /v2/.`)
  }
}
