import { describe, expect, it } from '@jest/globals'
import { dryRunName, isImmutableJobUpdate, withLiveTemplateCommit } from '../../src/deploy/job-replace.js'
import type { KubeObject } from '../../src/manifests/documents.js'

// The cause the v1.36 API server gives for an apply that changes a Job's template (message cut after the value).
const immutable = {
  reason: 'FieldValueInvalid',
  field: 'spec.template',
  message: 'Invalid value: core.PodTemplateSpec{…}: field is immutable'
}

describe('isImmutableJobUpdate', () => {
  it.each([
    ['Job', 422, [immutable], true],
    ['Job', 422, [immutable, { field: 'spec.selector', message: 'Invalid value: …: field is immutable' }], true],
    ['Job', 422, [immutable, { field: 'spec.template.spec.containers[0].image', message: 'Required value' }], false],
    ['Job', 422, [], false],
    ['Job', 409, [immutable], false],
    ['CronJob', 422, [immutable], false],
    ['Deployment', 422, [immutable], false]
  ])('%s, HTTP %i, %j → %s', (kind, code, causes, expected) => {
    expect(isImmutableJobUpdate(kind, code, causes)).toBe(expected)
  })
})

describe('withLiveTemplateCommit', () => {
  const job = (commit: string | undefined, image: string, annotations: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', annotations },
    spec: {
      template: {
        metadata: { annotations: commit ? { 'build-and-deploy/commit': commit, team: 'db' } : { team: 'db' } },
        spec: { containers: [{ name: 'm', image }] }
      }
    }
  })

  it('takes the live template commit and run records, nothing else', () => {
    const live = job('aaa', 'api:1', { 'build-and-deploy/image': 'api:1', 'kubernetes.io/change-cause': 'from aaa' })
    const next = job('bbb', 'api:2', {
      'build-and-deploy/image': 'api:2',
      'kubernetes.io/change-cause': 'from bbb',
      'build-and-deploy/commit': 'bbb'
    })
    const kept = withLiveTemplateCommit(next, live)
    expect((kept.spec as any).template.metadata.annotations).toEqual({ 'build-and-deploy/commit': 'aaa', team: 'db' })
    expect((kept.spec as any).template.spec.containers[0].image).toBe('api:2')
    expect(kept.metadata.annotations).toEqual({
      'build-and-deploy/image': 'api:1',
      'kubernetes.io/change-cause': 'from aaa',
      'build-and-deploy/commit': 'bbb'
    })
    expect((next.spec as any).template.metadata.annotations['build-and-deploy/commit']).toBe('bbb')
  })

  it('drops the commit when the live Job was applied without one (by kubectl)', () => {
    const kept = withLiveTemplateCommit(
      job('bbb', 'api:1', { 'build-and-deploy/image': 'api:1' }),
      job(undefined, 'api:1')
    )
    expect((kept.spec as any).template.metadata.annotations).toEqual({ team: 'db' })
    expect(kept.metadata.annotations).toEqual({})
  })
})

describe('dryRunName', () => {
  it.each([
    ['migrate', 'migrate-bnd-dry-run'],
    ['a'.repeat(63), `${'a'.repeat(48)}-bnd-dry-run`],
    [`${'a'.repeat(47)}-x`, `${'a'.repeat(47)}-bnd-dry-run`]
  ])('%s → %s', (name, expected) => {
    expect(dryRunName(name)).toBe(expected)
    expect(dryRunName(name).length).toBeLessThanOrEqual(63)
  })
})
