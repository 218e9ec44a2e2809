import type { CanaryStage } from './canary-plan.js'

/** Where traffic went under a strategy other than rolling. */
export type TrafficReport =
  | {
      strategy: 'blue-green'
      /** The colour the Services selected before the run, and after it. */
      before?: 'blue' | 'green'
      after?: 'blue' | 'green'
      services: string[]
      switched: boolean
      /** The Deployments written in the new colour, and those behind a Service applied as rolling (unchanged or pinned). */
      coloured?: string[]
      rolling?: string[]
      /** Services this run created for the new colour and deleted with it: nothing serves through them. */
      deletedServices?: string[]
    }
  | {
      strategy: 'canary'
      stage: CanaryStage
      /** The canaries' share of the pods, and the weight their canary Ingresses got. */
      replicaPercent: number
      weight: number
      canaries: Array<{ name: string; replicas: number; stable: string; stableReplicas: number }>
      /** Objects the canary added (Deployments, canary Services and Ingresses), or deleted on promote and abort. */
      added: string[]
      /** canary-percent, and the Deployments behind a Service applied as rolling (unchanged or pinned). */
      percent?: number
      rolling?: string[]
    }
