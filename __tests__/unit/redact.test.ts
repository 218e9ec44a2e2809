import { describe, expect, it } from '@jest/globals'
import { parseAllDocuments } from 'yaml'
import { plannedOutcome } from '../../src/deploy/apply.js'
import { comparable, diffObjects, Target } from '../../src/plan/apply-plan.js'
import type { KubeObject } from '../../src/manifests/documents.js'
import { redactSecretValues } from '../../src/manifests/patch.js'
import { isSecret, lastAppliedAnnotation } from '../../src/manifests/redact.js'

// Canary values: none may appear, in any form, in anything printed.
const password = 'canary-pa55-w0rd-1'
const token = 'canary-t0ken-value-2'
const b64 = (text: string): string => Buffer.from(text).toString('base64')
const leaks = (text: string): string[] =>
  [password, token, b64(password), b64(token)].filter(value => text.includes(value))

const secret = (fields: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds', namespace: 'shop', ...(annotations ? { annotations } : {}) },
  type: 'Opaque',
  ...fields
})

describe('diffObjects: a Secret shows its keys, never its values', () => {
  const lastApplied = JSON.stringify(secret({ data: { password: b64(password) } }))
  it.each([
    [
      'a new Secret (a dry run before it exists)',
      undefined,
      secret({ data: { password: b64(password) }, stringData: { token } }),
      [
        {
          path: '',
          to: JSON.stringify(
            secret({ data: { password: '(redacted, 18 bytes)' }, stringData: { token: '(redacted, 20 bytes)' } })
          )
        }
      ]
    ],
    [
      'a deleted Secret',
      secret({ data: { password: b64(password) } }),
      undefined,
      [{ path: '', from: JSON.stringify(secret({ data: { password: '(redacted, 18 bytes)' } })) }]
    ],
    [
      'a changed value, and one of the same length',
      secret({ data: { password: b64(password), other: b64(token) } }),
      secret({ data: { password: b64(`${password}-longer`), other: b64(token.toUpperCase()) } }),
      [
        { path: 'data.other', from: '(redacted, 20 bytes)', to: '(redacted, 20 bytes)' },
        { path: 'data.password', from: '(redacted, 18 bytes)', to: '(redacted, 25 bytes)' }
      ]
    ],
    [
      'a key added and one removed',
      secret({ data: { password: b64(password) } }),
      secret({ data: { token: b64(token) } }),
      [
        { path: 'data.password', from: '(redacted, 18 bytes)' },
        { path: 'data.token', to: '(redacted, 20 bytes)' }
      ]
    ],
    [
      'data added where there was none',
      secret({}),
      secret({ stringData: { token } }),
      [{ path: 'stringData', to: '{"token":"(redacted, 20 bytes)"}' }]
    ],
    [
      // Client-side kubectl apply repeats the whole Secret in an annotation.
      'the last-applied annotation',
      secret({}, { [lastAppliedAnnotation]: lastApplied }),
      secret({}, { [lastAppliedAnnotation]: lastApplied.replace(b64(password), b64(token)) }),
      [{ path: `metadata.annotations.${lastAppliedAnnotation}`, from: '(redacted)', to: '(redacted)' }]
    ],
    [
      'a Secret value that is not a string',
      secret({ data: { n: 1 } }),
      secret({ data: { n: { password } } }),
      [{ path: 'data.n', from: '(redacted)', to: '(redacted)' }]
    ],
    [
      'a change beside the data',
      secret({ data: { password: b64(password) } }),
      secret({ data: { password: b64(password) }, type: 'kubernetes.io/basic-auth' }),
      [{ path: 'type', from: '"Opaque"', to: '"kubernetes.io/basic-auth"' }]
    ]
  ])('%s', (_, before, after, expected) => {
    const changes = diffObjects(comparable(before), comparable(after), true)
    expect(changes).toEqual(expected)
    expect(leaks(JSON.stringify(changes))).toEqual([])
  })

  it('shows a ConfigMap in full', () => {
    expect(diffObjects(undefined, { kind: 'ConfigMap', data: { a: 'visible' } }, false)).toEqual([
      { path: '', to: '{"kind":"ConfigMap","data":{"a":"visible"}}' }
    ])
  })

  it('redacts the dry-run changes of a Secret, new or changed (plannedOutcome)', () => {
    const object = secret({ stringData: { token } })
    const target: Target = {
      source: { file: 'app.yaml', document: 1, object },
      object,
      plural: 'secrets',
      namespaced: true,
      awaitsCrd: false
    }
    // The API server turns stringData into data in its (dry-run) result.
    const created = plannedOutcome(target, secret({ data: { token: b64(token) } }) as never, false, undefined, true)
    expect(created.changes).toHaveLength(1)
    const live = {
      ...secret({ data: { token: b64(password) } }),
      metadata: { ...object.metadata, resourceVersion: '7' }
    }
    const changed = plannedOutcome(
      target,
      { ...secret({ data: { token: b64(token) } }), metadata: { ...object.metadata, resourceVersion: '7' } } as never,
      true,
      live,
      true
    )
    expect(changed.changes).toEqual([{ path: 'data.token', from: '(redacted, 18 bytes)', to: '(redacted, 20 bytes)' }])
    expect(leaks(JSON.stringify([created.changes, changed.changes]))).toEqual([])
  })
})

describe('isSecret', () => {
  it.each([
    [{ apiVersion: 'v1', kind: 'Secret' }, true],
    [{ apiVersion: 'v1', kind: 'ConfigMap' }, false],
    [{ apiVersion: 'v1', kind: 'SecretList' }, false],
    // Secret is a core (v1) kind; a custom resource of that name is not one.
    [{ apiVersion: 'acme.io/v1', kind: 'Secret' }, false]
  ])('%j → %s', (object, expected) => {
    expect(isSecret(object)).toBe(expected)
  })
})

describe('redactSecretValues (the manifests file)', () => {
  const secretDoc = `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: ${b64(password)}\nstringData:\n  token: ${token} # kept comment\n`
  it.each([
    [
      'a Secret',
      secretDoc,
      [
        ['data', 'password', '(redacted, 18 bytes)'],
        ['stringData', 'token', '(redacted, 20 bytes)']
      ]
    ],
    [
      'a Secret in a kind: List',
      `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {a: visible}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {token: ${token}}\n`,
      [
        ['stringData', 'token', '(redacted, 20 bytes)'],
        ['data', 'a', 'visible']
      ]
    ],
    [
      'a SecretList',
      `apiVersion: v1\nkind: SecretList\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  data:\n    password: ${b64(password)}\n`,
      [['data', 'password', '(redacted, 18 bytes)']]
    ],
    [
      'a block scalar',
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  token: |\n    ${token}\n    ${password}\n  next: x\n`,
      [
        ['stringData', 'token', '(redacted, 40 bytes)'],
        ['stringData', 'next', '(redacted, 1 byte)']
      ]
    ],
    [
      'an anchor and its alias',
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  a: &pw ${password}\n  b: *pw\n`,
      [
        ['stringData', 'a', '(redacted, 18 bytes)'],
        ['stringData', 'b', '(redacted)']
      ]
    ],
    [
      'the last-applied annotation',
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    ${lastAppliedAnnotation}: '{"data":{"password":"${b64(password)}"}}'\n    team: shop\n`,
      [
        ['annotations', lastAppliedAnnotation, '(redacted)'],
        ['annotations', 'team', 'shop']
      ]
    ]
  ])('%s', (_, text, expected) => {
    const out = redactSecretValues(text)
    expect(leaks(out)).toEqual([])
    const docs = parseAllDocuments(out).map(d => d.toJS())
    const find = (value: unknown, field: string, key: string): unknown => {
      if (typeof value !== 'object' || value === null) return undefined
      const o = value as Record<string, unknown>
      if (typeof o[field] === 'object' && o[field] !== null && key in (o[field] as object))
        return (o[field] as Record<string, unknown>)[key]
      if (field === 'annotations' && o.metadata) return find(o.metadata, field, key)
      return Object.values(o)
        .map(v => find(v, field, key))
        .find(v => v !== undefined)
    }
    for (const [field, key, value] of expected) expect(find(docs, field, key)).toBe(value)
  })

  it('keeps comments, keys and every other document', () => {
    const out = redactSecretValues(`${secretDoc}---\nkind: ConfigMap\ndata:\n  a: visible\n`)
    expect(out).toContain('token: "(redacted, 20 bytes)" # kept comment')
    expect(out).toContain('a: visible')
  })
})
