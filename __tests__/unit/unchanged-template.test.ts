import { describe, expect, it } from '@jest/globals'
import { keepUnchangedTemplate } from '../../src/manifests/annotate.js'
import type { KubeObject } from '../../src/manifests/documents.js'

const a = 'a'.repeat(40)
const b = 'b'.repeat(40)
const statefulSet = (
  image: string,
  templateCommit: string | undefined,
  objectAnnotations: Record<string, string>
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', annotations: objectAnnotations },
  spec: {
    replicas: 2,
    template: {
      metadata: {
        labels: { app: 'db' },
        ...(templateCommit ? { annotations: { 'build-and-deploy/commit': templateCommit } } : {})
      },
      spec: { containers: [{ name: 'db', image }] }
    }
  }
})
const record = (commit: string) => ({
  'build-and-deploy/commit': commit,
  'build-and-deploy/run-url': `https://ci/${commit[0]}`,
  'kubernetes.io/change-cause': `build-and-deploy: commit from ${commit.slice(0, 12)}`
})

describe('keepUnchangedTemplate', () => {
  it('keeps the live template commit and change-cause when only the commit differs, and records the new commit on the object', () => {
    const live = statefulSet('pg:16', a, record(a))
    const applied = statefulSet('pg:16', b, record(b))
    const dryRun = structuredClone(applied)
    expect(keepUnchangedTemplate(applied, dryRun, live)).toBe(false)
    for (const object of [applied, dryRun]) {
      expect((object.spec as any).template.metadata.annotations).toEqual({ 'build-and-deploy/commit': a })
      expect(object.metadata.annotations).toEqual({
        ...record(b),
        'kubernetes.io/change-cause': record(a)['kubernetes.io/change-cause']
      })
    }
  })

  it('adds no commit to a live template that has none, so adopting a workload does not restart it', () => {
    const live = statefulSet('pg:16', undefined, {})
    const applied = statefulSet('pg:16', b, record(b))
    expect(keepUnchangedTemplate(applied, structuredClone(applied), live)).toBe(false)
    expect((applied.spec as any).template.metadata).toEqual({ labels: { app: 'db' } })
    expect(applied.metadata.annotations).toEqual({
      'build-and-deploy/commit': b,
      'build-and-deploy/run-url': 'https://ci/b'
    })
  })

  it.each([
    ['a new image', statefulSet('pg:17', b, record(b))],
    [
      'a new label on the template',
      (() => {
        const o = statefulSet('pg:16', b, record(b))
        ;(o.spec as any).template.metadata.labels.tier = 'data'
        return o
      })()
    ]
  ])('leaves everything as applied for %s', (_, applied) => {
    const before = structuredClone(applied)
    expect(keepUnchangedTemplate(applied, structuredClone(applied), statefulSet('pg:16', a, record(a)))).toBe(true)
    expect(applied).toEqual(before)
  })

  it('does not touch objects without a pod template', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }
    expect(keepUnchangedTemplate(pod, structuredClone(pod), structuredClone(pod))).toBe(true)
  })
})
