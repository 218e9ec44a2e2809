import * as core from '@actions/core'
import { parse as parseYaml } from 'yaml'
import { parseDuration } from './duration.js'
import { parseSize } from './size.js'
import { ImageRef, parseImageRef, repositoryOf } from './build/image-ref.js'
import { ImageSubstitution } from './manifests/patch.js'
import { readRunContext, RunContext } from './run-context.js'
import { validateTagTemplate } from './build/tags.js'
import { gateRequest, gateUrlSecrets } from './strategies/gate-url.js'
import { actionInputs } from './action-inputs.js'
import { unknownInputWarnings } from './unknown-inputs.js'
import { isStrategyName, StrategyName, strategyNames, strategyNamed } from './strategies/registry.js'

export type Mode = 'deploy' | 'build' | 'apply' | 'rollback' | 'history' | 'promote' | 'abort'

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

/** The ApplySet's parent object, in the target namespace (kubectl's --applyset). */
export interface ApplySetParent {
  kind: 'Secret' | 'ConfigMap'
  name: string
}

export interface PruneSettings {
  parent: ApplySetParent
  /** Deleting a Namespace (all it holds) or a CRD (all its objects) needs this second, explicit input. */
  namespacesAndCrds: boolean
}

/**
 * The verify input: a health gate the new version must pass before it takes traffic (blue-green) or keeps it
 * (canary). An URL must answer 2xx ({colour} is replaced by the new colour); a Job of the manifests must
 * complete; a command (no shell: its words are the arguments) must exit 0.
 */
export type Gate = { kind: 'url'; url: string } | { kind: 'job'; name: string } | { kind: 'command'; argv: string[] }

/** strategy: blue-green. The new colour is deployed beside the live one and the Services switched once it is ready. */
export interface BlueGreenSettings {
  verify?: Gate
  verifyTimeoutMs: number
  /** How long the old colour stays scaled after the switch; undefined: until the next deploy. */
  keepMs?: number
}

/** strategy: canary. The new version runs beside the stable one with a share of the traffic until promote or abort. */
export interface CanarySettings {
  /** The share of traffic (canary pods among all; an ingress-nginx canary Ingress's weight), 1 to 99. */
  percent: number
  /** Promote in the same step once the canary has been ready (and its gate green) this long. */
  autoPromoteAfterMs?: number
  verify?: Gate
  verifyTimeoutMs: number
}

export interface Settings {
  mode: Mode
  strategy: StrategyName
  blueGreen?: BlueGreenSettings
  canary?: CanarySettings
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
  /** Rendered manifests larger than this are refused before anything is built (memory grows ~40× their size). */
  maxManifestsBytes: number
  waitForJobs: boolean
  waitForCustomResources: boolean
  waitForLoadBalancers: boolean
  /** Restore every workload this run changed when its rollout fails. */
  rollbackOnFailure: boolean
  /** A cancelled run (SIGINT/SIGTERM from the runner) undoes what it changed too, without waiting for the undo. */
  rollbackOnCancel: boolean
  /** Delete the objects this run created when rolling back. */
  rollbackDeleteNew: boolean
  /**
   * mode rollback: one revision back, a revision number, or a commit SHA to redeploy: 40 characters, or a prefix
   * of 7 or more that the workloads' history resolves.
   */
  rollbackTo?: { kind: 'previous' } | { kind: 'revision'; revision: number } | { kind: 'sha'; sha: string }
  lock?: { name: string; timeoutMs: number }
  /** prune: true. Members of the ApplySet that the manifests no longer have are deleted after a successful rollout. */
  prune?: PruneSettings
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

function runInput(read: InputReader, env: NodeJS.ProcessEnv): RunContext {
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
  return run
}

function buildsInput(read: InputReader): ImageBuild[] {
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
  return builds
}

function imagesInput(read: InputReader): ImageSubstitution[] {
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

function rollbackInput(read: InputReader, mode: Mode, builds: ImageBuild[]): Settings['rollbackTo'] {
  const text = read('rollback-to').trim()
  if (mode !== 'rollback') {
    if (text) throw new Error(`rollback-to is only used in mode rollback (mode is ${mode}).`)
    return undefined
  }
  let rollbackTo: Settings['rollbackTo']
  if (!text || text === 'previous') rollbackTo = { kind: 'previous' }
  else if (/^\d+$/.test(text) && Number(text) > 0) rollbackTo = { kind: 'revision', revision: Number(text) }
  // Digits alone are a revision number, even where they could be the start of a SHA (as git's rev-parse would not).
  else if (/^[0-9a-f]{7,40}$/i.test(text)) rollbackTo = { kind: 'sha', sha: text.toLowerCase() }
  else throw new Error(`Invalid rollback-to '${text}'. Expected previous, a revision number (e.g. 3), or a commit SHA or its first 7 or more characters.`)
  if (rollbackTo.kind === 'sha' && builds.length === 0) {
    throw new Error('rollback-to a commit SHA needs the image input or build entries (the repositories whose tags to redeploy).')
  }
  return rollbackTo
}

function registryInput(read: InputReader): RegistryCredentials | undefined {
  const username = read('registry-username').trim()
  const password = read('registry-password')
  if (password) core.setSecret(password)
  if (Boolean(username) !== Boolean(password)) {
    throw new Error('registry-username and registry-password go together: give both, or neither to use the existing docker login.')
  }
  return username ? { username, password } : undefined
}

function buildInput(read: InputReader): BuildSettings {
  const secrets = keyValueLines(read, 'build-secrets', /^[A-Za-z0-9_.-]+$/, 'ID')
  for (const [, value] of secrets) if (value) core.setSecret(value)
  return {
    buildArgs: keyValueLines(read, 'build-args', /^[A-Za-z_][A-Za-z0-9_]*$/, 'NAME'),
    secrets,
    labels: keyValueLines(read, 'labels', /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'KEY'),
    cacheFrom: lines(read('cache-from')),
    cacheTo: lines(read('cache-to')),
    platforms: listInput(read('platforms'))
  }
}

function kubeInput(read: InputReader): KubeSettings {
  const text = read('kubeconfig')
  let kubeconfig: string | undefined
  if (text.trim()) {
    core.setSecret(text.trim())
    kubeconfig = decodeKubeconfig(text)
    for (const secret of kubeconfigSecrets(kubeconfig)) core.setSecret(secret)
  }
  return { kubeconfig, context: read('kube-context').trim() || undefined }
}

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** The applyset input, as kubectl's --applyset: NAME (a Secret), secret/NAME or configmap/NAME. */
export function parseApplySetParent(text: string): ApplySetParent {
  const slash = text.indexOf('/')
  const resource = slash < 0 ? 'secrets' : text.slice(0, slash)
  const name = slash < 0 ? text : text.slice(slash + 1)
  const kind = ({ secret: 'Secret', secrets: 'Secret', configmap: 'ConfigMap', configmaps: 'ConfigMap' } as const)[resource]
  if (!kind || !dnsSubdomain.test(name) || name.length > 253) {
    throw new Error(`Invalid applyset '${text}'. Expected NAME (a Secret), secret/NAME or configmap/NAME, with NAME a lowercase DNS name (the ApplySet's parent object, as kubectl's --applyset).`)
  }
  return { kind, name }
}

function pruneInput(read: InputReader, mode: Mode, lockName: string): Settings['prune'] {
  const prune = booleanInput(read, 'prune', false)
  const namespacesAndCrds = booleanInput(read, 'prune-namespaces-and-crds', false)
  const parentText = read('applyset').trim()
  if (!prune) {
    if (namespacesAndCrds || parentText) throw new Error(`${namespacesAndCrds ? 'prune-namespaces-and-crds' : 'applyset'} is only used with prune: true.`)
    return undefined
  }
  if (mode === 'build' || mode === 'history' || mode === 'abort') throw new Error(`prune is used in modes deploy, apply, promote and rollback (to a SHA), not in mode ${mode}.`)
  return { parent: parseApplySetParent(parentText || `build-and-deploy-${lockName}`), namespacesAndCrds }
}

export function gateInput(text: string): Gate {
  if (/^https?:\/\/\S+$/.test(text)) {
    for (const secret of gateUrlSecrets(text)) core.setSecret(secret)
    // Refused here, not after the rollout: a URL fetch cannot take (a {colour} that cannot make a host name).
    gateRequest(text, 'blue')
    return { kind: 'url', url: text }
  }
  const job = /^job\/(\S+)$/.exec(text)
  if (job && dnsSubdomain.test(job[1])) return { kind: 'job', name: job[1] }
  const command = /^command:\s*(\S.*)$/.exec(text)
  if (command) return { kind: 'command', argv: command[1].trim().split(/\s+/) }
  throw new Error(`Invalid verify '${text}'. Expected an http(s) URL that answers 2xx, job/NAME (a Job of the manifests that must complete) or command: PROGRAM ARGS (run without a shell, must exit 0).`)
}

function strategyInput(read: InputReader, mode: Mode): Pick<Settings, 'strategy' | 'blueGreen' | 'canary'> {
  const given = read('strategy').trim()
  // promote and abort act on a canary: the strategy need not be repeated.
  const strategy = given || (mode === 'promote' || mode === 'abort' ? 'canary' : 'rolling')
  if (!isStrategyName(strategy)) throw new Error(`Invalid strategy '${strategy}'. Expected ${strategyNames.slice(0, -1).join(', ')} or ${strategyNames.at(-1)}.`)
  if ((mode === 'promote' || mode === 'abort') && strategy !== 'canary') throw new Error(`Mode ${mode} is for strategy canary (strategy is ${strategy}).`)
  const verify = read('verify').trim()
  const keep = read('blue-green-keep').trim()
  const percentText = read('canary-percent').trim()
  const autoPromote = read('canary-auto-promote-after').trim()
  const misplaced = [
    ...(strategy === 'rolling' && verify ? ['verify'] : []),
    ...(strategy !== 'blue-green' && keep ? ['blue-green-keep'] : []),
    ...(strategy !== 'canary' && percentText ? ['canary-percent'] : []),
    ...(strategy !== 'canary' && autoPromote ? ['canary-auto-promote-after'] : [])
  ]
  if (misplaced.length > 0) throw new Error(`${misplaced[0]} is only used with strategy: ${misplaced[0] === 'verify' ? 'blue-green or canary' : misplaced[0].startsWith('canary') ? 'canary' : 'blue-green'}.`)
  if (strategy === 'rolling') return { strategy }
  const gate = verify ? gateInput(verify) : undefined
  const verifyTimeoutMs = parseDuration(read('verify-timeout').trim() || '1m', 'verify-timeout')
  if (strategy === 'blue-green') return { strategy, blueGreen: { verify: gate, verifyTimeoutMs, keepMs: keep ? parseDuration(keep, 'blue-green-keep') : undefined } }
  const percent = Number(percentText || '20')
  if (!/^\d+$/.test(percentText || '20') || percent < 1 || percent > 99) throw new Error(`Invalid canary-percent '${percentText}'. Expected a whole number from 1 to 99 (the canary's share of the traffic).`)
  return {
    strategy,
    canary: { percent, autoPromoteAfterMs: autoPromote ? parseDuration(autoPromote, 'canary-auto-promote-after') : undefined, verify: gate, verifyTimeoutMs }
  }
}

/** Turns the action's raw string inputs into one validated Settings value; throws on the first bad input. */
export function parseSettings(read: InputReader, env: NodeJS.ProcessEnv): Settings {
  const modeText = read('mode').trim() || 'deploy'
  if (!['deploy', 'build', 'apply', 'rollback', 'history', 'promote', 'abort'].includes(modeText)) {
    throw new Error(`Invalid mode '${modeText}'. Expected deploy, build, apply, rollback, history, promote or abort.`)
  }
  const mode = modeText as Mode
  const run = runInput(read, env)
  const builds = buildsInput(read)
  const images = imagesInput(read)
  if ((mode === 'deploy' || mode === 'build') && builds.length === 0) {
    throw new Error(`Mode ${mode} needs an image to build: the image input (e.g. ghcr.io/acme/api), or build entries (REPOSITORY=CONTEXT, one per line).`)
  }
  const manifests = lines(read('manifests'))
  const helm = helmInputs(read)
  if (mode !== 'build' && manifests.length === 0 && !helm) {
    throw new Error(`The manifests input is required in mode ${mode} (files, directories, kustomizations or globs, one per line), unless helm-chart is given.`)
  }
  const rollbackTo = rollbackInput(read, mode, builds)
  const { strategy, blueGreen, canary } = strategyInput(read, mode)

  const tagTemplate = read('tag').trim() || '{sha}'
  validateTagTemplate(tagTemplate, 'tag')
  const extraTagTemplates = listInput(read('extra-tags'))
  for (const extra of extraTagTemplates) validateTagTemplate(extra, 'extra-tags')
  const latest = (read('latest').trim() || 'auto').toLowerCase()
  if (!['auto', 'true', 'false'].includes(latest)) throw new Error(`Invalid latest '${latest}'. Expected auto, true or false.`)
  const registry = registryInput(read)
  const build = buildInput(read)

  const namespace = read('namespace').trim() || undefined
  if (namespace && (!dnsLabel.test(namespace) || namespace.length > 63)) {
    throw new Error(`Invalid namespace '${namespace}'. Expected a DNS label: lowercase letters, digits and '-', at most 63 characters.`)
  }
  const kube = kubeInput(read)

  const lockName = read('lock-name').trim() || 'deploy'
  if (!dnsLabel.test(lockName) || lockName.length > 40) {
    throw new Error(`Invalid lock-name '${lockName}'. Expected lowercase letters, digits and '-', at most 40 characters.`)
  }
  const lock = booleanInput(read, 'lock', true) ? { name: lockName, timeoutMs: parseDuration(read('lock-timeout').trim() || '5m', 'lock-timeout') } : undefined
  const prune = pruneInput(read, mode, lockName)

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

  const wait = booleanInput(read, 'wait', true)

  const settings: Settings = {
    mode,
    strategy,
    blueGreen,
    canary,
    builds,
    build,
    tagTemplate,
    extraTagTemplates,
    latest: latest as Settings['latest'],
    push: booleanInput(read, 'push', true),
    registry,
    skipExisting: booleanInput(read, 'skip-existing', true),
    manifests,
    helm,
    images,
    namespace,
    createNamespace: booleanInput(read, 'create-namespace', false),
    kube,
    fieldManager,
    forceConflicts: booleanInput(read, 'force-conflicts', false),
    dryRun: booleanInput(read, 'dry-run', false),
    wait,
    timeoutMs: parseDuration(read('timeout').trim() || '5m', 'timeout'),
    maxManifestsBytes: parseSize(read('max-manifests-size').trim() || '16Mi', 'max-manifests-size'),
    waitForJobs: booleanInput(read, 'wait-for-jobs', false),
    waitForCustomResources: booleanInput(read, 'wait-for-custom-resources', true),
    waitForLoadBalancers: booleanInput(read, 'wait-for-load-balancers', false),
    rollbackOnFailure: booleanInput(read, 'rollback-on-failure', true),
    rollbackOnCancel: booleanInput(read, 'rollback-on-cancel', false),
    rollbackDeleteNew: booleanInput(read, 'rollback-delete-new', false),
    rollbackTo,
    lock,
    prune,
    environment: read('environment').trim() || undefined,
    environmentUrl,
    githubToken,
    run
  }
  strategyNamed(strategy).validate(settings)
  return settings
}

export function readSettings(): Settings {
  // Before parsing: a misspelt input often explains the error that follows (manifest: → manifests is required).
  for (const warning of unknownInputWarnings(process.env, actionInputs)) core.warning(warning)
  return parseSettings(name => core.getInput(name), process.env)
}
