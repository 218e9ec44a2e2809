import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseImageRef } from '../../src/build/image-ref.js'
import { readObjects } from '../../src/manifests/documents.js'
import { patchImages, redactSecretValues } from '../../src/manifests/patch.js'

const fixture = readFileSync(new URL('./fixtures/multi.yaml', import.meta.url), 'utf8')
const api = { repository: parseImageRef('localhost:5000/acme/api'), image: 'localhost:5000/acme/api:abc123' }

describe('patchImages', () => {
  it('replaces every container, init container and CronJob image of the repository, quoting as written', () => {
    const { text, replacements } = patchImages(fixture, 'multi.yaml', [api])
    expect(replacements.map(r => `${r.kind}/${r.name}/${r.container}`)).toEqual([
      'Deployment/web/migrate',
      'Deployment/web/api',
      'CronJob/nightly/task'
    ])
    expect(text).toContain('image: "localhost:5000/acme/api:abc123"')
    expect(text).toContain('image: localhost:5000/acme/api:abc123   # the app')
    expect(text).not.toContain('sha256:0123')
  })

  it('changes no byte outside the replaced values', () => {
    const { text } = patchImages(fixture, 'multi.yaml', [api])
    const before = fixture.split('\n')
    const after = text.split('\n')
    expect(after).toHaveLength(before.length)
    const changed = before.map((line, i) => [line, after[i]]).filter(([a, b]) => a !== b)
    expect(changed).toHaveLength(3)
    for (const [a, b] of changed) {
      const prefix = a.slice(0, a.indexOf('image: ') + 7)
      expect(b.startsWith(prefix)).toBe(true)
      // Anything after the value (a comment) is kept too.
      expect(b.slice(b.lastIndexOf('#'))).toBe(
        a.includes('#') ? a.slice(a.lastIndexOf('#')) : b.slice(b.lastIndexOf('#'))
      )
    }
  })

  it('leaves ConfigMap data, comments and YAML 1.1 values alone', () => {
    const { text } = patchImages(fixture, 'multi.yaml', [api])
    expect(text).toContain('  image: localhost:5000/acme/api:1.0\n  enabled: yes')
    expect(text).toContain('name: web   # keep this comment')
    const objects = readObjects(text, 'multi.yaml', [])
    const volumes = (objects[0].object.spec as any).template.spec.volumes
    expect(volumes[0].configMap.defaultMode).toBe(420)
    expect((objects[2].object as any).data.enabled).toBe(true)
  })

  it.each([
    ['nginx', 'nginx:1.27', ['proxy']],
    ['docker.io/library/nginx', 'nginx:1.27', ['proxy']],
    ['nginx-exporter', 'nginx-exporter:0.12', ['exporter']],
    ['localhost:5000/acme', 'x:1', []],
    ['acme/api', 'x:1', []]
  ])('matches repository %s exactly', (name, image, containers) => {
    const { replacements } = patchImages(fixture, 'multi.yaml', [{ repository: parseImageRef(name), image }])
    expect(replacements.map(r => r.container)).toEqual(containers)
  })

  it('is idempotent', () => {
    const once = patchImages(fixture, 'f', [api]).text
    const twice = patchImages(once, 'f', [api])
    expect(twice.text).toBe(once)
    expect(twice.replacements).toEqual([])
  })

  it('names file, document and container for an invalid image', () => {
    const bad =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: Bad:Image:x\n'
    expect(() => patchImages(bad, 'pod.yaml', [api])).toThrow(
      /pod\.yaml: document 1 \(Pod p\), container 'c': Invalid image reference 'Bad:Image:x'/
    )
  })

  it('patches Pods, StatefulSets, DaemonSets, Jobs and List items', () => {
    const kinds = ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].map(
      kind =>
        `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: localhost:5000/acme/api}]\n`
    )
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  ephemeralContainers: [{name: e, image: localhost:5000/acme/api:1}]\n'
    const list =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: q}\n  spec: {containers: [{name: c, image: localhost:5000/acme/api:2}]}\n'
    const { replacements } = patchImages([...kinds, pod, list].join('---\n'), 'f', [api])
    expect(replacements.map(r => r.kind)).toEqual(['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod', 'Pod'])
  })
})

describe('redactSecretValues', () => {
  it('masks data and stringData values of Secrets only', () => {
    const text =
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: c2VjcmV0\nstringData:\n  token: hunter2 # x\n---\nkind: ConfigMap\ndata:\n  a: visible\n'
    const out = redactSecretValues(text)
    expect(out).not.toMatch(/c2VjcmV0|hunter2/)
    expect(out).toContain('password: "(redacted, 6 bytes)"')
    expect(out).toContain('token: "(redacted, 7 bytes)" # x')
    expect(out).toContain('a: visible')
  })
})

describe('YAML 1.1 as kubectl reads it', () => {
  it.each([
    ['0644', 420],
    ['0x1F', 31],
    ['1_000', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    ['yes', true],
    ['n', false],
    ['~', null],
    // Where the yaml package's 1.1 schema goes beyond go-yaml v2, the value stays a string, as kubectl sends it.
    ['12:30', '12:30'],
    ['190:20:30', '190:20:30'],
    ['2001-12-14', '2001-12-14'],
    ['e0', 'e0'],
    ['.', '.'],
    ['.e1', '.e1']
  ])('%s → %j', (text, value) => {
    const [object] = readObjects(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nvalue: ${text}\n`, 'f', [])
    expect((object.object as any).value).toEqual(value)
  })
})

describe('readObjects: empty and comment-only documents', () => {
  const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`
  it.each([
    ['a file ending in ---', `${configMap('a')}---\n`, ['a'], [1]],
    ['--- followed by ---', `${configMap('a')}---\n---\n${configMap('b')}`, ['a', 'b'], [1, 3]],
    [
      'a comment-only document',
      `${configMap('a')}---\n# Licensed under the Apache License\n# more header\n---\n${configMap('b')}`,
      ['a', 'b'],
      [1, 3]
    ],
    ['a leading --- and a licence header', `# Copyright 2026 Acme\n---\n${configMap('a')}`, ['a'], [1]],
    ['an explicit null document', `${configMap('a')}--- null\n---\n~\n`, ['a'], [1]],
    ['a template that renders only its header', '# Source: chart/templates/empty.yaml\n', [], []]
  ])('skips %s without a problem', (_, text, names, documents) => {
    const problems: string[] = []
    const objects = readObjects(text, 'f.yaml', problems)
    expect(problems).toEqual([])
    expect(objects.map(o => o.object.metadata.name)).toEqual(names)
    expect(objects.map(o => o.document)).toEqual(documents)
  })

  it.each([
    ['a scalar', `${configMap('a')}---\njust text\n`, 'f.yaml document 2: expected a Kubernetes object'],
    ['a sequence', `${configMap('a')}---\n- a\n- b\n`, 'f.yaml document 2: expected a Kubernetes object'],
    [
      'an empty mapping',
      `${configMap('a')}---\n{}\n`,
      'f.yaml document 2: object has no apiVersion, kind, metadata.name'
    ]
  ])('still refuses %s', (_, text, message) => {
    const problems: string[] = []
    readObjects(text, 'f.yaml', problems)
    expect(problems.join('\n')).toContain(message)
  })
})
