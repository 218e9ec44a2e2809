import { describe, expect, it } from '@jest/globals'
import { gzipSync } from 'node:zlib'
import {
  changeSummary,
  decodeRecord,
  encodeRecord,
  nextReleaseNumber,
  oversizeProblem,
  recordedObject,
  ReleaseRecord,
  releasesBeyond,
  releaseSecretName
} from '../../src/releases/record.js'
import { releaseLogLines, releasesOutput } from '../../src/releases/release-log.js'

const record: ReleaseRecord = {
  version: 1,
  name: 'deploy',
  number: 3,
  commit: '0123456789abcdef0123456789abcdef01234567',
  runUrl: 'https://github.com/acme/web/actions/runs/7',
  actor: 'octo',
  result: 'succeeded',
  time: '2026-12-04T21:00:05.123Z',
  images: ['ghcr.io/acme/web:0123456789abcdef0123456789abcdef01234567'],
  changes: [
    { kind: 'ConfigMap', namespace: 'shop', name: 'web-config', action: 'configured' },
    { kind: 'Deployment', namespace: 'shop', name: 'web', action: 'configured' },
    { kind: 'Service', namespace: 'shop', name: 'web', action: 'unchanged' },
    { kind: 'Job', namespace: 'shop', name: 'migrate', action: 'created' }
  ],
  objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { GREETING: 'hi' } }]
}

describe('recordedObject', () => {
  it("keeps a Secret's keys with the SHA-256 of each value, never a value", () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { password: Buffer.from('hunter2-canary').toString('base64') },
      stringData: { token: 'tok-canary' }
    }
    const kept = recordedObject(secret)
    expect(JSON.stringify(kept)).not.toMatch(/hunter2|aHVudGVy|tok-canary/)
    expect(kept.secretHashes).toEqual({
      // sha256 of the decoded value, so data and stringData of the same value hash alike.
      password: 'sha256:35ec275e3c878ba6a3eebbabf6bef484df67eef38bcc2e0fe3a4ae9a47889245',
      token: 'sha256:ded321bd5bd4f6f845c406fc452575aab96d6a530bc3abe04344558221818f38'
    })
    expect(secret.data.password).toBeDefined()
  })

  it('leaves out the ApplySet membership label, which the prune sets on each apply', () => {
    const member = (labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { 'applyset.kubernetes.io/part-of': 'applyset-abc-v1', ...labels } }
    })
    expect(recordedObject(member({ app: 'web' })).metadata.labels).toEqual({ app: 'web' })
    expect(recordedObject(member({})).metadata).toEqual({ name: 'c' })
  })

  it('keeps any other object as it is, as a copy', () => {
    const object = record.objects[0]
    expect(recordedObject(object)).toEqual(object)
    expect(recordedObject(object)).not.toBe(object)
  })
})

describe('encodeRecord / decodeRecord', () => {
  it('round-trips through gzip and base64', () => {
    expect(decodeRecord(encodeRecord(record), 'shop/x')).toEqual(record)
  })

  it.each([
    ['not gzip', Buffer.from('{}').toString('base64'), 'cannot be read (not gzip of JSON)'],
    [
      'a newer format',
      gzipSync(JSON.stringify({ ...record, version: 2 })).toString('base64'),
      'has format 2; this version of the action reads 1'
    ]
  ])('names the record that is %s', (_, encoded, message) => {
    expect(() => decodeRecord(encoded, 'shop/build-and-deploy.release.deploy.v3')).toThrow(
      new RegExp(`shop/build-and-deploy\\.release\\.deploy\\.v3.*${message.replace(/[().;]/g, '.')}`)
    )
  })
})

describe('oversizeProblem', () => {
  it('accepts a record under 1 MiB decoded and refuses one over, saying how to get past it', () => {
    expect(oversizeProblem(Buffer.alloc(1000).toString('base64'), 3)).toBeUndefined()
    expect(oversizeProblem(Buffer.alloc(1024 * 1024).toString('base64'), 2000)).toBe(
      'The release record of these 2000 objects is 1.00 MiB compressed, and a Secret holds at most 1 MiB: split the manifests into several targets (lock-name), or set history-max: 0 to deploy without release records.'
    )
  })
})

describe('numbering and history-max', () => {
  it.each([
    [[], 1],
    [[1, 2, 3], 4],
    [[7, 9, 8], 10]
  ])('after %j comes %d (never a reused number)', (numbers, next) => {
    expect(nextReleaseNumber(numbers)).toBe(next)
  })

  it.each([
    [[1, 2, 3], 10, []],
    [[3, 1, 2, 4], 2, [1, 2]],
    [[5], 1, []],
    [[5, 6], 0, [5, 6]]
  ])('of %j with history-max %d, deletes %j', (numbers, max, deleted) => {
    expect(releasesBeyond(numbers, max)).toEqual(deleted)
  })

  it('names the Secret as a DNS subdomain', () => {
    expect(releaseSecretName('deploy', 12)).toBe('build-and-deploy.release.deploy.v12')
  })
})

describe('the releases in the log and the output', () => {
  it('counts the changes by action, creations first', () => {
    expect(changeSummary(record.changes)).toBe('1 created, 2 configured, 1 unchanged')
    expect(changeSummary([])).toBe('nothing applied')
  })

  it('lists releases newest first, shortened, with what changed', () => {
    const older = {
      ...record,
      number: 2,
      commit: 'fedcba9876543210fedcba9876543210fedcba98',
      result: 'rolled-back' as const
    }
    expect(releaseLogLines([older, record], 'deploy', 'shop')).toEqual([
      'Releases of deploy (namespace shop):',
      '  RELEASE  COMMIT   RESULT       TIME                 IMAGES       CHANGES',
      '  3        0123456  succeeded    2026-12-04 21:00:05  web:0123456  1 created, 2 configured, 1 unchanged',
      '  2        fedcba9  rolled-back  2026-12-04 21:00:05  web:0123456  1 created, 2 configured, 1 unchanged'
    ])
    expect(releaseLogLines([], 'deploy', 'shop')[0]).toContain('none recorded yet')
  })

  it('leaves the objects out of the output', () => {
    const [output] = releasesOutput([record])
    expect(output).not.toHaveProperty('objects')
    expect(output).toMatchObject({ number: 3, summary: '1 created, 2 configured, 1 unchanged' })
  })
})
