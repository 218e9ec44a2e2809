import * as core from '@actions/core'
import type { BuildOptions, BuildSettings, ImageBuild } from '../build/build-settings.js'
import { ImageRef, parseImageRef, repositoryOf } from '../build/image-ref.js'
import type { RegistryCredentials } from '../build/registry.js'
import type { SignatureVerifier, SignSettings } from '../build/cosign.js'
import { validateTagTemplate } from '../build/tags.js'
import type { ImageSubstitution } from '../build/image-ref.js'
import { booleanInput, InputReader, keyValueLines, lines, listInput } from './input-forms.js'

function repositoryInput(text: string, what: string): ImageRef {
  let image: ImageRef
  try {
    image = parseImageRef(text)
  } catch (error) {
    throw new Error(`Invalid ${what}: ${(error as Error).message}`, { cause: error })
  }
  if (image.tag || image.digest) {
    throw new Error(
      `Invalid ${what.replace(/ input$/, '')} '${text}': give the repository only (e.g. ${repositoryOf(image)}); tags come from the tag input.`
    )
  }
  return image
}

/** An image to build, named for the built-images output by its repository's last path segment. */
function imageBuild(image: ImageRef, context: string, dockerfile?: string, target?: string): ImageBuild {
  return {
    name: image.path.split('/').pop()!,
    image,
    context,
    dockerfile: dockerfile || `${context.replace(/\/+$/, '')}/Dockerfile`,
    target: target || undefined
  }
}

/** One line of the build input: REPOSITORY=CONTEXT[,dockerfile=PATH][,target=STAGE]. */
export function parseBuildEntry(line: string, index: number): ImageBuild {
  const form =
    'Expected REPOSITORY=CONTEXT[,dockerfile=PATH][,target=STAGE], e.g. ghcr.io/acme/api=services/api,target=runtime.'
  const eq = line.indexOf('=')
  if (eq <= 0) throw new Error(`Invalid build entry ${index + 1} '${line}': no '='. ${form}`)
  const image = repositoryInput(line.slice(0, eq).trim(), `build entry ${index + 1}`)
  const [context, ...options] = line
    .slice(eq + 1)
    .split(',')
    .map(part => part.trim())
  if (!context) throw new Error(`Invalid build entry ${index + 1} '${line}': no build context. ${form}`)
  const given: Record<string, string> = {}
  for (const option of options) {
    const [key, value] = [option.slice(0, option.indexOf('=')), option.slice(option.indexOf('=') + 1)]
    if (!value || !['dockerfile', 'target'].includes(key)) {
      throw new Error(`Invalid build entry ${index + 1}: unknown option '${option}'. ${form}`)
    }
    given[key] = value
  }
  return imageBuild(image, context, given.dockerfile, given.target)
}

export function buildsInput(read: InputReader): ImageBuild[] {
  const imageText = read('image').trim()
  const context = read('context').trim() || '.'
  const builds: ImageBuild[] = []
  if (imageText)
    builds.push(
      imageBuild(repositoryInput(imageText, 'image input'), context, read('dockerfile').trim(), read('target').trim())
    )
  builds.push(...lines(read('build')).map(parseBuildEntry))
  for (const [i, build] of builds.entries()) {
    const twin = builds.findIndex(other => other.name === build.name)
    if (twin !== i) {
      throw new Error(
        `Two images to build end in the same name '${build.name}' (${repositoryOf(builds[twin].image)} and ${repositoryOf(build.image)}); the built-images output needs a distinct last path segment for each.`
      )
    }
  }
  return builds
}

export function imagesInput(read: InputReader): ImageSubstitution[] {
  return lines(read('images')).map(line => {
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`Invalid images entry '${line}'. Expected NAME=IMAGE, e.g. nginx=nginx:1.27.`)
    const name = line.slice(0, eq).trim()
    const target = line.slice(eq + 1).trim()
    try {
      parseImageRef(target)
      return { repository: parseImageRef(name), image: target }
    } catch (error) {
      throw new Error(`Invalid images entry '${line}': ${(error as Error).message}`, { cause: error })
    }
  })
}

function registryInput(read: InputReader): RegistryCredentials | undefined {
  const username = read('registry-username').trim()
  const password = read('registry-password')
  if (password) core.setSecret(password)
  if (Boolean(username) !== Boolean(password)) {
    throw new Error(
      'registry-username and registry-password go together: give both, or neither to use the existing docker login.'
    )
  }
  return username ? { username, password } : undefined
}

/** buildx's --provenance / --sbom: true, false, or its key=value list (mode=max, generator=IMAGE, version=v1). */
function attestationInput(read: InputReader, name: 'provenance' | 'sbom'): string | undefined {
  const value = read(name).trim()
  if (!value) return undefined
  if (/^(true|false)$/i.test(value)) return value.toLowerCase()
  if (/^[a-z][a-z-]*=[^,\s]+(,[a-z][a-z-]*=[^,\s]+)*$/.test(value)) return value
  throw new Error(
    `Invalid ${name} '${value}'. Expected true, false, or buildx's KEY=VALUE list (${name === 'provenance' ? 'mode=min, mode=max' : 'generator=IMAGE'}).`
  )
}

/** images-from: one repository@sha256:… per line (or comma-separated), each a repository of image or build. */
function imagesFromInput(read: InputReader, builds: ImageBuild[]): ImageRef[] {
  const formatRef = (image: ImageRef): string => `${repositoryOf(image)}@${image.digest}`
  const form = 'Expected one REPOSITORY@sha256:DIGEST per line, as the image-ref output of a push-by-digest build.'
  const images = listInput(read('images-from')).map((text, i) => {
    let image: ImageRef
    try {
      image = parseImageRef(text)
    } catch (error) {
      throw new Error(`Invalid images-from entry ${i + 1}: ${(error as Error).message} ${form}`, { cause: error })
    }
    if (!image.digest) throw new Error(`Invalid images-from entry ${i + 1} '${text}': no digest. ${form}`)
    if (!builds.some(build => repositoryOf(build.image) === repositoryOf(image)))
      throw new Error(
        `images-from entry ${i + 1} '${text}' is of ${repositoryOf(image)}, which is neither the image input nor a build entry: name it there, so the manifests get its index.`
      )
    return image
  })
  for (const build of images.length > 0 ? builds : [])
    if (!images.some(image => repositoryOf(image) === repositoryOf(build.image)))
      throw new Error(
        `images-from names no digest of ${repositoryOf(build.image)}: give each image's platform digests, or none.`
      )
  for (const [i, image] of images.entries()) {
    const first = images.findIndex(other => formatRef(other) === formatRef(image))
    if (first !== i)
      throw new Error(
        `images-from entry ${i + 1} repeats entry ${first + 1} (${formatRef(image)}): give each leg once.`
      )
  }
  return images
}

function buildInput(read: InputReader): BuildOptions {
  const secrets = keyValueLines(read, 'build-secrets', /^[A-Za-z0-9_.-]+$/, 'ID')
  for (const [, value] of secrets) if (value) core.setSecret(value)
  return {
    buildArgs: keyValueLines(read, 'build-args', /^[A-Za-z_][A-Za-z0-9_]*$/, 'NAME'),
    secrets,
    labels: keyValueLines(read, 'labels', /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'KEY'),
    cacheFrom: lines(read('cache-from')),
    cacheTo: lines(read('cache-to')),
    platforms: listInput(read('platforms')),
    provenance: attestationInput(read, 'provenance'),
    sbom: attestationInput(read, 'sbom')
  }
}

/** A PEM block's every line is masked too: the runner masks a secret line by line only when each is registered. */
function maskPem(text: string): void {
  core.setSecret(text)
  for (const line of text.split('\n'))
    if (line.trim().length >= 8 && !line.startsWith('-----')) core.setSecret(line.trim())
}

const pemLabel = (text: string): string | undefined => /^-----BEGIN ([A-Z ]+)-----/.exec(text.trim())?.[1]

function signInput(read: InputReader, env: NodeJS.ProcessEnv, transparencyLog: boolean): SignSettings | undefined {
  const key = read('cosign-key').trim()
  const password = read('cosign-password')
  if (key) maskPem(key)
  if (password) core.setSecret(password)
  const sign = read('sign').trim().toLowerCase()
  if (password && !key) throw new Error('cosign-password is only used with cosign-key.')
  if (sign === '' || sign === 'false') {
    if (key) throw new Error('cosign-key is only used with sign: cosign.')
    return undefined
  }
  if (sign !== 'cosign') throw new Error(`Invalid sign '${sign}'. Expected cosign, or empty for no signing.`)
  // The value is not quoted: it may be a key pasted into the wrong input.
  if (key && !pemLabel(key)?.endsWith('PRIVATE KEY'))
    throw new Error(
      'cosign-key is not a PEM private key (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----, as cosign generate-key-pair writes it).'
    )
  if (!key) {
    if (!transparencyLog)
      throw new Error(
        'Keyless signing (sign: cosign without cosign-key) records in the transparency log; transparency-log: false needs a cosign-key.'
      )
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL)
      throw new Error(
        "Keyless signing (sign: cosign without cosign-key) needs the job's OIDC token: give the job permissions: id-token: write, or set cosign-key."
      )
  }
  return { key: key || undefined, password, transparencyLog }
}

function verifyInput(read: InputReader, transparencyLog: boolean): SignatureVerifier | undefined {
  const text = read('verify-signature').trim()
  const identity = read('verify-certificate-identity').trim()
  const issuer = read('verify-certificate-oidc-issuer').trim()
  if (!text) {
    if (identity || issuer)
      throw new Error(
        'verify-certificate-identity and verify-certificate-oidc-issuer are only used with verify-signature: keyless.'
      )
    return undefined
  }
  if (text === 'keyless') {
    if (!transparencyLog)
      throw new Error(
        'verify-signature: keyless checks the transparency log; transparency-log: false needs a verify-signature key.'
      )
    if (!identity || !issuer)
      throw new Error(
        'verify-signature: keyless needs verify-certificate-identity (e.g. https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main) and verify-certificate-oidc-issuer (https://token.actions.githubusercontent.com).'
      )
    return { kind: 'keyless', identity, issuer }
  }
  if (pemLabel(text) !== 'PUBLIC KEY')
    throw new Error(
      "Invalid verify-signature: expected a PEM public key (-----BEGIN PUBLIC KEY-----, cosign generate-key-pair's cosign.pub) or keyless."
    )
  return { kind: 'key', publicKey: text, transparencyLog }
}

/** The build slice but its images (parsed first, as other inputs' checks need them) and the commit. */
export function buildSettingsInput(
  read: InputReader,
  builds: ImageBuild[],
  env: NodeJS.ProcessEnv = process.env
): Omit<BuildSettings, 'run'> {
  const tagTemplate = read('tag').trim() || '{sha}'
  validateTagTemplate(tagTemplate, 'tag')
  const extraTagTemplates = listInput(read('extra-tags'))
  for (const extra of extraTagTemplates) validateTagTemplate(extra, 'extra-tags')
  const latest = (read('latest').trim() || 'auto').toLowerCase()
  if (!['auto', 'true', 'false'].includes(latest))
    throw new Error(`Invalid latest '${latest}'. Expected auto, true or false.`)
  const registry = registryInput(read)
  const build = buildInput(read)
  const push = booleanInput(read, 'push', true)
  const pinDigest = booleanInput(read, 'pin-digest', false)
  if (pinDigest && !push)
    throw new Error('pin-digest needs push: an image that is not pushed has no registry digest to pin to.')
  const transparencyLog = booleanInput(read, 'transparency-log', true)
  const sign = signInput(read, env, transparencyLog)
  const verifySignature = verifyInput(read, transparencyLog)
  if (sign && !sign.key && verifySignature?.kind === 'key')
    throw new Error(
      'sign: cosign without cosign-key signs keyless, which a verify-signature key cannot verify: give cosign-key, or use verify-signature: keyless.'
    )
  if ((sign || verifySignature) && !push)
    throw new Error('sign and verify-signature need push: signatures are of the digest the registry holds.')
  const pushByDigest = booleanInput(read, 'push-by-digest', false)
  if (pushByDigest && !push)
    throw new Error(
      'push-by-digest needs push: true (a leg pushed by digest exists only in the registry); drop push: false or push-by-digest.'
    )
  const imagesFrom = imagesFromInput(read, builds)
  if (imagesFrom.length > 0 && (sign || verifySignature))
    throw new Error(
      'images-from with sign or verify-signature is not supported yet: the merged index is a new digest, which no leg signed.'
    )
  return {
    builds,
    build,
    tagTemplate,
    extraTagTemplates,
    latest: latest as BuildSettings['latest'],
    push,
    registry,
    skipExisting: booleanInput(read, 'skip-existing', true),
    pushByDigest,
    imagesFrom,
    pinDigest,
    sign,
    verifySignature
  }
}
