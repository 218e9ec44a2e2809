/** A parsed container image reference: [domain/]path[:tag][@digest]. */
export interface ImageRef {
  /** Registry host (with port), or undefined when the reference names none (Docker Hub). */
  domain?: string
  /** Repository path inside the registry, as written. */
  path: string
  tag?: string
  digest?: string
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const tagPattern = /^[\w][\w.-]{0,127}$/
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/
const domainPattern =
  /^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d+)?$/

/**
 * Parses an image reference the way the Docker distribution library does: the first component is a registry
 * host only when it contains '.' or ':' or is 'localhost' (so `localhost:5000/app:1` is repository
 * `localhost:5000/app` with tag `1`, and `acme/api` is a Docker Hub path).
 */
export function parseImageRef(text: string): ImageRef {
  const invalid = (why: string): never => {
    throw new Error(`Invalid image reference '${text}': ${why}.`)
  }
  if (text.length === 0) invalid('it is empty')
  if (/\s/.test(text)) invalid('it contains white space')
  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!digestPattern.test(digest)) invalid(`'${digest}' is not a digest such as sha256:<64 hex digits>`)
  }
  let domain: string | undefined
  const slash = rest.indexOf('/')
  if (slash >= 0) {
    const first = rest.slice(0, slash)
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first
      rest = rest.slice(slash + 1)
      if (!domainPattern.test(domain)) invalid(`'${domain}' is not a registry host[:port]`)
    }
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon >= 0) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!tagPattern.test(tag)) invalid(`'${tag}' is not a tag (letters, digits, '_', '.', '-'; at most 128)`)
  }
  if (rest.length === 0) invalid('the repository path is empty')
  for (const component of rest.split('/')) {
    if (!pathComponent.test(component)) {
      invalid(`path component '${component}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'`)
    }
  }
  if ((domain ?? '').length + 1 + rest.length > 255) invalid('the repository name is longer than 255 characters')
  return { domain, path: rest, tag, digest }
}

/** The repository as written, without tag or digest: `localhost:5000/app`, `nginx`. */
export function repositoryOf(ref: ImageRef): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path
}

/** The fully qualified repository, so `nginx`, `docker.io/nginx` and `index.docker.io/library/nginx` compare equal. */
export function canonicalRepository(ref: ImageRef): string {
  let domain = ref.domain ?? 'docker.io'
  if (domain === 'index.docker.io' || domain === 'registry-1.docker.io') domain = 'docker.io'
  const path = domain === 'docker.io' && !ref.path.includes('/') ? `library/${ref.path}` : ref.path
  return `${domain}/${path}`
}

export function sameRepository(a: ImageRef, b: ImageRef): boolean {
  return canonicalRepository(a) === canonicalRepository(b)
}

export function formatImageRef(ref: ImageRef): string {
  return repositoryOf(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '')
}

/** The registry host the Docker client would talk to for this repository. */
export function registryHost(ref: ImageRef): string {
  const domain = ref.domain ?? 'docker.io'
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain
}

export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag)
}

/** Replace the image of every container whose repository equals `repository` with `image`. */
export interface ImageSubstitution {
  repository: ImageRef
  image: string
}
