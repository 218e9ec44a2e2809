import * as core from '@actions/core'
import { parse as parseYaml } from 'yaml'
import { parseDuration } from './duration.js'
import { ImageRef, parseImageRef, repositoryOf } from './build/image-ref.js'
import { ImageSubstitution } from './manifests/patch.js'
import { readRunContext, RunContext } from './run-context.js'
import { validateTagTemplate } from './build/tags.js'

export type Mode = 'deploy' | 'build' | 'apply' | 'rollback' | 'history'

/** One image to build: from the image/context/dockerfile/target inputs, or a line of the build input. */
export interface ImageBuild {
  /** Its key in the built-images output: the repository's last path segment. */
  name: string
  /** Repository without tag. */
  image: ImageRef
  context: string
  dockerfile: string
  target?: string
}

/** Options shared by every image built in one run. */
export interface BuildSettings {
  buildArgs: Array<[string, string]>
  /** id → value; values are masked and reach docker only as files. */
  secrets: Array<[string, string]>
  labels: Array<[string, string]>
  cacheFrom: string[]
  cacheTo: string[]
  platforms: string[]
}

export interface RegistryCredentials {
  username: string
  password: string
}

export interface KubeSettings {
  /** Kubeconfig text from the `kubeconfig` input (decoded when base64); otherwise KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string
  context?: string
}

export interface HelmSettings {
  chart: string
  release: string
  values: string[]
}

export interface Settings {
  mode: Mode
  /** Images to build and push (or, in modes apply and rollback to a SHA, to find in the registry), in order. */
  builds: ImageBuild[]
  build: BuildSettings
  tagTemplate: string
  extraTagTemplates: string[]
  latest: 'auto' | 'true' | 'false'
  push: boolean
  registry?: RegistryCredentials
  skipExisting: boolean
  /** Files, directories (a kustomization is rendered) and globs, in the order given. */
  manifests: string[]
  /** A chart rendered with helm template, after the manifests. */
  helm?: HelmSettings
  /** Substitutions from the `images` input, for images not built here. */
  images: ImageSubstitution[]
  namespace?: string
  createNamespace: boolean
  kube: KubeSettings
  fieldManager: string
  forceConflicts: boolean
  dryRun: boolean
  wait: boolean
  timeoutMs: number
  waitForJobs: boolean
  /** Restore every workload this run changed when its rollout fails. */
  rollbackOnFailure: boolean
  /** Delete the objects this run created when rolling back. */
  rollbackDeleteNew: boolean
  /** mode rollback: one revision back, a revision number, or a commit SHA to redeploy. */
  rollbackTo?: { kind: 'previous' } | { kind: 'revision'; revision: number } | { kind: 'sha'; sha: string }
  lock?: { name: string; timeoutMs: number }
  /** GitHub deployment environment; deployments are recorded only when set. */
  environment?: string
  environmentUrl?: string
  githubToken?: string
  run: RunContext
}

type InputReader = (name: string) => string

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))
}

function listInput(text: string): string[] {
  return lines(text).flatMap(line => line.split(',').map(part => part.trim())).filter(Boolean)
}

function booleanInput(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name).trim()
  if (value === '') return fallback
  if (/^(true|yes|on)$/i.test(value)) return true
  if (/^(false|no|off)$/i.test(value)) return false
  throw new Error(`Invalid ${name} '${value}'. Expected true or false.`)
}

function keyValueLines(read: InputReader, name: string, keyPattern: RegExp, keyForm: string): Array<[string, string]> {
  return lines(read(name)).map((line, i) => {
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq).trim() : ''
    // Quote the key at most, never the line: its value may be a secret.
    if (eq <= 0) throw new Error(`Invalid ${name} entry ${i + 1}: no '='. Expected one ${keyForm}=VALUE per line.`)
    if (!keyPattern.test(key)) throw new Error(`Invalid ${name} entry ${i + 1}: '${key}' is not a valid ${keyForm}. Expected one ${keyForm}=VALUE per line.`)
    return [key, line.slice(eq + 1)] as [string, string]
  })
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

function repositoryInput(text: string, what: string): ImageRef {
  let image: ImageRef
  try {
    image = parseImageRef(text)
  } catch (error) {
    throw new Error(`Invalid ${what}: ${(error as Error).message}`, { cause: error })
  }
  if (image.tag || image.digest) {
    throw new Error(`Invalid ${what.replace(/ input$/, '')} '${text}': give the repository only (e.g. ${repositoryOf(image)}); tags come from the tag input.`)
  }
  return image
}

/** An image to build, named for the built-images output by its repository's last path segment. */
function imageBuild(image: ImageRef, context: string, dockerfile?: string, target?: string): ImageBuild {
  return { name: image.path.split('/').pop()!, image, context, dockerfile: dockerfile || `${context.replace(/\/+$/, '')}/Dockerfile`, target: target || undefined }
}

/** One line of the build input: REPOSITORY=CONTEXT[,dockerfile=PATH][,target=STAGE]. */
export function parseBuildEntry(line: string, index: number): ImageBuild {
  const form = 'Expected REPOSITORY=CONTEXT[,dockerfile=PATH][,target=STAGE], e.g. ghcr.io/acme/api=services/api,target=runtime.'
  const eq = line.indexOf('=')
  if (eq <= 0) throw new Error(`Invalid build entry ${index + 1} '${line}': no '='. ${form}`)
  const image = repositoryInput(line.slice(0, eq).trim(), `build entry ${index + 1}`)
  const [context, ...options] = line.slice(eq + 1).split(',').map(part => part.trim())
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

/** Kubeconfig input: raw YAML, or the same base64-encoded (as stored in most secrets). */
export function decodeKubeconfig(text: string): string {
  const trimmed = text.trim()
  if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed) && !trimmed.includes(':')) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8')
    if (/\b(clusters|apiVersion)"?\s*:/.test(decoded)) return decoded
  }
  if (!/\b(clusters|apiVersion)"?\s*:/.test(trimmed)) {
    throw new Error("Invalid kubeconfig input: it is neither kubeconfig YAML nor base64 of it (expected 'apiVersion', 'clusters', 'users' and 'contexts').")
  }
  return trimmed
}

/** Every credential in a kubeconfig, so each can be masked on its own line of the log. */
export function kubeconfigSecrets(text: string): string[] {
  let config: { users?: Array<{ user?: Record<string, unknown> }> }
  try {
    config = parseYaml(text) as typeof config
  } catch {
    return []
  }
  const secrets: string[] = []
  for (const entry of config?.users ?? []) {
    for (const key of ['token', 'password', 'client-key-data', 'client-certificate-data']) {
      const value = entry.user?.[key]
      if (typeof value === 'string' && value.length > 0) secrets.push(value)
    }
    // An exec plugin's environment often carries keys (AWS_SECRET_ACCESS_KEY). Short values are flags, not
    // secrets, and masking "1" would blank every digit 1 in the log.
    const exec = entry.user?.exec as { env?: Array<{ value?: unknown }> } | undefined
    for (const variable of exec?.env ?? []) {
      if (typeof variable?.value === 'string' && variable.value.length >= 8) secrets.push(variable.value)
    }
  }
  return secrets
}

function helmInputs(read: InputReader): HelmSettings | undefined {
  const chart = read('helm-chart').trim()
  const values = lines(read('helm-values'))
  const release = read('helm-release').trim()
  if (!chart) {
    if (values.length > 0 || release) throw new Error('helm-values and helm-release need helm-chart (the chart to render).')
    return undefined
  }
  // The release defaults to the chart's name: its directory, or its archive without version (web-1.2.3.tgz).
  const fallback = chart.replace(/\/+$/, '').split('/').pop()!.replace(/-\d+\.\d+\.\d+.*\.tgz$|\.tgz$/, '')
  const name = release || fallback
  if (!dnsLabel.test(name) || name.length > 53) {
    throw new Error(`Invalid helm-release '${name}'${release ? '' : ` (taken from helm-chart; set helm-release)`}. Expected lowercase letters, digits and '-', at most 53 characters.`)
  }
  return { chart, release: name, values }
}

/** Turns the action's raw string inputs into one validated Settings value; throws on the first bad input. */
export function parseSettings(read: InputReader, env: NodeJS.ProcessEnv): Settings {
  const modeText = read('mode').trim() || 'deploy'
  if (!['deploy', 'build', 'apply', 'rollback', 'history'].includes(modeText)) {
    throw new Error(`Invalid mode '${modeText}'. Expected deploy, build, apply, rollback or history.`)
  }
  const mode = modeText as Mode

  const run = readRunContext(env)
  const shaInput = read('sha').trim()
  if (shaInput) run.sha = shaInput
  if (!/^[0-9a-f]{40}$/.test(run.sha)) {
    throw new Error(
      run.sha
        ? `Invalid commit SHA '${run.sha}'. Expected 40 lowercase hexadecimal characters (the sha input or GITHUB_SHA).`
        : 'No commit SHA: GITHUB_SHA is not set and the sha input is empty. Run inside GitHub Actions (or act), or pass sha.'
    )
  }

  const imageText = read('image').trim()
  const context = read('context').trim() || '.'
  const builds: ImageBuild[] = []
  if (imageText) builds.push(imageBuild(repositoryInput(imageText, 'image input'), context, read('dockerfile').trim(), read('target').trim()))
  builds.push(...lines(read('build')).map(parseBuildEntry))
  for (const [i, build] of builds.entries()) {
    const twin = builds.findIndex(other => other.name === build.name)
    if (twin !== i) {
      throw new Error(`Two images to build end in the same name '${build.name}' (${repositoryOf(builds[twin].image)} and ${repositoryOf(build.image)}); the built-images output needs a distinct last path segment for each.`)
    }
  }

  const images: ImageSubstitution[] = lines(read('images')).map(line => {
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

  if ((mode === 'deploy' || mode === 'build') && builds.length === 0) {
    throw new Error(`Mode ${mode} needs an image to build: the image input (e.g. ghcr.io/acme/api), or build entries (REPOSITORY=CONTEXT, one per line).`)
  }
  const manifests = lines(read('manifests'))
  const helm = helmInputs(read)
  if (mode !== 'build' && manifests.length === 0 && !helm) {
    throw new Error(`The manifests input is required in mode ${mode} (files, directories, kustomizations or globs, one per line), unless helm-chart is given.`)
  }
  const rollbackText = read('rollback-to').trim()
  let rollbackTo: Settings['rollbackTo']
  if (mode === 'rollback') {
    if (!rollbackText || rollbackText === 'previous') rollbackTo = { kind: 'previous' }
    else if (/^\d+$/.test(rollbackText) && Number(rollbackText) > 0) rollbackTo = { kind: 'revision', revision: Number(rollbackText) }
    else if (/^[0-9a-f]{40}$/.test(rollbackText)) rollbackTo = { kind: 'sha', sha: rollbackText }
    else {
      throw new Error(`Invalid rollback-to '${rollbackText}'. Expected previous, a revision number (e.g. 3) or a full 40-character commit SHA.`)
    }
    if (rollbackTo.kind === 'sha' && builds.length === 0) {
      throw new Error('rollback-to a commit SHA needs the image input or build entries (the repositories whose tags to redeploy).')
    }
  } else if (rollbackText) {
    throw new Error(`rollback-to is only used in mode rollback (mode is ${mode}).`)
  }
  if (mode === 'apply' && builds.length === 0 && images.length === 0) {
    throw new Error('Mode apply needs image or build entries (to deploy the tags for this commit) or images (NAME=IMAGE substitutions).')
  }

  const tagTemplate = read('tag').trim() || '{sha}'
  validateTagTemplate(tagTemplate, 'tag')
  const extraTagTemplates = listInput(read('extra-tags'))
  for (const extra of extraTagTemplates) validateTagTemplate(extra, 'extra-tags')
  const latest = (read('latest').trim() || 'auto').toLowerCase()
  if (!['auto', 'true', 'false'].includes(latest)) throw new Error(`Invalid latest '${latest}'. Expected auto, true or false.`)

  const username = read('registry-username').trim()
  const password = read('registry-password')
  if (password) core.setSecret(password)
  if (Boolean(username) !== Boolean(password)) {
    throw new Error('registry-username and registry-password go together: give both, or neither to use the existing docker login.')
  }

  const secrets = keyValueLines(read, 'build-secrets', /^[A-Za-z0-9_.-]+$/, 'ID')
  for (const [, value] of secrets) if (value) core.setSecret(value)
  const build: BuildSettings = {
    buildArgs: keyValueLines(read, 'build-args', /^[A-Za-z_][A-Za-z0-9_]*$/, 'NAME'),
    secrets,
    labels: keyValueLines(read, 'labels', /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'KEY'),
    cacheFrom: lines(read('cache-from')),
    cacheTo: lines(read('cache-to')),
    platforms: listInput(read('platforms'))
  }

  const namespace = read('namespace').trim() || undefined
  if (namespace && (!dnsLabel.test(namespace) || namespace.length > 63)) {
    throw new Error(`Invalid namespace '${namespace}'. Expected a DNS label: lowercase letters, digits and '-', at most 63 characters.`)
  }

  const kubeconfigText = read('kubeconfig')
  let kubeconfig: string | undefined
  if (kubeconfigText.trim()) {
    core.setSecret(kubeconfigText.trim())
    kubeconfig = decodeKubeconfig(kubeconfigText)
    for (const secret of kubeconfigSecrets(kubeconfig)) core.setSecret(secret)
  }

  const lockName = read('lock-name').trim() || 'deploy'
  if (!dnsLabel.test(lockName) || lockName.length > 40) {
    throw new Error(`Invalid lock-name '${lockName}'. Expected lowercase letters, digits and '-', at most 40 characters.`)
  }
  const lock = booleanInput(read, 'lock', true) ? { name: lockName, timeoutMs: parseDuration(read('lock-timeout').trim() || '5m', 'lock-timeout') } : undefined

  const githubToken = read('github-token').trim() || undefined
  if (githubToken) core.setSecret(githubToken)
  const environmentUrl = read('environment-url').trim() || undefined
  if (environmentUrl && !/^https?:\/\/\S+$/.test(environmentUrl)) {
    throw new Error(`Invalid environment-url '${environmentUrl}'. Expected an http(s) URL.`)
  }

  const fieldManager = read('field-manager').trim() || 'build-and-deploy'
  if (!/^[\x21-\x7e]{1,128}$/.test(fieldManager)) {
    throw new Error(`Invalid field-manager '${fieldManager}'. Expected 1 to 128 printable characters without spaces.`)
  }

  return {
    mode,
    builds,
    build,
    tagTemplate,
    extraTagTemplates,
    latest: latest as Settings['latest'],
    push: booleanInput(read, 'push', true),
    registry: username ? { username, password } : undefined,
    skipExisting: booleanInput(read, 'skip-existing', true),
    manifests,
    helm,
    images,
    namespace,
    createNamespace: booleanInput(read, 'create-namespace', false),
    kube: { kubeconfig, context: read('kube-context').trim() || undefined },
    fieldManager,
    forceConflicts: booleanInput(read, 'force-conflicts', false),
    dryRun: booleanInput(read, 'dry-run', false),
    wait: booleanInput(read, 'wait', true),
    timeoutMs: parseDuration(read('timeout').trim() || '5m', 'timeout'),
    waitForJobs: booleanInput(read, 'wait-for-jobs', false),
    rollbackOnFailure: booleanInput(read, 'rollback-on-failure', true),
    rollbackDeleteNew: booleanInput(read, 'rollback-delete-new', false),
    rollbackTo,
    lock,
    environment: read('environment').trim() || undefined,
    environmentUrl,
    githubToken,
    run
  }
}

export function readSettings(): Settings {
  return parseSettings(name => core.getInput(name), process.env)
}
