import { describe, expect, it } from '@jest/globals'
import { annotateWorkload } from '../../src/manifests/annotate.js'
import { readObjects } from '../../src/manifests/documents.js'
import { builtImagesOutput, renderSummary } from '../../src/report/summary.js'
import type { RunReport } from '../../src/report/run-report.js'

const sha = 'abcdef0123456789abcdef0123456789abcdef01'
const origin = {
  sha,
  runUrl: 'https://github.com/acme/web/actions/runs/9',
  actor: 'octo',
  images: ['r.io/web:abc', 'r.io/other:abc']
}

describe('annotateWorkload', () => {
  it('records the commit and the images it runs on the object, and only the commit on its pod template', () => {
    const [cronJob] = readObjects(
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, annotations: {keep: me}}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: [{name: c, image: r.io/web:abc}]}\n',
      'f',
      []
    )
    const annotated = annotateWorkload(cronJob.object, origin) as any
    expect(annotated.metadata.annotations).toEqual({
      keep: 'me',
      'build-and-deploy/commit': sha,
      'build-and-deploy/run-url': origin.runUrl,
      'build-and-deploy/actor': 'octo',
      'build-and-deploy/image': 'r.io/web:abc',
      'kubernetes.io/change-cause': `build-and-deploy: r.io/web:abc from abcdef012345 by octo (${origin.runUrl})`
    })
    expect(annotated.spec.jobTemplate.spec.template.metadata.annotations).toEqual({ 'build-and-deploy/commit': sha })
    expect((cronJob.object as any).metadata.annotations).toEqual({ keep: 'me' })
  })

  it('leaves other kinds alone', () => {
    const [configMap] = readObjects('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'f', [])
    expect(annotateWorkload(configMap.object, origin)).toBe(configMap.object)
  })

  it('names no image on a workload that runs none of the built ones', () => {
    const [sts] = readObjects(
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec: {containers: [{name: c, image: postgres:17}]}\n',
      'f',
      []
    )
    const annotations = (annotateWorkload(sts.object, origin) as any).metadata.annotations
    expect(annotations['build-and-deploy/image']).toBeUndefined()
    expect(annotations['kubernetes.io/change-cause']).toMatch(/^build-and-deploy: commit from abcdef012345/)
  })
})

describe('readObjects', () => {
  it('reports every problem with file, document and line', () => {
    const problems: string[] = []
    const text =
      'kind: ConfigMap\nmetadata: {name: a}\n---\n- a list\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {a: [}\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n'
    const objects = readObjects(text, 'm.yaml', problems)
    expect(objects.map(o => [o.document, o.object.metadata.name])).toEqual([[5, 'ok']])
    expect(problems[0]).toBe(
      'm.yaml document 1: ConfigMap object has no apiVersion; every object needs apiVersion, kind and metadata.name (generateName cannot be applied server-side)'
    )
    expect(problems[1]).toBe(
      'm.yaml document 2: expected a Kubernetes object (a YAML mapping with apiVersion, kind and metadata.name)'
    )
    expect(problems[2]).toMatch(/^m\.yaml document 3 \(line 9, column \d+\): invalid YAML: /)
  })

  it('explains a name that YAML 1.1 reads as a boolean', () => {
    const problems: string[] = []
    readObjects('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: no}\n', 'f.yaml', problems)
    expect(problems).toEqual([
      'f.yaml document 1: metadata.name must be a string, but reads as false (YAML 1.1 takes y/n/yes/no/on/off as booleans and leading-zero numbers as octal); quote it'
    ])
  })
})

describe('renderSummary', () => {
  const report: RunReport = {
    result: 'failed',
    mode: 'deploy',
    dryRun: false,
    images: [
      {
        name: 'web',
        repository: 'r.io/web',
        tags: { primary: sha, all: [sha, 'latest'] },
        reference: `r.io/web:${sha}`,
        deployed: `r.io/web:${sha}`,
        digest: 'sha256:' + 'a'.repeat(64),
        reused: false
      }
    ],
    resources: [
      { kind: 'Deployment', namespace: 'prod', name: 'web', action: 'configured', rollout: 'failed', durationMs: 2500 }
    ],
    waits: [
      {
        item: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespace: 'prod', name: 'web' },
        state: 'failed',
        message: 'deployment/web: pod web-1 container web is CrashLoopBackOff',
        durationMs: 2500,
        diagnosis: {
          pod: 'web-1',
          container: 'web',
          reason: 'CrashLoopBackOff',
          message: 'back-off 10s',
          restartCount: 4,
          previousLog: true,
          events: ['BackOff: Back-off restarting'],
          logs: ['panic: no DATABASE_URL']
        }
      }
    ],
    applied: [],
    error: 'Rollout failed',
    durationMs: 3100
  }

  it('tables the image and resources and explains the failure', () => {
    const summary = renderSummary(report)
    expect(summary).toContain('## ❌ build-and-deploy: failed in 3.1s')
    expect(summary).toContain(`| \`r.io/web\` | \`${sha}\`, \`latest\` | \`sha256:${'a'.repeat(64)}\` | built |`)
    expect(summary).toContain('| Deployment/web | prod | configured | failed | 2.5s |')
    expect(summary).toContain('pod web-1, container web: CrashLoopBackOff — back-off 10s (restarts: 4)')
    expect(summary).toContain('  event BackOff: Back-off restarting')
    expect(summary).toContain('  last log lines (previous container):\n    panic: no DATABASE_URL')
  })

  it("shows where traffic went: blue-green before → after, a canary's stage and share, pruned objects", () => {
    const base = { ...report, result: 'succeeded' as const, error: undefined, waits: [] }
    expect(
      renderSummary({
        ...base,
        traffic: { strategy: 'blue-green', before: 'blue', after: 'green', services: ['web', 'api'], switched: true }
      })
    ).toContain('| service/web, service/api | blue | **green** |')
    expect(
      renderSummary({
        ...base,
        traffic: { strategy: 'blue-green', before: 'blue', after: 'blue', services: ['web'], switched: false }
      })
    ).toContain('| service/web | blue | blue (not switched) |')
    const canary = renderSummary({
      ...base,
      traffic: {
        strategy: 'canary',
        stage: 'canary',
        replicaPercent: 25,
        weight: 20,
        canaries: [{ name: 'web-canary', replicas: 1, stable: 'web', stableReplicas: 3 }],
        added: ['deployment/web-canary', 'ingress/web-canary']
      }
    })
    expect(canary).toContain('### Canary: canary')
    expect(canary).toContain('| deployment/web-canary | 1 | deployment/web | 3 |')
    expect(canary).toContain('The canaries have 25 % of the pods; their Ingresses get 20 % of the requests.')
    expect(
      renderSummary({
        ...base,
        traffic: {
          strategy: 'canary',
          stage: 'aborted',
          replicaPercent: 0,
          weight: 0,
          canaries: [],
          added: ['deployment/web-canary']
        }
      })
    ).toContain('Deleted: deployment/web-canary.')
    expect(
      renderSummary({
        ...base,
        resources: [{ kind: 'Service', namespace: 'prod', name: 'old', action: 'pruned', note: 'already deleted' }]
      })
    ).toContain('| Service/old | prod | pruned (already deleted) |')
  })
})

describe('builtImagesOutput', () => {
  it('keys every image by name, with a digest reference only when pushed', () => {
    const tags = { primary: sha, all: [sha, 'latest'] }
    expect(
      builtImagesOutput([
        {
          name: 'api',
          repository: 'r.io/acme/api',
          tags,
          reference: `r.io/acme/api:${sha}`,
          deployed: `r.io/acme/api:${sha}`,
          digest: 'sha256:' + 'b'.repeat(64),
          reused: true
        },
        {
          name: 'web',
          repository: 'r.io/acme/web',
          tags,
          reference: `r.io/acme/web:${sha}`,
          deployed: `r.io/acme/web:${sha}`,
          reused: false
        }
      ])
    ).toEqual({
      api: {
        image: `r.io/acme/api:${sha}`,
        digest: 'sha256:' + 'b'.repeat(64),
        imageRef: 'r.io/acme/api@sha256:' + 'b'.repeat(64),
        tags: [`r.io/acme/api:${sha}`, 'r.io/acme/api:latest'],
        reused: true
      },
      web: {
        image: `r.io/acme/web:${sha}`,
        digest: null,
        imageRef: null,
        tags: [`r.io/acme/web:${sha}`, 'r.io/acme/web:latest'],
        reused: false
      }
    })
  })
})
