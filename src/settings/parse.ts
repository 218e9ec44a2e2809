import * as core from '@actions/core'
import type { ImageBuild } from '../build/build-settings.js'
import { parseDuration } from '../format/duration.js'
import { readRunContext, RunContext } from './run-context.js'
import { parseSize } from '../format/size.js'
import { buildSettingsInput, buildsInput, imagesInput } from './build-inputs.js'
import { booleanInput, dnsLabel, dnsSubdomain, InputReader, lines } from './input-forms.js'
import { kubeTargetInput } from './kube-inputs.js'
import { strategyInput } from './strategy-inputs.js'
import { strategyNamed } from '../strategies/registry.js'
import type {
  ApplySetParent,
  DeploySettings,
  GitHubSettings,
  HelmSettings,
  ManifestSettings,
  Mode,
  Settings
} from './types.js'

function helmInputs(read: InputReader): HelmSettings | undefined {
  const chart = read('helm-chart').trim()
  const values = lines(read('helm-values'))
  const release = read('helm-release').trim()
  if (!chart) {
    if (values.length > 0 || release)
      throw new Error('helm-values and helm-release need helm-chart (the chart to render).')
    return undefined
  }
  // The release defaults to the chart's name: its directory, or its archive without version (web-1.2.3.tgz).
  const fallback = chart
    .replace(/\/+$/, '')
    .split('/')
    .pop()!
    .replace(/-\d+\.\d+\.\d+.*\.tgz$|\.tgz$/, '')
  const name = release || fallback
  if (!dnsLabel.test(name) || name.length > 53) {
    throw new Error(
      `Invalid helm-release '${name}'${release ? '' : ` (taken from helm-chart; set helm-release)`}. Expected lowercase letters, digits and '-', at most 53 characters.`
    )
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

function rollbackInput(read: InputReader, mode: Mode, builds: ImageBuild[]): DeploySettings['rollbackTo'] {
  const text = read('rollback-to').trim()
  if (mode !== 'rollback') {
    if (text) throw new Error(`rollback-to is only used in mode rollback (mode is ${mode}).`)
    return undefined
  }
  let rollbackTo: DeploySettings['rollbackTo']
  if (!text || text === 'previous') rollbackTo = { kind: 'previous' }
  // One short SHA in 27 is all digits (GitHub shows 7 characters), and no workload reaches revision 1,000,000
  // (a rollout a minute for two years), so 7 digits or more name a commit, as git's rev-parse reads them.
  else if (/^\d{1,6}$/.test(text) && Number(text) > 0) rollbackTo = { kind: 'revision', revision: Number(text) }
  else if (/^[0-9a-f]{7,40}$/i.test(text)) rollbackTo = { kind: 'sha', sha: text.toLowerCase() }
  else if (/^release-\d{1,6}$/.test(text) && Number(text.slice(8)) > 0)
    rollbackTo = { kind: 'release', number: Number(text.slice(8)) }
  else
    throw new Error(
      `Invalid rollback-to '${text}'. Expected previous, a revision number (e.g. 3, up to 6 digits), release-N (a release record's number), or a commit SHA or its first 7 or more characters.`
    )
  if (rollbackTo.kind === 'sha' && builds.length === 0) {
    throw new Error(
      'rollback-to a commit SHA needs the image input or build entries (the repositories whose tags to redeploy).'
    )
  }
  return rollbackTo
}

/** The applyset input, as kubectl's --applyset: NAME (a Secret), secret/NAME or configmap/NAME. */
export function parseApplySetParent(text: string): ApplySetParent {
  const slash = text.indexOf('/')
  const resource = slash < 0 ? 'secrets' : text.slice(0, slash)
  const name = slash < 0 ? text : text.slice(slash + 1)
  const kind = ({ secret: 'Secret', secrets: 'Secret', configmap: 'ConfigMap', configmaps: 'ConfigMap' } as const)[
    resource
  ]
  if (!kind || !dnsSubdomain.test(name) || name.length > 253) {
    throw new Error(
      `Invalid applyset '${text}'. Expected NAME (a Secret), secret/NAME or configmap/NAME, with NAME a lowercase DNS name (the ApplySet's parent object, as kubectl's --applyset).`
    )
  }
  return { kind, name }
}

function pruneInput(read: InputReader, mode: Mode, lockName: string): DeploySettings['prune'] {
  const prune = booleanInput(read, 'prune', false)
  const namespacesAndCrds = booleanInput(read, 'prune-namespaces-and-crds', false)
  const parentText = read('applyset').trim()
  if (!prune) {
    if (namespacesAndCrds || parentText)
      throw new Error(`${namespacesAndCrds ? 'prune-namespaces-and-crds' : 'applyset'} is only used with prune: true.`)
    return undefined
  }
  if (mode === 'build' || mode === 'history' || mode === 'abort')
    throw new Error(`prune is used in modes deploy, apply, promote, rollback and plan, not in mode ${mode}.`)
  return { parent: parseApplySetParent(parentText || `build-and-deploy-${lockName}`), namespacesAndCrds }
}

function modeInput(read: InputReader): Mode {
  const modeText = read('mode').trim() || 'deploy'
  if (!['deploy', 'build', 'apply', 'rollback', 'history', 'promote', 'abort', 'plan'].includes(modeText)) {
    throw new Error(
      `Invalid mode '${modeText}'. Expected deploy, build, apply, rollback, history, promote, abort or plan.`
    )
  }
  return modeText as Mode
}

function manifestInput(read: InputReader, mode: Mode): ManifestSettings {
  const images = imagesInput(read)
  const manifests = lines(read('manifests'))
  const helm = helmInputs(read)
  if (mode !== 'build' && manifests.length === 0 && !helm) {
    throw new Error(
      `The manifests input is required in mode ${mode} (files, directories, kustomizations or globs, one per line), unless helm-chart is given.`
    )
  }
  return {
    manifests,
    helm,
    images,
    maxManifestsBytes: parseSize(read('max-manifests-size').trim() || '16Mi', 'max-manifests-size')
  }
}

function deployInput(read: InputReader, mode: Mode, rollbackTo: DeploySettings['rollbackTo']): DeploySettings {
  const lockName = read('lock-name').trim() || 'deploy'
  if (!dnsLabel.test(lockName) || lockName.length > 40) {
    throw new Error(
      `Invalid lock-name '${lockName}'. Expected lowercase letters, digits and '-', at most 40 characters.`
    )
  }
  const lock = booleanInput(read, 'lock', true)
    ? { name: lockName, timeoutMs: parseDuration(read('lock-timeout').trim() || '5m', 'lock-timeout') }
    : undefined
  const prune = pruneInput(read, mode, lockName)

  const fieldManager = read('field-manager').trim() || 'build-and-deploy'
  if (!/^[\x21-\x7e]{1,128}$/.test(fieldManager)) {
    throw new Error(`Invalid field-manager '${fieldManager}'. Expected 1 to 128 printable characters without spaces.`)
  }

  const wait = booleanInput(read, 'wait', true)
  const historyMaxText = read('history-max').trim() || '10'
  if (!/^\d{1,3}$/.test(historyMaxText) || Number(historyMaxText) > 100)
    throw new Error(
      `Invalid history-max '${historyMaxText}'. Expected a number of releases to keep, 0 to 100 (0: no release records).`
    )

  return {
    fieldManager,
    forceConflicts: booleanInput(read, 'force-conflicts', false),
    // mode plan is a dry run of the deploy, whatever dry-run says.
    dryRun: mode === 'plan' || booleanInput(read, 'dry-run', false),
    wait,
    waitForJobs: booleanInput(read, 'wait-for-jobs', false),
    waitForCustomResources: booleanInput(read, 'wait-for-custom-resources', true),
    waitForLoadBalancers: booleanInput(read, 'wait-for-load-balancers', false),
    rollbackOnFailure: booleanInput(read, 'rollback-on-failure', true),
    rollbackOnCancel: booleanInput(read, 'rollback-on-cancel', false),
    rollbackDeleteNew: booleanInput(read, 'rollback-delete-new', false),
    rollbackTo,
    lock,
    releases: { name: lockName, historyMax: Number(historyMaxText) },
    prune
  }
}

function gitHubInput(read: InputReader): GitHubSettings {
  const githubToken = read('github-token').trim() || undefined
  if (githubToken) core.setSecret(githubToken)
  const environmentUrl = read('environment-url').trim() || undefined
  if (environmentUrl && !/^https?:\/\/\S+$/.test(environmentUrl)) {
    throw new Error(`Invalid environment-url '${environmentUrl}'. Expected an http(s) URL.`)
  }
  return { environment: read('environment').trim() || undefined, environmentUrl, githubToken }
}

/** Turns the action's raw string inputs into one validated Settings value; throws on the first bad input. */
export function parseSettings(read: InputReader, env: NodeJS.ProcessEnv): Settings {
  const mode = modeInput(read)
  const run = runInput(read, env)
  const builds = buildsInput(read)
  if ((mode === 'deploy' || mode === 'build') && builds.length === 0) {
    throw new Error(
      `Mode ${mode} needs an image to build: the image input (e.g. ghcr.io/acme/api), or build entries (REPOSITORY=CONTEXT, one per line).`
    )
  }
  const buildSettings = buildSettingsInput(read, builds, env)
  if (buildSettings.pushByDigest && mode !== 'build')
    throw new Error(
      `push-by-digest is used in mode build (one platform's leg of a multi-platform build), not in mode ${mode}.`
    )
  if (buildSettings.imagesFrom.length > 0 && mode !== 'apply')
    throw new Error(
      `images-from is used in mode apply (merge the legs' digests into one index, then deploy it), not in mode ${mode}.`
    )
  const manifests = manifestInput(read, mode)
  const rollbackTo = rollbackInput(read, mode, builds)
  const strategy = strategyInput(read, mode)
  const settings: Settings = {
    mode,
    ...buildSettings,
    ...manifests,
    ...kubeTargetInput(read),
    ...deployInput(read, mode, rollbackTo),
    ...strategy,
    ...gitHubInput(read),
    run
  }
  if (settings.imagesFrom.length > 0 && settings.dryRun)
    throw new Error(
      'images-from writes the merged index to the registry, which dry-run does not allow: drop one of them.'
    )
  strategyNamed(settings.strategy).validate(settings)
  return settings
}
