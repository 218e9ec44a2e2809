import { describe, expect, it } from '@jest/globals'
import type { WorkloadObject } from '../../src/status/reader.js'
import { rolloutVerdict } from '../../src/status/readers.js'

const condition = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  reason,
  message
})

describe('CustomResourceDefinitions', () => {
  const crd = (conditions: object[]): WorkloadObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    status: { conditions }
  })
  it.each([
    { object: crd([condition('NamesAccepted', 'True'), condition('Established', 'True')]), state: 'done' },
    { object: crd([condition('NamesAccepted', 'True')]), state: 'progressing' },
    {
      object: crd([condition('NamesAccepted', 'False', 'MultipleNamesNotAllowed', 'kind Widget is already in use')]),
      state: 'failed'
    }
  ])('$object.kind $object.status → $state', ({ object, state }) => {
    expect(rolloutVerdict(object, { ageMs: 0 }).state).toBe(state)
  })

  it.each([
    [
      [condition('Established', 'True')],
      { state: 'done', message: 'customresourcedefinition/widgets.example.com is established' }
    ],
    [[], { state: 'progressing', message: 'customresourcedefinition/widgets.example.com: waiting to be established' }],
    [
      [condition('NamesAccepted', 'False', 'MultipleNamesNotAllowed', 'kind Widget is already in use')],
      {
        state: 'failed',
        message:
          'customresourcedefinition/widgets.example.com: names not accepted: MultipleNamesNotAllowed: kind Widget is already in use'
      }
    ]
  ])('%j', (conditions, expected) => {
    expect(rolloutVerdict(crd(conditions), { ageMs: 0 })).toEqual(expected)
  })
})
