import type { Cluster } from '../kube/cluster.js'
import type { KubeObject, SourcedObject } from '../manifests/documents.js'
import type { WaitOutcome } from '../status/wait.js'
import type { TrafficReport } from './traffic.js'
import type { GateRunner } from './gate.js'
import type { BlueGreenSettings, CanarySettings } from './strategy-settings.js'

/** The settings a strategy reads: a part of the run's settings, named here so that strategies need not import them. */
export interface StrategyRunSettings {
  mode: string
  wait: boolean
  rollbackTo?: { kind: string }
  fieldManager: string
  timeoutMs: number
  blueGreen?: BlueGreenSettings
  canary?: CanarySettings
}

/** A workload, as the revision history reads it. */
interface Workload {
  kind: string
  namespace: string
  name: string
}

/**
 * A deploy strategy other than kubectl's rolling update, as planned for one run: it rewrites what is applied, and
 * decides what happens once the rollouts have succeeded (gate, switch) or failed (drop the new version, or the
 * usual rollback).
 */
export interface DeployStrategy {
  /** The manifests as this strategy applies them. */
  readonly objects: SourcedObject[]
  /** Live objects the strategy keeps although this run does not apply them: never pruned. */
  readonly retained: KubeObject[]
  /** discard: the new version is removed and live was never touched; roll-back: the usual automatic rollback. */
  readonly onFailure: 'discard' | 'roll-back'
  /** Every rollout succeeded: gate, then move traffic. Throws when the gate fails. */
  promote(kube: Cluster, readyAt: number): Promise<void>
  discard(kube: Cluster): Promise<void>
  report(): TrafficReport
}

/** What a strategy plans its deploy from: the main objects (the gate Job held back), after the lock is held. */
export interface StrategyDeployContext {
  kube: Cluster
  settings: StrategyRunSettings
  objects: SourcedObject[]
  targetNamespace: string
  /** Applies the manifests as the stable version (rolling) and waits; for a canary promoted in the same step. */
  rollStable: () => Promise<boolean>
  gate?: GateRunner
}

/**
 * One strategy from settings to summary: the deploy, rollback and report code ask it (through the registry)
 * rather than switching on its name. Deploy-time code loads only when the strategy is chosen.
 */
export interface Strategy {
  readonly name: string
  /** Checks the parsed settings against what this strategy can do; throws the first problem. */
  validate(settings: StrategyRunSettings): void
  /** Plans the deploy against the live objects; undefined: the manifests are applied as they are (rolling). */
  prepare(context: StrategyDeployContext): Promise<DeployStrategy | undefined>
  /** mode rollback to the previous version when the strategy has its own way back (not the workloads' undo). */
  switchBack?(
    kube: Cluster,
    objects: SourcedObject[],
    targetNamespace: string,
    settings: StrategyRunSettings
  ): Promise<{ traffic: TrafficReport; waits: WaitOutcome[] }>
  /** mode abort: removes what a deploy of this strategy added, leaving the live version. */
  abort?(kube: Cluster, objects: SourcedObject[], targetNamespace: string): Promise<TrafficReport>
  /** The workloads whose revisions make up the history of a workload of the manifests. */
  historyOf<W extends Workload>(workload: W): W[]
  /** False when the manifests' workloads run under other names (colours), so their own histories say nothing. */
  readonly liveUnderManifestNames: boolean
  /** The action outputs this strategy adds, from its traffic report. */
  outputs(traffic: TrafficReport): Record<string, string>
  /** The job summary's traffic section. */
  summary(traffic: TrafficReport): string[]
  /** The result line's detail when traffic says more than the rollouts; undefined: the usual detail. */
  resultDetail(traffic: TrafficReport): string | undefined
  /** After a failed deploy: what the strategy left serving, for the error. */
  untouchedLine(traffic: TrafficReport): string | undefined
}
