/**
 * The job summary as GitHub shows it: rendered from Markdown to HTML with a GitHub-flavoured renderer (marked, GFM
 * tables) and checked for its structure. The pages are also written to the temp directory, where
 * scripts/summary-screenshots.sh photographs them for docs/.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { marked } from 'marked'
import { renderSummary } from '../../src/report/summary.js'
import { formatDiagnosis } from '../../src/status/diagnosis-lines.js'
import type { RunReport } from '../../src/report/run-report.js'
import type { WaitOutcome } from '../../src/status/wait.js'

const sha = '3f2a9c1d0b7e4f5a6c8d9e0f1a2b3c4d5e6f7a8b'
const earlier = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d'
const image = (commit: string) => `ghcr.io/acme/web:${commit}`
const deployment = (commit: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image: image(commit) }] } } }
})
const applied = [
  {
    target: {
      source: { file: 'k8s/app.yaml', document: 2, object: deployment(sha) },
      object: deployment(sha),
      namespaced: true,
      awaitsCrd: false,
      plural: 'deployments'
    },
    action: 'configured' as const,
    result: deployment(sha),
    before: deployment(earlier),
    changes: []
  }
]
const base: RunReport = {
  result: 'succeeded',
  mode: 'deploy',
  dryRun: false,
  target: {
    commit: sha,
    ref: 'main',
    strategy: 'rolling',
    server: 'https://k8s.example.com',
    context: 'prod',
    namespace: 'shop'
  },
  images: [
    {
      name: 'web',
      repository: 'ghcr.io/acme/web',
      tags: { primary: sha, all: [sha, 'latest'] },
      reference: image(sha),
      deployed: image(sha),
      digest: `sha256:${'c'.repeat(64)}`,
      reused: false
    }
  ],
  resources: [
    { kind: 'ConfigMap', namespace: 'shop', name: 'web-config', action: 'unchanged' },
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      action: 'configured',
      rollout: 'succeeded',
      durationMs: 14_200
    },
    { kind: 'Service', namespace: 'shop', name: 'web', action: 'unchanged' }
  ],
  waits: [],
  applied,
  durationMs: 41_000
}
const crashed: WaitOutcome = {
  item: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespace: 'shop', name: 'web' },
  state: 'failed',
  message: 'deployment/web: pod web-7d9f-x2k4q container web is CrashLoopBackOff',
  durationMs: 9_800,
  diagnosis: {
    pod: 'web-7d9f-x2k4q',
    container: 'web',
    reason: 'CrashLoopBackOff',
    message: 'back-off 20s restarting failed container',
    restartCount: 3,
    previousLog: true,
    events: ['BackOff: Back-off restarting failed container web in pod web-7d9f-x2k4q'],
    logs: ['listening on :8080', 'panic: DATABASE_URL is not set']
  }
}
const failed: RunReport = {
  ...base,
  result: 'rolled-back',
  resources: base.resources.map(r =>
    r.kind === 'Deployment' ? { ...r, rollout: 'failed' as const, durationMs: 9_800 } : r
  ),
  waits: [crashed],
  error: [
    'Rollout failed:',
    crashed.message,
    ...formatDiagnosis(crashed.diagnosis!),
    'Rolled back: deployment/web to revision 4.'
  ].join('\n'),
  rollback: {
    restored: [
      {
        workload: { kind: 'Deployment', namespace: 'shop', name: 'web' },
        plan: {
          action: 'patch',
          revision: 4,
          patchType: 'json',
          patch: [],
          annotations: {},
          template: {
            metadata: { annotations: { 'build-and-deploy/commit': earlier } },
            spec: { containers: [{ name: 'web', image: image(earlier) }] }
          }
        } as never
      }
    ],
    created: [],
    deleted: false,
    notRestored: [],
    waits: [
      {
        ...crashed,
        state: 'succeeded',
        message: 'deployment/web successfully rolled out',
        durationMs: 6_100,
        diagnosis: undefined
      }
    ],
    durationMs: 6_100,
    succeeded: true
  }
}
const history: RunReport = {
  ...base,
  mode: 'history',
  images: [],
  resources: [],
  applied: [],
  history: [
    {
      workload: { kind: 'Deployment', namespace: 'shop', name: 'web' },
      rows: [
        { revision: 5, commit: sha, images: [image(sha)], created: '2026-12-03T14:02:11Z', live: true },
        { revision: 4, commit: earlier, images: [image(earlier)], created: '2026-12-02T09:40:57Z', live: false }
      ]
    }
  ]
}

const render = (report: RunReport): string => marked.parse(renderSummary(report), { gfm: true, async: false }) as string
const count = (html: string, pattern: RegExp): number => html.match(new RegExp(pattern, 'g'))?.length ?? 0
const pages: Record<string, string> = {}

describe('the job summary rendered as GitHub renders Markdown', () => {
  it('a success: one result heading, the target line, the image and resources tables, the unchanged folded', () => {
    const html = (pages.success = render(base))
    expect(count(html, /<h2>/)).toBe(1)
    expect(html).toMatch(/<h2>✅ build-and-deploy: succeeded in 41(\.0)?s<\/h2>/)
    expect(html).toContain('<strong>Commit</strong> <code>3f2a9c1d0b7e</code>')
    expect(count(html, /<table>/)).toBe(2)
    expect(html).toMatch(/<td>Deployment\/web<\/td>\s*<td>shop<\/td>\s*<td>configured<\/td>\s*<td>succeeded<\/td>/)
    expect(html).toContain('<code>ghcr.io/acme/web:9e8d7c6b5a4f</code> → <code>ghcr.io/acme/web:3f2a9c1d0b7e</code>')
    expect(html).toMatch(/<details><summary>2 unchanged<\/summary>/)
    expect(html).not.toMatch(/<td>ConfigMap\/web-config<\/td>/)
  })

  it('a rolled-back failure: the error once, the diagnosis once with its log lines in order, the rollback', () => {
    const html = (pages.failure = render(failed))
    expect(html).toMatch(/<h2>↩️ build-and-deploy: rolled-back in/)
    expect(count(html, /panic: DATABASE_URL is not set/)).toBe(1)
    expect(html.indexOf('listening on :8080')).toBeLessThan(html.indexOf('panic: DATABASE_URL'))
    expect(html).toContain('<h3>Rollout problems</h3>')
    expect(html).toMatch(/<h3>Rollback completed in/)
    expect(html).toContain('revision 4: <code>ghcr.io/acme/web:9e8d7c6b5a4f</code> (commit <code>9e8d7c6b5a4f</code>)')
    expect(html).not.toContain('deployment/web: deployment/web')
    expect(count(html, /<pre>/)).toBe(2)
  })

  it('a history: a table per workload with revision, commit and image, the live one marked', () => {
    const html = (pages.history = render(history))
    expect(html).toContain('<h3>History of deployment/web (shop)</h3>')
    expect(count(html, /<tr>/)).toBe(3)
    expect(html).toMatch(/<td>5<\/td>\s*<td><code>3f2a9c1d0b7e<\/code><\/td>/)
  })

  it("an image index: its platforms and attestations in the image's row; a leg pushed by digest says so", () => {
    const html = render({
      ...base,
      images: [
        {
          ...base.images[0],
          platforms: ['linux/amd64', 'linux/arm64'],
          attestations: ['provenance (SLSA v1) for linux/amd64, linux/arm64']
        },
        { ...base.images[0], name: 'leg', tags: { primary: sha, all: [] }, attestations: [] }
      ]
    })
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(row =>
      row[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ')
    )
    expect(rows).toContainEqual(
      expect.stringContaining(
        'built, platforms linux/amd64, linux/arm64, attestations: provenance (SLSA v1) for linux/amd64, linux/arm64'
      )
    )
    expect(rows).toContainEqual(expect.stringContaining('none (pushed by digest)'))
    expect(rows).toContainEqual(expect.stringContaining('built, attestations: none'))
  })

  it('writes the pages for the screenshots', () => {
    const dir = path.join(os.tmpdir(), 'bnd-summary-html')
    mkdirSync(dir, { recursive: true })
    const style =
      'body{font:14px -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;max-width:1140px;margin:24px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d1d9e0;padding:6px 12px}th{background:#f6f8fa}code,pre{font:12px ui-monospace,Menlo,monospace;background:#f6f8fa;border-radius:6px}code{padding:2px 4px}pre{padding:12px;overflow:auto;line-height:1.45}h2{border-bottom:1px solid #d1d9e0;padding-bottom:6px}'
    for (const [name, html] of Object.entries(pages))
      writeFileSync(
        path.join(dir, `${name}.html`),
        `<!doctype html><meta charset="utf-8"><style>${style}</style>${html}`
      )
    expect(Object.keys(pages).sort()).toEqual(['failure', 'history', 'success'])
  })
})
