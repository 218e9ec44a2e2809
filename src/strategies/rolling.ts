import type { Strategy } from './strategy.js'

/** kubectl's rolling update: the manifests are applied as they are, and a failed rollout is undone per workload. */
export const rolling: Strategy = {
  name: 'rolling',
  validate: () => undefined,
  prepare: async () => undefined,
  historyOf: workload => [workload],
  liveUnderManifestNames: true,
  outputs: () => ({}),
  summary: () => [],
  resultDetail: () => undefined,
  untouchedLine: () => undefined
}
