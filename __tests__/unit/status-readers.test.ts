import { describe, expect, it } from '@jest/globals'
import { rolloutVerdict, Verdict, WorkloadObject } from '../../src/deploy/rollout.js'
import { statusGraceMs } from '../../src/deploy/status-readers.js'

const widget = (status: Record<string, unknown> | undefined, generation = 2): WorkloadObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', generation },
  status
})
const condition = (type: string, status: string, reason?: string, message?: string) => ({ type, status, reason, message })

describe('custom resources by kstatus rules', () => {
  const cases: Array<{ name: string; object: WorkloadObject; ageMs?: number; expected: Verdict }> = [
    {
      name: 'Ready=True of a generation not yet observed is not ready (the race)',
      object: widget({ observedGeneration: 1, conditions: [condition('Ready', 'True')] }),
      expected: { state: 'progressing', message: 'widget/w: waiting for its controller to observe generation 2' }
    },
    { name: 'Ready=True, observed', object: widget({ observedGeneration: 2, conditions: [condition('Ready', 'True')] }), expected: { state: 'done', message: 'widget/w is ready' } },
    {
      name: 'Stalled=True fails at once with its reason',
      object: widget({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'Progressing'), condition('Stalled', 'True', 'InvalidSpec', 'size must be positive')] }),
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
    { name: 'no status, just applied: grace for its controller', object: widget(undefined), ageMs: 100, expected: { state: 'progressing', message: 'widget/w: waiting for its controller to report a status' } },
    { name: 'no status after the grace: current, and said so', object: widget({}), ageMs: statusGraceMs, expected: { state: 'done', message: 'widget/w: no status reported', note: 'no status reported' } },
    { name: 'a status without conditions, observed', object: widget({ observedGeneration: 2, replicas: 1 }), ageMs: 0, expected: { state: 'done', message: 'widget/w is current' } },
    { name: 'conditions that are not objects are ignored', object: widget({ conditions: [null, 'x'] }), ageMs: 0, expected: { state: 'done', message: 'widget/w is current' } }
  ]
  it.each(cases)('$name', ({ object, ageMs, expected }) => {
    expect(rolloutVerdict(object, { ageMs: ageMs ?? 0 })).toEqual(expected)
  })

  it('a built-in kind the wait has no rule for is current at once', () => {
    expect(rolloutVerdict({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' } }, { ageMs: 0 })).toEqual({ state: 'done', message: 'ingress/i is current' })
  })
})

describe('PersistentVolumeClaims and CRDs', () => {
  const pvc = (phase: string | undefined): WorkloadObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, status: phase ? { phase } : {} })
  const crd = (conditions: object[]): WorkloadObject => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, status: { conditions } })
  it.each([
    { object: pvc('Bound'), bindingMode: 'Immediate', state: 'done' },
    { object: pvc('Pending'), bindingMode: 'Immediate', state: 'progressing' },
    { object: pvc('Pending'), bindingMode: undefined, state: 'progressing' },
    { object: pvc('Pending'), bindingMode: 'WaitForFirstConsumer', state: 'done' },
    { object: pvc('Lost'), bindingMode: 'Immediate', state: 'failed' },
    { object: crd([condition('NamesAccepted', 'True'), condition('Established', 'True')]), state: 'done' },
    { object: crd([condition('NamesAccepted', 'True')]), state: 'progressing' },
    { object: crd([condition('NamesAccepted', 'False', 'MultipleNamesNotAllowed', 'kind Widget is already in use')]), state: 'failed' }
  ])('$object.kind $object.status → $state', ({ object, bindingMode, state }) => {
    expect(rolloutVerdict(object, { ageMs: 0, bindingMode }).state).toBe(state)
  })
})

describe('Services of type LoadBalancer', () => {
  const service = (loadBalancer: object): WorkloadObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'front' }, spec: { type: 'LoadBalancer' }, status: { loadBalancer } })
  it.each([
    [{}, { state: 'progressing', message: 'service/front: waiting for a load balancer address' }],
    [{ ingress: [] }, { state: 'progressing', message: 'service/front: waiting for a load balancer address' }],
    [{ ingress: [{ ip: '203.0.113.7' }] }, { state: 'done', message: 'service/front has its address 203.0.113.7' }],
    [{ ingress: [{ hostname: 'a.elb.example' }, { ip: '203.0.113.8' }] }, { state: 'done', message: 'service/front has its address a.elb.example, 203.0.113.8' }]
  ])('%j', (loadBalancer, expected) => {
    expect(rolloutVerdict(service(loadBalancer), { ageMs: 0 })).toEqual(expected)
  })
})
