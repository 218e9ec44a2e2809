import { describe, expect, it } from '@jest/globals'
import { resultLine } from '../../src/report/result-line.js'
import { historyLogLines, shortImage } from '../../src/rollback/history-log.js'
import type { RunReport } from '../../src/report/run-report.js'
import type { WorkloadHistory } from '../../src/rollback/rollback-plan.js'
import type { BuiltImage } from '../../src/build/build-step.js'
import type { WaitOutcome } from '../../src/status/wait.js'

const sha = '0123456789abcdef0123456789abcdef01234567'
const old = 'fedcba9876543210fedcba9876543210fedcba98'
const base: RunReport = {
  result: 'succeeded',
  mode: 'deploy',
  dryRun: false,
  images: [],
  resources: [],
  waits: [],
  applied: [],
  durationMs: 12_340
}
const image = (name: string): BuiltImage => ({
  name,
  repository: `r/${name}`,
  reference: `r/${name}:${sha}`,
  deployed: `r/${name}:${sha}`,
  tags: { all: [sha] } as BuiltImage['tags'],
  reused: false
})
const wait = (kind: string, name: string, state: WaitOutcome['state'] = 'succeeded'): WaitOutcome => ({
  item: { kind, name, namespace: 'prod' } as WaitOutcome['item'],
  state,
  message: '',
  durationMs: 1
})
const history: WorkloadHistory = {
  workload: { kind: 'Deployment', namespace: 'prod', name: 'web' },
  rows: [
    {
      revision: 3,
      commit: old,
      images: [`registry:5000/it/web:${old}`],
      changeCause: `deploy r/web:${old} commit ${old} run https://github.com/a/b/actions/runs/1`,
      created: '2026-12-03T14:30:05Z',
      live: true
    },
    {
      revision: 2,
      commit: sha,
      images: [`registry:5000/it/web:${sha}`, 'redis:7.4'],
      created: '2026-12-03T14:20:00Z',
      live: false
    },
    { revision: 1, images: ['nginx@sha256:' + 'a'.repeat(64)], live: false }
  ]
}

describe('resultLine', () => {
  it.each<[string, Partial<RunReport>, string]>([
    [
      'a deploy',
      { images: [image('web')], waits: [wait('Deployment', 'web'), wait('PersistentVolumeClaim', 'data')] },
      `build-and-deploy: succeeded in 12.3s — deployment/web rolled out (image r/web:${sha})`
    ],
    [
      'a deploy of many workloads and images',
      {
        images: [image('web'), image('api'), image('worker')],
        waits: ['a', 'b', 'c', 'd', 'e'].map(n => wait('Deployment', n))
      },
      `build-and-deploy: succeeded in 12.3s — deployment/a, deployment/b, deployment/c and 2 more rolled out (images r/web:${sha}, r/api:${sha} and 1 more)`
    ],
    [
      'an apply without workloads',
      {
        mode: 'apply',
        resources: [
          { kind: 'ConfigMap', name: 'a', action: 'created' },
          { kind: 'Service', name: 'b', action: 'unchanged' }
        ]
      },
      'build-and-deploy apply: succeeded in 12.3s — 2 objects applied (1 unchanged)'
    ],
    [
      'a build',
      { mode: 'build', images: [image('web')], durationMs: 65_000 },
      `build-and-deploy build: succeeded in 1m5s — r/web:${sha} pushed`
    ],
    [
      'a dry run',
      { dryRun: true, applied: [{ changes: [{}] }, { changes: [] }] as RunReport['applied'] },
      'build-and-deploy: dry run succeeded in 12.3s — 1 of 2 objects would change'
    ],
    [
      'a failure',
      { result: 'failed', error: "Invalid mode 'ship'.\nsecond line", durationMs: 300 },
      "build-and-deploy: failed in 300ms — Invalid mode 'ship'."
    ],
    [
      'a list of problems',
      { result: 'failed', error: 'The manifests have 2 problems; nothing was applied:\n- a.yaml document 1: bad\n- b' },
      'build-and-deploy: failed in 12.3s — The manifests have 2 problems; nothing was applied: a.yaml document 1: bad'
    ],
    [
      'a long error',
      { result: 'failed', error: 'x'.repeat(500) },
      `build-and-deploy: failed in 12.3s — ${'x'.repeat(199)}…`
    ],
    [
      'a cancel',
      { result: 'cancelled', error: 'The run was cancelled.' },
      'build-and-deploy: cancelled in 12.3s — The run was cancelled.'
    ],
    [
      'a rolled-back deploy',
      {
        result: 'rolled-back',
        error: 'Rollout failed:\ndeployment/web: timed out\nmore',
        rollback: {
          restored: [
            { workload: { kind: 'Deployment', namespace: 'prod', name: 'web' }, plan: { action: 'patch', revision: 3 } }
          ],
          created: [],
          deleted: false,
          notRestored: [],
          waits: [],
          durationMs: 1,
          succeeded: true
        } as unknown as RunReport['rollback']
      },
      'build-and-deploy: rolled-back in 12.3s — restored deployment/web to revision 3; Rollout failed: deployment/web: timed out'
    ],
    [
      'mode history',
      { mode: 'history', history: [history] },
      'build-and-deploy history: succeeded in 12.3s — history of deployment/web (3 revisions)'
    ],
    [
      'mode plan',
      {
        mode: 'plan',
        dryRun: true,
        resources: [
          { kind: 'ConfigMap', name: 'c', action: 'configured' },
          { kind: 'Deployment', name: 'web', action: 'configured' },
          { kind: 'Service', name: 'web', action: 'unchanged' }
        ],
        plan: {
          wouldRoll: ['deployment/web'],
          sinceRelease: 4,
          drift: [{ kind: 'ConfigMap', name: 'c', changes: [{ path: 'data.A', from: '"1"', to: '"2"' }] }]
        }
      },
      'build-and-deploy plan: dry run succeeded in 12.3s — 2 of 3 objects would change, 1 workload would roll, 1 drifted since release 4'
    ],
    [
      'mode rollback',
      { mode: 'rollback', history: [history] },
      `build-and-deploy rollback: succeeded in 12.3s — live: deployment/web at revision 3 (commit ${old.slice(0, 7)})`
    ],
    [
      'a blue-green switch',
      {
        images: [image('web')],
        traffic: { strategy: 'blue-green', before: 'blue', after: 'green', services: ['web'], switched: true }
      },
      `build-and-deploy: succeeded in 12.3s — traffic switched to green (image r/web:${sha})`
    ],
    [
      'a canary',
      { traffic: { strategy: 'canary', stage: 'canary', replicaPercent: 20, weight: 20, canaries: [], added: [] } },
      'build-and-deploy: succeeded in 12.3s — canary canary'
    ]
  ])('%s', (_, report, line) => {
    expect(resultLine({ ...base, ...report })).toBe(line)
  })
})

describe('shortImage', () => {
  it.each([
    [`registry:5000/it/web:${sha}`, 'web:0123456'],
    ['ghcr.io/acme/api:v1.2.3', 'api:v1.2.3'],
    ['nginx', 'nginx'],
    [`r/web:main@sha256:${'b'.repeat(64)}`, 'web:main@sha256:bbbbbbb'],
    ['localhost:5000/web', 'web']
  ])('%s → %s', (reference, short) => {
    expect(shortImage(reference)).toBe(short)
  })
})

describe('historyLogLines', () => {
  it('is a narrow table: revision, short commit, short image, time, live; no change-cause', () => {
    const lines = historyLogLines([
      history,
      { workload: { kind: 'DaemonSet', namespace: 'prod', name: 'agent' }, rows: [] }
    ])
    expect(lines).toEqual([
      'History of deployment/web (namespace prod):',
      '  REVISION  COMMIT   IMAGE                   CREATED',
      `  3         fedcba9  web:fedcba9             2026-12-03 14:30:05  live`,
      `  2         0123456  web:0123456, redis:7.4  2026-12-03 14:20:00`,
      '  1         -        nginx@sha256:aaaaaaa',
      'History of daemonset/agent (namespace prod):',
      '  no revisions'
    ])
    expect(Math.max(...lines.map(l => l.length))).toBeLessThan(80)
  })
})
