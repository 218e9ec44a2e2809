import { describe, expect, it } from '@jest/globals'
import type { Verdict, WorkloadObject } from '../../src/status/reader.js'
import { rolloutVerdict } from '../../src/status/readers.js'
import { statusGraceMs } from '../../src/status/generic.js'

const widget = (status: Record<string, unknown> | undefined, generation = 2): WorkloadObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', generation },
  status
})
const condition = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  reason,
  message
})

describe('custom resources by kstatus rules', () => {
  const cases: Array<{ name: string; object: WorkloadObject; ageMs?: number; expected: Verdict }> = [
    {
      name: 'Ready=True of a generation not yet observed is not ready (the race)',
      object: widget({ observedGeneration: 1, conditions: [condition('Ready', 'True')] }),
      expected: { state: 'progressing', message: 'widget/w: waiting for its controller to observe generation 2' }
    },
    {
      name: 'Ready=True, observed',
      object: widget({ observedGeneration: 2, conditions: [condition('Ready', 'True')] }),
      expected: { state: 'done', message: 'widget/w is ready' }
    },
    {
      name: 'Stalled=True fails at once with its reason',
      object: widget({
        observedGeneration: 2,
        conditions: [
          condition('Ready', 'False', 'Progressing'),
          condition('Stalled', 'True', 'InvalidSpec', 'size must be positive')
        ]
      }),
      expected: { state: 'failed', message: 'widget/w is stalled: InvalidSpec: size must be positive' }
    },
    {
      name: 'Ready=False with a terminal reason fails',
      object: widget({ conditions: [condition('Ready', 'False', 'ValidationFailed', 'bad url')] }),
      expected: { state: 'failed', message: 'widget/w is not ready: ValidationFailed: bad url' }
    },
    {
      name: 'Ready=False with a working reason waits',
      object: widget({ conditions: [condition('Ready', 'False', 'Provisioning', 'creating bucket')] }),
      expected: { state: 'progressing', message: 'widget/w is not ready yet: Provisioning: creating bucket' }
    },
    {
      name: 'Reconciling=True waits even when Ready=True',
      object: widget({ conditions: [condition('Ready', 'True'), condition('Reconciling', 'True', 'Progressing')] }),
      expected: { state: 'progressing', message: 'widget/w is reconciling: Progressing' }
    },
    {
      name: 'no status, just applied: grace for its controller',
      object: widget(undefined),
      ageMs: 100,
      expected: { state: 'progressing', message: 'widget/w: waiting for its controller to report a status' }
    },
    {
      name: 'no status after the grace: current, and said so',
      object: widget({}),
      ageMs: statusGraceMs,
      expected: { state: 'done', message: 'widget/w: no status reported', note: 'no status reported' }
    },
    {
      name: 'a status without conditions, observed',
      object: widget({ observedGeneration: 2, replicas: 1 }),
      ageMs: 0,
      expected: { state: 'done', message: 'widget/w is current' }
    },
    {
      name: 'conditions that are not objects are ignored',
      object: widget({ conditions: [null, 'x'] }),
      ageMs: 0,
      expected: { state: 'done', message: 'widget/w is current' }
    }
  ]
  it.each(cases)('$name', ({ object, ageMs, expected }) => {
    expect(rolloutVerdict(object, { ageMs: ageMs ?? 0 })).toEqual(expected)
  })

  it('a built-in kind the wait has no rule for is current at once', () => {
    expect(
      rolloutVerdict({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' } }, { ageMs: 0 })
    ).toEqual({ state: 'done', message: 'ingress/i is current' })
  })
})
