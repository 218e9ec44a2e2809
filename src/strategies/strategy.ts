import type { Cluster } from '../kube/cluster.js'
import type { KubeObject, SourcedObject } from '../manifests/documents.js'
import type { TrafficReport } from '../run-report.js'

/**
 * A deploy strategy other than kubectl's rolling update: it rewrites what is applied, and decides what happens
 * once the rollouts have succeeded (gate, switch) or failed (drop the new version, or the usual rollback).
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
