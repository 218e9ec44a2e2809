import { describe, expect, it } from '@jest/globals'
import { deployReference } from '../../src/build/build-step.js'

describe('deployReference (issue 23)', () => {
  const digest = 'sha256:' + 'a'.repeat(64)
  it.each<[string, string | undefined, string, string]>([
    ['{sha}', digest, 'r.io/web:0123', 'r.io/web:0123'],
    ['{branch}-{sha}', digest, 'r.io/web:main-0123', 'r.io/web:main-0123'],
    ['{branch}', digest, 'r.io/web:main', `r.io/web:main@${digest}`],
    ['{short_sha}', digest, 'r.io/web:0123456', `r.io/web:0123456@${digest}`],
    ['v{run_number}', digest, 'r.io/web:v42', `r.io/web:v42@${digest}`],
    // push: false has no digest to pin to.
    ['{branch}', undefined, 'r.io/web:main', 'r.io/web:main']
  ])('%s with digest %s: %s → %s', (template, found, reference, deployed) => {
    expect(deployReference(reference, found, template)).toBe(deployed)
  })

  it.each<[string, string | undefined, string, string]>([
    ['{sha}', digest, 'r.io/web:0123', `r.io/web:0123@${digest}`],
    ['{branch}', digest, 'r.io/web:main', `r.io/web:main@${digest}`],
    ['{sha}', undefined, 'r.io/web:0123', 'r.io/web:0123']
  ])('with pin-digest, %s with digest %s: %s → %s', (template, found, reference, deployed) => {
    expect(deployReference(reference, found, template, true)).toBe(deployed)
  })
})
