import { describe, expect, it } from '@jest/globals'
import { SourcedObject } from '../../src/manifests/documents.js'
import { deletedAfter, hookPolicy, planPhases } from '../../src/plan/phases.js'

let document = 0
const item = (kind: string, name: string, annotations?: Record<string, string>): SourcedObject => ({
  file: 'chart.yaml',
  document: ++document,
  object: {
    apiVersion: kind === 'Job' ? 'batch/v1' : 'v1',
    kind,
    metadata: { name, ...(annotations ? { annotations } : {}) }
  }
})
const names = (steps: Array<{ weight: number; objects: SourcedObject[] }>) =>
  steps.map(s => `${s.weight}:${s.objects.map(o => o.object.metadata.name).join(',')}`)

describe('planPhases', () => {
  const objects = [
    item('Deployment', 'web'),
    item('Job', 'migrate', { 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '5' }),
    item('ConfigMap', 'migrate-config', { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-weight': '-5' }),
    item('Job', 'seed', { 'helm.sh/hook': 'post-install' }),
    item('Job', 'notify', { 'helm.sh/hook': 'post-upgrade,post-install', 'helm.sh/hook-weight': '-1' }),
    item('Pod', 'smoke', { 'helm.sh/hook': 'test' }),
    item('Job', 'backup', { 'helm.sh/hook': 'pre-delete' }),
    item('Job', 'ours', { 'build-and-deploy/phase': 'pre-deploy', 'helm.sh/hook-weight': '5' }),
    item('Job', 'warm', { 'build-and-deploy/phase': 'post-deploy' }),
    item('Service', 'web')
  ]

  it("an install runs the install hooks, by ascending weight, ours beside Helm's", () => {
    const plan = planPhases(objects, true)
    expect(names(plan.pre)).toEqual(['5:migrate,ours'])
    expect(names(plan.post)).toEqual(['-1:notify', '0:seed,warm'])
    expect(plan.main.map(o => o.object.metadata.name)).toEqual(['web', 'web'])
    expect(plan.skipped.map(s => [s.object.object.metadata.name, s.why])).toEqual([
      ['migrate-config', 'helm.sh/hook: pre-upgrade does not run on an install'],
      ['smoke', 'helm.sh/hook: test does not run on an install'],
      ['backup', 'helm.sh/hook: pre-delete does not run on an install']
    ])
  })

  it('an upgrade runs the upgrade hooks', () => {
    const plan = planPhases(objects, false)
    expect(names(plan.pre)).toEqual(['-5:migrate-config', '5:migrate,ours'])
    expect(names(plan.post)).toEqual(['-1:notify', '0:warm'])
    expect(plan.skipped.map(s => s.object.object.metadata.name)).toEqual(['seed', 'smoke', 'backup'])
  })

  it('plain manifests are all main', () => {
    const plain = [item('Deployment', 'a'), item('Service', 'a')]
    expect(planPhases(plain, false)).toEqual({ pre: [], main: plain, post: [], skipped: [] })
  })

  it('reports every bad annotation at once, naming the document', () => {
    const bad = [
      item('Job', 'a', { 'build-and-deploy/phase': 'before' }),
      item('Job', 'b', { 'helm.sh/hook': 'pre-instal' }),
      item('Job', 'c', { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-weight': 'heavy' }),
      item('Job', 'd', { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-delete-policy': 'always' })
    ]
    expect(() => planPhases(bad, false)).toThrow(
      [
        /chart\.yaml document \d+ \(Job a\): build-and-deploy\/phase is 'before'; expected pre-deploy or post-deploy/,
        /\(Job b\): helm\.sh\/hook names 'pre-instal'; Helm knows pre-install/,
        /\(Job c\): helm\.sh\/hook-weight is 'heavy'; expected an integer/,
        /\(Job d\): helm\.sh\/hook-delete-policy names 'always'; expected before-hook-creation, hook-succeeded, hook-failed/
      ].reduce((all, r) => new RegExp(`${all.source}[\\s\\S]*${r.source}`))
    )
  })
})

describe('delete policies', () => {
  it.each([
    [{}, true, false],
    [{}, false, false],
    [{ 'helm.sh/hook-delete-policy': 'hook-succeeded' }, true, true],
    [{ 'helm.sh/hook-delete-policy': 'hook-succeeded' }, false, false],
    [{ 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-failed' }, false, true],
    [{ 'helm.sh/hook-delete-policy': 'hook-failed' }, true, false]
  ])('%j after %s: deleted %s', (annotations, succeeded, deleted) => {
    const policy = hookPolicy(item('Job', 'j', { 'helm.sh/hook': 'pre-upgrade', ...annotations }))
    expect(deletedAfter(policy, succeeded)).toBe(deleted)
  })

  it('before-hook-creation is the default, as in Helm', () => {
    expect(hookPolicy(item('Job', 'j', { 'helm.sh/hook': 'pre-upgrade' })).deletePolicies).toEqual([
      'before-hook-creation'
    ])
  })
})
