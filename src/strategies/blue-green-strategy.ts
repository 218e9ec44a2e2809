import { inline as cell } from '../format/markdown.js'
import type { Strategy } from './strategy.js'
import { strategyLines } from './traffic-lines.js'

/**
 * strategy: blue-green. The Deployments behind Services run in two colours; the Services switch once the new one
 * is ready. The deploy code (blue-green.ts) loads only when chosen.
 */
export const blueGreen: Strategy = {
  name: 'blue-green',
  validate(settings) {
    const { mode, rollbackTo } = settings
    if (mode === 'build' || mode === 'history')
      throw new Error(`strategy blue-green is used in modes deploy, apply and rollback, not in mode ${mode}.`)
    if (rollbackTo?.kind === 'revision') {
      throw new Error(
        'rollback-to a revision number is not for strategy blue-green: previous switches the Services back to the other colour, a commit SHA redeploys that commit as a new colour.'
      )
    }
    if (!settings.wait)
      throw new Error('strategy blue-green needs wait: true: the Services switch once the new colour is ready.')
  },
  async prepare({ kube, settings, objects, targetNamespace, gate }) {
    const { BlueGreenDeploy } = await import('./blue-green.js')
    return BlueGreenDeploy.prepare(kube, objects, targetNamespace, settings.blueGreen!, settings.fieldManager, gate)
  },
  async switchBack(kube, objects, targetNamespace, settings) {
    const { switchBack } = await import('./blue-green.js')
    return switchBack(kube, objects, targetNamespace, settings.fieldManager, settings.timeoutMs)
  },
  // Both colours of each Deployment: those are the objects that hold the history.
  historyOf: workload =>
    workload.kind === 'Deployment'
      ? [workload, { ...workload, name: `${workload.name}-blue` }, { ...workload, name: `${workload.name}-green` }]
      : [workload],
  // The manifests' Deployments exist only as colours; the traffic section says which is live.
  liveUnderManifestNames: false,
  outputs: (traffic): Record<string, string> =>
    traffic.strategy === 'blue-green' && traffic.after ? { 'live-colour': traffic.after } : {},
  summary(traffic) {
    if (traffic.strategy !== 'blue-green') return []
    const { before, after, switched, services } = traffic
    return [
      '### Traffic (blue-green)',
      '',
      '| Services | Before | After |',
      '| --- | --- | --- |',
      `| ${services.map(s => `service/${cell(s)}`).join(', ') || '(none)'} | ${cell(before ?? '(none)')} | ${switched ? `**${cell(after)}**` : `${cell(after ?? '(none)')} (not switched)`} |`,
      '',
      ...strategyLines('New colour', traffic.coloured, traffic.rolling),
      ...(traffic.deletedServices
        ? [
            `Deleted with the new colour, as this run had created them selecting it: ${traffic.deletedServices.map(s => `service/${cell(s)}`).join(', ')}. Nothing serves yet.`,
            ''
          ]
        : [])
    ]
  },
  resultDetail: traffic =>
    traffic.strategy === 'blue-green' && traffic.after
      ? `${traffic.switched ? 'traffic switched to' : 'traffic stays on'} ${traffic.after}`
      : undefined,
  untouchedLine(traffic) {
    if (traffic.strategy !== 'blue-green') return undefined
    if (traffic.coloured?.length === 0) return undefined
    if (traffic.switched) return undefined
    const services = traffic.deletedServices?.map(name => `service/${name}`).join(', ')
    if (services)
      return `Blue-green: the new colour was deleted, and ${services}, created by this run selecting it, too: nothing serves yet.`
    return `Blue-green: the new colour was deleted; ${traffic.before ? `${traffic.before} still serves, untouched` : 'no colour was live yet'}.`
  }
}
