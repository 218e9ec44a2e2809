import type { BuildSettings } from '../build/build-settings.js'
import type { KubeSettings } from '../kube/kubeconfig.js'
import type { ImageSubstitution } from '../build/image-ref.js'
import type { RunContext } from './run-context.js'
import type { StrategyName } from '../strategies/registry.js'
import type { BlueGreenSettings, CanarySettings } from '../strategies/strategy-settings.js'

// The settings in slices, one per part of the action that reads them. A slice that one folder alone reads is
// declared there (build/build-settings.ts, kube/kubeconfig.ts, strategies/strategy-settings.ts), so that folder
// need not import this one; Settings, for main, is all of them.

export type Mode = 'deploy' | 'build' | 'apply' | 'rollback' | 'history' | 'promote' | 'abort' | 'plan'

/** Where the objects go: the cluster, the default namespace, and how long the API server and a rollout may take. */
export interface KubeTargetSettings {
  kube: KubeSettings
  namespace?: string
  createNamespace: boolean
  timeoutMs: number
}

export interface HelmSettings {
  chart: string
  release: string
  values: string[]
}

/** What is deployed: the manifests, rendered and patched. */
export interface ManifestSettings {
  /** Files, directories (a kustomization is rendered) and globs, in the order given. */
  manifests: string[]
  /** A chart rendered with helm template, after the manifests. */
  helm?: HelmSettings
  /** Substitutions from the `images` input, for images not built here. */
  images: ImageSubstitution[]
  /** Rendered manifests larger than this are refused before anything is built (memory grows ~40× their size). */
  maxManifestsBytes: number
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

/** How the objects are applied, waited on, rolled back and pruned. */
/** What rollback-to names: the previous release, a revision number, a commit, or a release record's number. */
export type RollbackTarget =
  | { kind: 'previous' }
  | { kind: 'revision'; revision: number }
  | { kind: 'sha'; sha: string }
  | { kind: 'release'; number: number }

export interface DeploySettings {
  fieldManager: string
  forceConflicts: boolean
  dryRun: boolean
  wait: boolean
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
   * mode rollback: the previous release (or one revision back), a revision number, a release number (release-N),
   * or a commit SHA to redeploy: 40 characters, or a prefix of 7 or more that the records or the workloads' history
   * resolve.
   */
  rollbackTo?: RollbackTarget
  lock?: { name: string; timeoutMs: number }
  /** The release records' name (the lock-name input) and how many are kept (history-max; 0: none written). */
  releases: { name: string; historyMax: number }
  /** prune: true. Members of the ApplySet that the manifests no longer have are deleted after a successful rollout. */
  prune?: PruneSettings
}

/** The strategy, with the settings of blue-green or canary (and their verify gate) when it is one of those. */
export interface StrategySettings {
  strategy: StrategyName
  blueGreen?: BlueGreenSettings
  canary?: CanarySettings
}

/** The GitHub deployment this run records. */
export interface GitHubSettings {
  /** GitHub deployment environment; deployments are recorded only when set. */
  environment?: string
  environmentUrl?: string
  githubToken?: string
}

export interface Settings
  extends BuildSettings, KubeTargetSettings, ManifestSettings, DeploySettings, StrategySettings, GitHubSettings {
  mode: Mode
  run: RunContext
}
