import { describe, expect, it } from '@jest/globals'
import { worthMasking } from '../../src/manifests/patch.js'

describe('worthMasking (which Secret values become log masks)', () => {
  it.each([
    ['app', false],
    ['postgres', false],
    ['Postgres', false],
    ['ADMIN', false],
    ['5432', false],
    ['  app  ', false],
    ['abc12', false],
    ['change-me', true],
    ['hunter22', true],
    ['s3cr3t!', true],
    ['correcthorsebatterystaple', true],
    ['sv-0123456789abcdef01234567', true],
    ['-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----', true]
  ])('%j → %s', (value, expected) => {
    expect(worthMasking(value)).toBe(expected)
  })
})
