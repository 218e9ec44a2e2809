import { describe, expect, it } from '@jest/globals'
import { resolveCommitPrefix } from '../../src/rollback/commit-prefix.js'
import { describeLive } from '../../src/rollback/live-revision.js'
import { renderSummary } from '../../src/report/summary.js'
import type { RunReport } from '../../src/report/run-report.js'
import type { WorkloadHistory } from '../../src/rollback/rollback-plan.js'

const a = 'abc1234' + '0'.repeat(33)
const b = 'abc1235' + '1'.repeat(33)
const c = 'def5678' + '2'.repeat(33)
const web: WorkloadHistory = {
  workload: { kind: 'Deployment', namespace: 'prod', name: 'web' },
  rows: [
    { revision: 3, commit: c, images: [`r/web:${c}`], live: true },
    { revision: 2, commit: b, images: [`r/web:${b}`], live: false },
    { revision: 1, commit: a, images: [`r/web:${a}`], live: false }
  ]
}
const worker: WorkloadHistory = {
  workload: { kind: 'StatefulSet', namespace: 'prod', name: 'db' },
  rows: [
    { revision: 2, commit: c, images: [`r/db:${c}`], live: true },
    { revision: 1, images: ['postgres:16'], live: false }
  ]
}
const d = '4417563' + '3'.repeat(33)
const digitsFirst: WorkloadHistory = {
  workload: web.workload,
  rows: [{ revision: 4, commit: d, images: [`r/web:${d}`], live: false }, ...web.rows]
}
const bare: WorkloadHistory = {
  workload: { kind: 'Deployment', namespace: 'prod', name: 'old' },
  rows: [{ revision: 1, images: ['nginx'], live: true }]
}

describe('resolveCommitPrefix', () => {
  it.each([
    ['a unique 7-character prefix', 'abc1234', [web], a],
    ['a longer prefix', 'abc12351', [web], b],
    ['the full SHA', c, [web], c],
    ['a commit two workloads share', 'def5678', [web, worker], c],
    ['a commit of one workload of several', 'abc1234', [worker, web], a],
    ['a prefix of digits alone', '4417563', [digitsFirst], d]
  ])('resolves %s', (_, prefix, histories, sha) => {
    expect(resolveCommitPrefix(prefix, histories)).toBe(sha)
  })

  it.each([
    [
      'an ambiguous prefix, listing the candidates',
      'abc123',
      [web],
      `rollback-to 'abc123' is ambiguous: 2 commits in the history of deployment/web start with it: ${b} (deployment/web revision 2), ${a} (deployment/web revision 1). Give more characters.`
    ],
    [
      'an unknown prefix, listing the known commits (live marked, shared ones once)',
      '0000000',
      [web, worker],
      `rollback-to '0000000' (read as a commit: a revision number has at most 6 digits) matches no commit in the history of deployment/web, statefulset/db. Known commits: ${c} (deployment/web revision 3, live; statefulset/db revision 2, live), ${b} (deployment/web revision 2), ${a} (deployment/web revision 1). Give one of them, or the full 40-character SHA of another, whose image tag is then looked up in the registry.`
    ],
    [
      'a history with no commit at all',
      'abc1234',
      [bare],
      "rollback-to 'abc1234': the history of deployment/old records no commit (no revision was deployed by build-and-deploy). Give the full 40-character SHA, whose image tag is then looked up in the registry."
    ]
  ])('refuses %s', (_, prefix, histories, message) => {
    expect(() => resolveCommitPrefix(prefix, histories)).toThrow(message)
  })

  it('lists at most 10 known commits', () => {
    const many: WorkloadHistory = {
      workload: web.workload,
      rows: Array.from({ length: 12 }, (_, i) => ({
        revision: 12 - i,
        commit: String(i).padStart(2, '0').repeat(20),
        images: [],
        live: i === 0
      }))
    }
    expect(() => resolveCommitPrefix('fffffff', [many])).toThrow(/, and 2 more\. Give one of them/)
  })
})

describe('after a rollback', () => {
  it.each([
    [web, `deployment/web: live revision 3, image r/web:${c}, commit ${c.slice(0, 12)}`],
    [bare, 'deployment/old: live revision 1, image nginx, no commit recorded'],
    [{ ...web, rows: web.rows.map(r => ({ ...r, live: false })) }, 'deployment/web: no live revision in its history']
  ])('logs what runs: %#', (history, line) => {
    expect(describeLive(history)).toBe(line)
  })

  it('summarises the live revision of each workload in mode rollback only', () => {
    const report: RunReport = {
      result: 'succeeded',
      mode: 'rollback',
      dryRun: false,
      images: [],
      resources: [],
      waits: [],
      applied: [],
      durationMs: 1200,
      history: [web, bare]
    }
    const summary = renderSummary(report)
    expect(summary).toContain(
      [
        '### Rollback: live revisions',
        '',
        '| Workload | Revision | Image | Commit |',
        '| --- | --- | --- | --- |',
        `| deployment/web | 3 | \`r/web:${c}\` | \`${c.slice(0, 12)}\` |`,
        '| deployment/old | 1 | `nginx` |  |'
      ].join('\n')
    )
    expect(renderSummary({ ...report, mode: 'history' })).not.toContain('### Rollback: live revisions')
  })
})
