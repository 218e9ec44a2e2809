import { describe, expect, it } from '@jest/globals'
import type { ReleaseRecord } from '../../src/releases/record.js'
import { chooseRelease, RollbackTarget } from '../../src/releases/rollback-choice.js'
import { secretMatchesRecord, recordedObject } from '../../src/releases/record.js'

const release = (number: number, commit: string, result: ReleaseRecord['result'] = 'succeeded'): ReleaseRecord => ({
  version: 1,
  name: 'deploy',
  number,
  commit: commit.padEnd(40, '0'),
  result,
  time: `2026-12-0${number}T10:00:00.000Z`,
  images: [],
  changes: [],
  objects: []
})

describe('chooseRelease', () => {
  const records = [release(1, 'aaaaaaa'), release(2, 'bbbbbbb'), release(3, 'ccccccc', 'rolled-back')]
  it.each<[string, ReleaseRecord[], RollbackTarget, number | undefined, string]>([
    [
      'previous: the last good one before the newest, which failed',
      records,
      { kind: 'previous' },
      2,
      'the last good one before release 3'
    ],
    [
      'previous: the one before the newest, when that succeeded',
      records.slice(0, 2),
      { kind: 'previous' },
      1,
      'rollback-to previous: release 1'
    ],
    [
      'previous: none before the only one, so each workload is undone',
      records.slice(0, 1),
      { kind: 'previous' },
      undefined,
      'No successful release of deploy before release 1'
    ],
    [
      'previous after a failed release left live (rollback-on-failure: false): the last good one',
      [release(1, 'aaaaaaa'), release(2, 'bbbbbbb'), release(3, 'ddddddd', 'failed')],
      { kind: 'previous' },
      2,
      'the last good one before release 3'
    ],
    [
      'no records at all: the per-workload way, said so',
      [],
      { kind: 'previous' },
      undefined,
      'No release records of deploy'
    ],
    [
      'a commit prefix: its newest successful release',
      [...records, release(4, 'aaaaaaa')],
      { kind: 'sha', sha: 'aaaaaaa' },
      4,
      `commit ${'aaaaaaa'.padEnd(40, '0')}, release 4`
    ],
    [
      'a commit with no successful release: redeployed with the images',
      records,
      { kind: 'sha', sha: 'ccccccc' },
      undefined,
      'No successful release of deploy has commit ccccccc'
    ],
    ['a release number', records, { kind: 'release', number: 1 }, 1, 'rollback-to release-1: release 1'],
    [
      'a revision number is never a release',
      records,
      { kind: 'revision', revision: 2 },
      undefined,
      'is a revision number'
    ]
  ])('%s', (_, list, target, number, why) => {
    const choice = chooseRelease(list, target, 'deploy')
    expect(choice.release?.number).toBe(number)
    expect(choice.why).toContain(why)
  })

  it.each<[RollbackTarget, string]>([
    [{ kind: 'release', number: 9 }, 'rollback-to release-9: no such release of deploy; kept: 1, 2, 3.'],
    [{ kind: 'release', number: 3 }, 'rollback-to release-3: that release was rolled-back; pick one that succeeded.']
  ])('refuses %j', (target, message) => {
    expect(() => chooseRelease(records, target, 'deploy')).toThrow(message)
  })

  it('refuses a prefix two recorded commits share', () => {
    expect(() =>
      chooseRelease([release(1, 'abcdef01'), release(2, 'abcdef02')], { kind: 'sha', sha: 'abcdef0' }, 'deploy')
    ).toThrow('rollback-to abcdef0 names several recorded commits: abcdef010000, abcdef020000. Give more characters.')
  })
})

describe('secretMatchesRecord', () => {
  const recorded = recordedObject({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db' },
    stringData: { password: 'pw', user: 'app' }
  })
  const data = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
  it.each([
    ['the same values (by hash)', { data: data({ password: 'pw', user: 'app' }) }, true],
    ['a changed value', { data: data({ password: 'other', user: 'app' }) }, false],
    ['a key more', { data: data({ password: 'pw', user: 'app', extra: 'x' }) }, false],
    ['a key less', { data: data({ password: 'pw' }) }, false],
    ['no live Secret', undefined, false]
  ])('%s: %s', (_, live, matches) => {
    expect(secretMatchesRecord(recorded, live)).toBe(matches)
  })
})
