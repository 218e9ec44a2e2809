import { describe, expect, it } from '@jest/globals'
import { renderSummary } from '../../src/report/summary.js'
import { formatDiagnosis } from '../../src/status/diagnosis-lines.js'
import type { RunReport } from '../../src/report/run-report.js'
import type { WaitOutcome } from '../../src/status/wait.js'

const failed: WaitOutcome = {
  item: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespace: 'shop', name: 'hello' },
  state: 'failed',
  message: 'deployment/hello: pod hello-1 container app is CrashLoopBackOff',
  durationMs: 900,
  diagnosis: {
    pod: 'hello-1',
    container: 'app',
    reason: 'CrashLoopBackOff',
    message: 'back-off 10s',
    restartCount: 2,
    previousLog: true,
    events: ['BackOff: Back-off restarting failed container'],
    logs: ['starting', 'panic: no DATABASE_URL']
  }
}
const error = [
  'Rollout failed:',
  failed.message,
  ...formatDiagnosis(failed.diagnosis!),
  'Rolled back: deployment/hello to revision 1.'
].join('\n')
const report: RunReport = {
  result: 'rolled-back',
  mode: 'deploy',
  dryRun: false,
  images: [],
  resources: [],
  waits: [failed],
  applied: [],
  durationMs: 2000,
  error
}

describe('the summary of a failed rollout', () => {
  const summary = renderSummary(report)
  it('shows the diagnosis once, under Rollout problems', () => {
    expect(summary.split('panic: no DATABASE_URL')).toHaveLength(2)
    expect(summary.indexOf('### Rollout problems')).toBeLessThan(summary.indexOf('panic: no DATABASE_URL'))
    // The error keeps what is not the diagnosis.
    expect(summary).toContain('Rolled back: deployment/hello to revision 1.')
  })
  it('names the workload once per problem, and keeps the log lines in their order', () => {
    expect(summary).not.toContain('deployment/hello: deployment/hello')
    expect(summary).toContain('- **deployment/hello**: pod hello-1 container app is CrashLoopBackOff')
    expect(summary.indexOf('starting')).toBeLessThan(summary.indexOf('panic: no DATABASE_URL'))
  })
})

describe('the summary header', () => {
  it('names the commit, the cluster, the namespace and the strategy', () => {
    const summary = renderSummary({
      ...report,
      target: {
        commit: '0123456789abcdef0123456789abcdef01234567',
        ref: 'main',
        strategy: 'rolling',
        server: 'https://10.0.0.1:6443',
        context: 'prod',
        namespace: 'shop'
      }
    })
    expect(summary.split('\n')[2]).toBe(
      '**Commit** `0123456789ab` (`main`) · **Cluster** `https://10.0.0.1:6443` (context `prod`) · **Namespace** `shop` · **Strategy** rolling'
    )
  })
})

describe('the summary resources', () => {
  const deployment = (image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { spec: { containers: [{ name: 'web', image }] } } }
  })
  const old = `r.io/web:${'a'.repeat(40)}`
  const next = `r.io/web:${'b'.repeat(40)}`
  const summary = renderSummary({
    ...report,
    result: 'succeeded',
    error: undefined,
    waits: [],
    resources: [
      {
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        action: 'configured',
        rollout: 'succeeded',
        durationMs: 1200
      },
      { kind: 'ConfigMap', namespace: 'shop', name: 'web-config', action: 'unchanged' },
      { kind: 'Service', namespace: 'shop', name: 'web', action: 'unchanged' }
    ],
    applied: [
      {
        target: {
          source: { file: 'f', document: 1, object: deployment(next) },
          object: deployment(next),
          namespaced: true,
          awaitsCrd: false,
          plural: 'deployments'
        },
        action: 'configured',
        result: deployment(next),
        before: deployment(old),
        changes: []
      }
    ]
  })
  it("tables what changed with each workload's image before → after, and folds what did not", () => {
    expect(summary).toContain(
      `| Deployment/web | shop | configured | succeeded | 1.2s | \`r.io/web:${'a'.repeat(12)}\` → \`r.io/web:${'b'.repeat(12)}\` |`
    )
    expect(summary).toContain(
      '<details><summary>2 unchanged</summary>\n\nConfigMap/web-config (shop), Service/web (shop)'
    )
    expect(summary).not.toContain('| ConfigMap/web-config |')
  })
})
