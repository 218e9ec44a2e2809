import { inline as cell } from '../format/markdown.js'
import type { Strategy } from './strategy.js'
import { strategyLines } from './traffic-lines.js'

/**
 * strategy: canary. The new version runs beside the stable one with a share of the traffic until mode promote or
 * abort. The deploy code (canary.ts) loads only when chosen.
 */
export const canary: Strategy = {
  name: 'canary',
  validate(settings) {
    const { mode } = settings
    if (mode === 'build' || mode === 'history')
      throw new Error(`strategy canary is used in modes deploy, apply, promote and abort, not in mode ${mode}.`)
    if (mode === 'rollback')
      throw new Error(
        'mode rollback is not for strategy canary: mode abort removes the canary and leaves the stable version as it is.'
      )
    if (!settings.wait) throw new Error('strategy canary needs wait: true: the canary is checked once it is ready.')
  },
  async prepare({ kube, settings, objects, targetNamespace, rollStable, gate }) {
    const { CanaryDeploy, CanaryPromotion } = await import('./canary.js')
    if (settings.mode === 'promote') return new CanaryPromotion(objects, targetNamespace)
    return CanaryDeploy.prepare(
      kube,
      objects,
      targetNamespace,
      settings.canary!,
      settings.fieldManager,
      rollStable,
      gate
    )
  },
  async abort(kube, objects, targetNamespace) {
    const { abortCanary } = await import('./canary.js')
    return abortCanary(kube, objects, targetNamespace)
  },
  historyOf: workload => [workload],
  liveUnderManifestNames: true,
  outputs: (traffic): Record<string, string> =>
    traffic.strategy === 'canary' ? { 'canary-stage': traffic.stage } : {},
  summary(traffic) {
    if (traffic.strategy !== 'canary') return []
    const out = [`### Canary: ${cell(traffic.stage)}`, '']
    if (traffic.canaries.length > 0) {
      out.push('| Canary | Pods | Stable | Pods |', '| --- | --- | --- | --- |')
      for (const c of traffic.canaries)
        out.push(`| deployment/${cell(c.name)} | ${c.replicas} | deployment/${cell(c.stable)} | ${c.stableReplicas} |`)
      out.push(
        '',
        `The canaries have ${traffic.replicaPercent} % of the pods${traffic.added.some(a => a.startsWith('ingress/')) ? `; their Ingresses get ${traffic.weight} % of the requests` : ''}.`
      )
      if (traffic.percent !== undefined) {
        const shares = traffic.canaries
          .map(c => `deployment/${cell(c.name)} ${Math.round((100 * c.replicas) / (c.replicas + c.stableReplicas))} %`)
          .join(', ')
        out.push(
          '',
          `**Share:** ${shares} of the pods, for canary-percent ${traffic.percent} %${traffic.canaries.some(c => Math.abs((100 * c.replicas) / (c.replicas + c.stableReplicas) - traffic.percent!) > 5) ? ' (does not hold: raise the stable replicas)' : ''}.`
        )
      }
    }
    if (traffic.stage === 'canary' || traffic.stage === 'stable')
      out.push(
        ...strategyLines(
          'Canary',
          traffic.canaries.map(c => c.name),
          traffic.rolling
        )
      )
    if (traffic.stage !== 'canary' && traffic.added.length > 0)
      out.push('', `Deleted: ${traffic.added.map(cell).join(', ')}.`)
    out.push('')
    return out
  },
  resultDetail: traffic => (traffic.strategy === 'canary' ? `canary ${traffic.stage}` : undefined),
  untouchedLine: traffic =>
    traffic.strategy === 'canary' && traffic.stage === 'aborted'
      ? 'Canary: the canary was deleted; the stable version was not touched.'
      : undefined
}
