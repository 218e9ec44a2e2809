import { describe, expect, it } from '@jest/globals'
import type { WorkloadObject } from '../../src/status/reader.js'
import { rolloutVerdict } from '../../src/status/readers.js'

describe('Services of type LoadBalancer', () => {
  const service = (loadBalancer: object): WorkloadObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'front' },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer }
  })
  it.each([
    [{}, { state: 'progressing', message: 'service/front: waiting for a load balancer address' }],
    [{ ingress: [] }, { state: 'progressing', message: 'service/front: waiting for a load balancer address' }],
    [{ ingress: [{ ip: '203.0.113.7' }] }, { state: 'done', message: 'service/front has its address 203.0.113.7' }],
    [
      { ingress: [{ hostname: 'a.elb.example' }, { ip: '203.0.113.8' }] },
      { state: 'done', message: 'service/front has its address a.elb.example, 203.0.113.8' }
    ]
  ])('%j', (loadBalancer, expected) => {
    expect(rolloutVerdict(service(loadBalancer), { ageMs: 0 })).toEqual(expected)
  })
})
