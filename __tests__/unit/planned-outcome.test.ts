import { describe, expect, it } from '@jest/globals'
import { plannedOutcome } from '../../src/deploy/apply.js'
import type { Target } from '../../src/plan/apply-plan.js'
import type { KubeObject } from '../../src/manifests/documents.js'

const configMap = (data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop', ...extra },
  data
})
const applied = {
  resourceVersion: '41',
  uid: 'u1',
  managedFields: [{ manager: 'build-and-deploy', operation: 'Apply', time: '2026-12-01T10:00:00Z' }]
}
const target = (object: KubeObject): Target => ({
  source: { file: 'app.yaml', document: 1, object },
  object,
  plural: 'configmaps',
  namespaced: true,
  awaitsCrd: false
})

describe('plannedOutcome: whether the apply is sent at all', () => {
  const live = configMap({ level: 'info' }, applied)
  it.each([
    ['the dry run returns the live object exactly', configMap({ level: 'info' }, applied), 'unchanged', true],
    ['a value changes', configMap({ level: 'debug' }, applied), 'configured', false],
    // Same values, but the action would take ownership of fields another manager holds: the write records that.
    [
      'only managedFields change',
      configMap(
        { level: 'info' },
        {
          ...applied,
          managedFields: [
            ...applied.managedFields,
            { manager: 'kubectl', operation: 'Update', time: '2026-12-01T09:00:00Z' }
          ]
        }
      ),
      'unchanged',
      false
    ],
    // The live object moved on between the dry run and the read: nothing can be said, so it is sent.
    [
      'the live object changed since the dry run',
      configMap({ level: 'info' }, { ...applied, resourceVersion: '40' }),
      'unchanged',
      false
    ]
  ])('%s', (_, result, action, noOp) => {
    const outcome = plannedOutcome(target(configMap({ level: 'info' })), result as never, true, live, false)
    expect(outcome.action).toBe(action)
    expect(outcome.noOp ?? false).toBe(noOp)
  })

  it('never skips a create', () => {
    const outcome = plannedOutcome(
      target(configMap({ level: 'info' })),
      configMap({ level: 'info' }) as never,
      false,
      undefined,
      false
    )
    expect(outcome).toMatchObject({ action: 'created' })
    expect(outcome.noOp).toBeUndefined()
  })
})
