import { describe, expect, it } from '@jest/globals'
import {
  planTags,
  renderTag,
  reuseVerdict,
  sanitizeBranch,
  templateNamesCommit,
  validateTagTemplate
} from '../../src/build/tags.js'

const sha = '0123456789abcdef0123456789abcdef01234567'
const context = { sha, branch: 'feature/Login-page', runNumber: '42' }

describe('renderTag', () => {
  it.each([
    ['{sha}', sha],
    ['{short_sha}', '0123456'],
    ['{branch}-{short_sha}', 'feature-Login-page-0123456'],
    ['v{run_number}', 'v42'],
    ['release', 'release']
  ])('%s → %s', (template, tag) => {
    expect(renderTag(template, context)).toBe(tag)
  })

  it.each([
    ['{commit}', /unknown placeholder \{commit\}/],
    ['{sha', /unbalanced/],
    ['-{sha}', /not a valid image tag/],
    ['{sha}{sha}{sha}{sha}', /not a valid image tag/]
  ])('rejects %s', (template, message) => {
    expect(() => renderTag(template, context)).toThrow(message)
  })

  it('names a placeholder the run lacks', () => {
    expect(() => renderTag('{branch}', { sha })).toThrow(
      "The tag '{branch}' uses {branch}, but this run has no branch."
    )
  })

  it('validates without rendering', () => {
    expect(() => validateTagTemplate('{x}', 'extra-tags')).toThrow(/Invalid extra-tags '\{x\}'/)
    expect(sanitizeBranch('.hidden/x y')).toBe('hidden-x-y')
  })
})

describe('planTags', () => {
  it.each([
    ['auto', 'main', 'main', ['{short_sha}'], [sha, '0123456', 'latest']],
    ['auto', 'dev', 'main', [], [sha]],
    ['auto', 'main', undefined, [], [sha]],
    ['true', 'dev', 'main', [], [sha, 'latest']],
    ['false', 'main', 'main', ['{sha}'], [sha]]
  ] as const)('latest=%s on %s (default %s)', (latest, branch, defaultBranch, extra, tags) => {
    const plan = planTags('{sha}', [...extra], latest, { sha, branch }, defaultBranch)
    expect(plan).toEqual({ primary: sha, all: tags })
  })
})

describe('reuseVerdict (skip-existing, issue 23)', () => {
  const other = 'fedcba9876543210fedcba9876543210fedcba98'
  // [template, tag, revision label of the found image, reuse?, reason]
  it.each<[string, string, string | undefined, boolean, RegExp]>([
    ['{sha}', sha, undefined, true, /names this commit \(\{sha\} in the tag template '\{sha\}'\)/],
    ['{branch}-{sha}', `main-${sha}`, other, true, /names this commit/],
    ['{branch}', 'main', sha, true, /revision label is this commit/],
    [
      '{branch}',
      'main',
      other,
      false,
      new RegExp(`tag main exists but its org.opencontainers.image.revision label is ${other}, not this commit ${sha}`)
    ],
    [
      '{branch}',
      'main',
      undefined,
      false,
      /has no org.opencontainers.image.revision label, and the tag template '\{branch\}' does not name \{sha\}/
    ],
    ['{short_sha}', '0123456', other, false, /label is fedcba/],
    ['{short_sha}', '0123456', sha, true, /label is this commit/],
    ['v{run_number}', 'v42', '', false, /has no org.opencontainers.image.revision label/],
    ['release', 'release', other, false, /not this commit/]
  ])('%s (tag %s, label %s) → reuse %s', (template, tag, revision, reuse, reason) => {
    const verdict = reuseVerdict(template, tag, sha, revision)
    expect(verdict.reuse).toBe(reuse)
    expect(verdict.reason).toMatch(reason)
  })

  it.each([
    ['{sha}', true],
    ['{branch}-{sha}', true],
    ['{short_sha}', false],
    ['{branch}', false]
  ])('templateNamesCommit(%s) → %s', (template, names) => {
    expect(templateNamesCommit(template)).toBe(names)
  })
})
