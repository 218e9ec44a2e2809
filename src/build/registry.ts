import { createHash } from 'node:crypto'
import { attestationEntries, FoundAttestation, IndexEntry, platformName } from './attestations.js'

export interface RegistryCredentials {
  username: string
  password: string
  /** An OAuth2 refresh token (a helper's `<token>` user, an auths identitytoken), exchanged at the token realm. */
  identityToken?: string
  /** Where they came from, when not from registry-username and registry-password: for the error that rejects them. */
  source?: string
}

/** What a lookup found: credentials, or why there are none (for the error of a registry that wants some). */
export type FoundCredentials =
  { credentials: RegistryCredentials; none?: undefined } | { none: string; credentials?: undefined }

/** Asked once, on the registry's first challenge: a credential helper runs only for a registry that wants one. */
export type CredentialsLookup = () => Promise<FoundCredentials>

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

const basicAuthorization = ({ username, password }: RegistryCredentials): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

/** Docker treats loopback registries as plain HTTP; so do we. */
export function registryBaseUrl(host: string): string {
  const name = host.replace(/:\d+$/, '')
  const loopback = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]'
  return `${loopback ? 'http' : 'https'}://${host}`
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme, ...rest] = header.split(' ')
  const params: Record<string, string> = {}
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2]
  return { scheme: scheme.toLowerCase(), params }
}

/** How long one registry request (answer and body) may take (issue 19): a registry that hangs must not hang the run. */
export const registryRequestTimeoutMs = 30_000

/**
 * The manifest of an index to read labels from: linux/amd64 when listed, else the first real image. buildx lists
 * its attestations as platform unknown/unknown; they have no image config.
 */
export function pickPlatformManifest(manifests: IndexEntry[]): IndexEntry | undefined {
  const images = manifests.filter(entry => entry.platform?.os !== 'unknown')
  return images.find(entry => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64') ?? images[0]
}

const indexTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
]

type Manifest = {
  mediaType?: string
  manifests?: IndexEntry[]
  config?: { digest: string }
  layers?: Array<{ annotations?: Record<string, string> }>
}

/** Whether a manifest the registry answered is an index (or manifest list) rather than one image's manifest. */
const isIndex = (manifest: { type: string; json: Manifest }): boolean =>
  indexTypes.includes(manifest.json.mediaType ?? manifest.type) || manifest.json.manifests !== undefined

/** Statuses whose Response may carry no body (the fetch spec). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

/** The registry's HTTP API (distribution v2): the one place that asks a registry what it holds. */
export class RegistryClient {
  private authorization?: string
  private found?: Promise<FoundCredentials>

  constructor(
    readonly host: string,
    private readonly givenCredentials?: RegistryCredentials | CredentialsLookup,
    private readonly timeoutMs = registryRequestTimeoutMs
  ) {}

  private credentialsForChallenge(): Promise<FoundCredentials> {
    const given = this.givenCredentials
    this.found ??=
      typeof given === 'function' ? given() : Promise.resolve(given ? { credentials: given } : { none: '' })
    return this.found
  }

  /**
   * One request with a deadline covering the body too (it is read here, so a registry that stalls mid-body
   * times out as well). Errors name the method and path, never the headers: they carry the credentials.
   */
  private async request(url: string | URL, init: RequestInit): Promise<Response> {
    const { pathname } = new URL(url)
    const what = `${init.method ?? 'GET'} ${pathname}`
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) })
      const body = await response.arrayBuffer()
      return new Response(nullBodyStatuses.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers
      })
    } catch (error) {
      const name = (error as Error).name
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new Error(`Registry ${this.host} did not answer ${what} within ${this.timeoutMs / 1000} s.`, {
          cause: error
        })
      }
      const detail = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message
      throw new Error(`Cannot reach registry ${this.host} (${what}): ${detail}`, { cause: error })
    }
  }

  private async fetchWithAuth(url: string, init: RequestInit, scope: string): Promise<Response> {
    const attempt = (): Promise<Response> =>
      this.request(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          ...(this.authorization ? { Authorization: this.authorization } : {})
        }
      })
    let response = await attempt()
    if (response.status !== 401) return response
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '')
    const found = await this.credentialsForChallenge()
    const { credentials, none } = found
    if (challenge.scheme === 'basic') {
      if (!credentials)
        throw new Error(
          `Registry ${this.host} requires credentials${none ? ` (${none})` : ''}: set registry-username and registry-password.`
        )
      if (credentials.identityToken)
        throw new Error(
          `Registry ${this.host} asks for a user and password, but ${credentials.source ?? 'the credentials'} gave an identity token: set registry-username and registry-password.`
        )
      this.authorization = basicAuthorization(credentials)
    } else if (challenge.scheme === 'bearer' && challenge.params.realm) {
      this.authorization = `Bearer ${await this.token(challenge.params, scope, found)}`
    } else {
      throw this.rejected(401, credentials, none)
    }
    response = await attempt()
    if (response.status === 401 || response.status === 403) throw this.rejected(response.status, credentials, none)
    return response
  }

  /**
   * A token from the challenge's realm: with an identity token by the OAuth2 refresh-token grant (as the docker
   * CLI does for ACR), else by GET with the user and password, if any.
   */
  private async token(
    challenge: Record<string, string>,
    scope: string,
    { credentials, none }: FoundCredentials
  ): Promise<string> {
    const tokenUrl = new URL(challenge.realm)
    let tokenResponse: Response
    if (credentials?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credentials.identityToken,
        service: challenge.service ?? '',
        scope,
        client_id: 'build-and-deploy'
      })
      tokenResponse = await this.request(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString()
      })
    } else {
      if (challenge.service) tokenUrl.searchParams.set('service', challenge.service)
      tokenUrl.searchParams.set('scope', scope)
      const headers: Record<string, string> = credentials ? { Authorization: basicAuthorization(credentials) } : {}
      tokenResponse = await this.request(tokenUrl, { headers })
    }
    if (!tokenResponse.ok) throw this.rejected(tokenResponse.status, credentials, none)
    // Parsed here, not by response.json(): a SyntaxError quotes the text, which may be part of a token.
    const text = await tokenResponse.text()
    let token: { token?: unknown; access_token?: unknown } | undefined
    try {
      token = JSON.parse(text) as typeof token
    } catch {
      token = undefined
    }
    const value = token?.token ?? token?.access_token
    if (typeof value !== 'string' || !value)
      throw new Error(
        `Registry ${this.host}: its token service (${tokenUrl.origin}) answered without a token (${text.length} bytes).`
      )
    return value
  }

  private rejected(status: number, credentials: RegistryCredentials | undefined, none?: string): Error {
    if (!credentials)
      return new Error(
        `Registry ${this.host} refused anonymous access (HTTP ${status}${none ? `; ${none}` : ''}): set registry-username and registry-password.`
      )
    const who = credentials.identityToken ? 'the identity token' : `the credentials of '${credentials.username}'`
    return new Error(
      credentials.source
        ? `Registry ${this.host} rejected ${who} from ${credentials.source} (HTTP ${status}): log in again, or set registry-username and registry-password.`
        : `Registry ${this.host} rejected ${who} (HTTP ${status}): check registry-username and registry-password.`
    )
  }

  /** The digest of repository:tag, or undefined when the tag does not exist. */
  async manifestDigest(repositoryPath: string, tag: string): Promise<string | undefined> {
    const url = `${registryBaseUrl(this.host)}/v2/${repositoryPath}/manifests/${encodeURIComponent(tag)}`
    const response = await this.fetchWithAuth(
      url,
      { method: 'HEAD', headers: { Accept: manifestTypes } },
      `repository:${repositoryPath}:pull`
    )
    if (response.status === 404) return undefined
    if (!response.ok)
      throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}:${tag}.`)
    const digest = response.headers.get('docker-content-digest')
    if (digest) return digest
    const full = await this.fetchWithAuth(
      url,
      { method: 'GET', headers: { Accept: manifestTypes } },
      `repository:${repositoryPath}:pull`
    )
    return `sha256:${createHash('sha256')
      .update(Buffer.from(await full.arrayBuffer()))
      .digest('hex')}`
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
        const response = await this.fetchWithAuth(
          `${base}/${digest}`,
          { method: 'GET', headers: { Accept: manifestTypes } },
          scope
        )
        if (!response.ok)
          throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}@${digest}.`)
        manifest = {
          type: response.headers.get('content-type') ?? 'application/vnd.oci.image.manifest.v1+json',
          body: await response.arrayBuffer()
        }
      }
      const put = await this.fetchWithAuth(
        `${base}/${encodeURIComponent(tag)}`,
        { method: 'PUT', headers: { 'Content-Type': manifest.type }, body: manifest.body },
        scope
      )
      if (!put.ok)
        throw new Error(
          `Registry ${this.host} refused to tag ${repositoryPath}:${tag} (HTTP ${put.status}): may this user push to it?`
        )
      moved.push(tag)
    }
    return moved
  }

  /** A manifest (or blob) of repositoryPath as JSON, with the media type the registry gave it. */
  private async getJson<T>(repositoryPath: string, kind: 'manifests' | 'blobs', digest: string) {
    const url = `${registryBaseUrl(this.host)}/v2/${repositoryPath}/${kind}/${digest}`
    const response = await this.fetchWithAuth(
      url,
      { method: 'GET', headers: { Accept: manifestTypes } },
      `repository:${repositoryPath}:pull`
    )
    if (!response.ok)
      throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}@${digest}.`)
    const type = (response.headers.get('content-type') ?? '').split(';')[0].trim()
    try {
      return { type, json: (await response.json()) as T }
    } catch (error) {
      throw new Error(`Registry ${this.host}: ${repositoryPath}@${digest} is not JSON.`, { cause: error })
    }
  }

  /** The entries of the index `digest` names, or undefined when it names a single image's manifest. */
  private async indexEntries(repositoryPath: string, digest: string): Promise<IndexEntry[] | undefined> {
    const manifest = await this.getJson<Manifest>(repositoryPath, 'manifests', digest)
    return isIndex(manifest) ? (manifest.json.manifests ?? []) : undefined
  }

  /**
   * The labels of the image `digest` names (its config blob's config.Labels): for an index or manifest list, of
   * its linux/amd64 image or else the first.
   */
  async imageLabels(repositoryPath: string, digest: string): Promise<Record<string, string>> {
    let manifest = await this.getJson<Manifest>(repositoryPath, 'manifests', digest)
    if (isIndex(manifest)) {
      const entry = pickPlatformManifest(manifest.json.manifests ?? [])
      if (!entry) throw new Error(`Registry ${this.host}: the index ${repositoryPath}@${digest} lists no image.`)
      manifest = await this.getJson<Manifest>(repositoryPath, 'manifests', entry.digest)
    }
    const config = manifest.json.config?.digest
    if (!config)
      throw new Error(`Registry ${this.host}: the manifest of ${repositoryPath}@${digest} names no config blob.`)
    const blob = await this.getJson<{ config?: { Labels?: Record<string, string> | null } }>(
      repositoryPath,
      'blobs',
      config
    )
    return blob.json.config?.Labels ?? {}
  }

  /**
   * The platforms of the images an index lists and the attestations it carries for them (buildx's provenance and
   * SBOM); undefined when `digest` names a single image's manifest.
   */
  async indexContents(
    repositoryPath: string,
    digest: string
  ): Promise<{ platforms: string[]; attestations: FoundAttestation[] } | undefined> {
    const entries = await this.indexEntries(repositoryPath, digest)
    if (!entries) return undefined
    const attestations = attestationEntries(entries)
    const platforms = entries
      .filter(entry => entry.platform?.os !== 'unknown' && !attestations.some(a => a.digest === entry.digest))
      .map(entry => platformName(entry.platform))
    return {
      platforms,
      attestations: await Promise.all(
        attestations.map(async ({ digest: manifestDigest, subject }) => {
          const manifest = await this.getJson<Manifest>(repositoryPath, 'manifests', manifestDigest)
          const predicateTypes = (manifest.json.layers ?? [])
            .map(layer => layer.annotations?.['in-toto.io/predicate-type'])
            .filter((type): type is string => Boolean(type))
          return { subject, predicateTypes }
        })
      )
    }
  }

  /** Checks that the registry answers and accepts the credentials, before anything is built. */
  async ping(repositoryPath: string): Promise<void> {
    const response = await this.fetchWithAuth(
      `${registryBaseUrl(this.host)}/v2/`,
      { method: 'GET' },
      `repository:${repositoryPath}:pull,push`
    )
    if (!response.ok) throw new Error(`Registry ${this.host} answered HTTP ${response.status} on /v2/.`)
  }
}
