import { describe, expect, it } from '@jest/globals'
import { lockNamespace } from '../../src/run/lock.js'
import type { KubeObject } from '../../src/manifests/documents.js'

const object = (kind: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: kind.toLowerCase(), ...(namespace ? { namespace } : {}) }
})

describe('lockNamespace', () => {
  it.each<[string, KubeObject[], string | undefined, string | undefined, string]>([
    [
      'the workload names its namespace',
      [object('ConfigMap', 'other'), object('Deployment', 'shop')],
      undefined,
      'ctx',
      'shop'
    ],
    ['the input fills in a workload without one', [object('Deployment')], 'shop', 'ctx', 'shop'],
    ['the context fills in without the input', [object('Deployment')], undefined, 'ctx', 'ctx'],
    ['with neither, default', [object('StatefulSet')], undefined, undefined, 'default'],
    ['the first workload decides', [object('Job', 'jobs'), object('Deployment', 'web')], undefined, undefined, 'jobs'],
    ['no workload: the namespace objects default to', [object('ConfigMap', 'elsewhere')], undefined, 'ctx', 'ctx'],
    [
      'the same Lease with and without the input when they agree',
      [object('Deployment', 'shop')],
      'shop',
      undefined,
      'shop'
    ]
  ])('%s', (_, objects, input, context, expected) => {
    expect(lockNamespace(objects, input, context)).toBe(expected)
  })
})
