import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parseImageRef } from '../../src/build/image-ref.js'
import { readObjects } from '../../src/manifests/documents.js'
import { patchImages } from '../../src/manifests/patch.js'

/** Property tests of the patcher: random valid manifests and image references. */
// Not the words YAML 1.1 reads as booleans or null (as kubectl does): a plain `image: n` is false, not an image.
const yaml11Words = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null'])
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/).filter(word => !yaml11Words.has(word))
const registry = fc.oneof(
  fc.constant(''),
  fc.constantFrom('localhost:5000/', 'ghcr.io/', 'r.example.com:8443/', '127.0.0.1:5000/')
)
const repository = fc
  .tuple(registry, fc.array(label, { minLength: 1, maxLength: 3 }))
  .map(([r, parts]) => `${r}${parts.join('/')}`)
const tag = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/)
const image = fc.tuple(repository, fc.option(tag, { nil: undefined })).map(([repo, t]) => (t ? `${repo}:${t}` : repo))
const quote = fc.constantFrom('plain', 'single', 'double')
const render = (value: string, style: string): string =>
  style === 'single' ? `'${value}'` : style === 'double' ? `"${value}"` : value
const comment = fc.option(fc.stringMatching(/^[a-zA-Z0-9 ]{0,20}$/), { nil: undefined })

const container = fc.record({ name: label, image, style: quote, comment })
const workload = fc.record({
  kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'),
  name: label,
  init: fc.array(container, { maxLength: 2 }),
  main: fc.array(container, { minLength: 1, maxLength: 3 }),
  extra: fc.dictionary(label, fc.oneof(label, fc.constantFrom('0644', 'yes', 'on', '1.10')), { maxKeys: 3 })
})

function manifest(w: any): string {
  const list = (key: string, items: any[], indent: string) =>
    items.length === 0
      ? ''
      : `${indent}${key}:\n` +
        items
          .map(
            c =>
              `${indent}  - name: ${c.name}\n${indent}    image: ${render(c.image, c.style)}${c.comment ? ` # ${c.comment}` : ''}\n`
          )
          .join('')
  const podSpec = (indent: string) => list('initContainers', w.init, indent) + list('containers', w.main, indent)
  const labels = Object.entries(w.extra)
    .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`)
    .join('')
  const head = `apiVersion: v1\nkind: ${w.kind}\nmetadata:\n  name: ${w.name}\n  labels:\n    app: ${w.name}\n${labels}`
  switch (w.kind) {
    case 'Pod':
      return `${head}spec:\n${podSpec('  ')}`
    case 'CronJob':
      return `${head}spec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${podSpec('          ')}`
    default:
      return `${head}spec:\n  template:\n    spec:\n${podSpec('      ')}`
  }
}

const documents = fc.array(workload, { minLength: 1, maxLength: 4 }).map(ws => ws.map(manifest).join('---\n'))

describe('patchImages properties', () => {
  it('never throws, changes only image values, and is idempotent', () => {
    fc.assert(
      fc.property(documents, repository, tag, fc.boolean(), (text, drawn, newTag, reuse) => {
        const used = /image: ["']?([^"'\s#]+)/.exec(text)![1]
        const usedRef = parseImageRef(used)
        const target = reuse ? (usedRef.domain ? `${usedRef.domain}/${usedRef.path}` : usedRef.path) : drawn
        const substitution = { repository: parseImageRef(target), image: `${target}:${newTag}` }
        const once = patchImages(text, 'f.yaml', [substitution])
        const before = text.split('\n')
        const after = once.text.split('\n')
        expect(after).toHaveLength(before.length)
        for (let i = 0; i < before.length; i++) {
          if (before[i] === after[i]) continue
          // A changed line is an image line whose prefix and trailing comment are untouched.
          const prefix = before[i].slice(0, before[i].indexOf('image: ') + 7)
          expect(prefix.trim()).toBe('image:')
          expect(after[i].startsWith(prefix)).toBe(true)
          const hash = before[i].indexOf(' #')
          if (hash >= 0) expect(after[i].endsWith(before[i].slice(hash))).toBe(true)
          expect(after[i]).toContain(substitution.image)
        }
        expect(once.replacements.length).toBe(before.filter((_, i) => before[i] !== after[i]).length)
        // The documents it returns read as the patched text does, so the deploy needs no second parse.
        expect(readObjects(once.text, 'f.yaml', [], once.documents)).toEqual(readObjects(once.text, 'f.yaml', []))
        const twice = patchImages(once.text, 'f.yaml', [substitution])
        expect(twice.text).toBe(once.text)
        expect(twice.replacements).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it('replaces exactly the containers of the same repository', () => {
    fc.assert(
      fc.property(fc.array(workload, { minLength: 1, maxLength: 3 }), repository, fc.boolean(), (ws, drawn, reuse) => {
        // Half the time, target a repository the manifests use, so matches are common.
        const first = parseImageRef(ws[0].main[0].image)
        const target = reuse ? (first.domain ? `${first.domain}/${first.path}` : first.path) : drawn
        const text = ws.map(manifest).join('---\n')
        const expected = ws
          .flatMap(w => [...w.init, ...w.main])
          .filter(c => {
            const ref = parseImageRef(c.image)
            const wanted = parseImageRef(target)
            const canon = (r: typeof ref) =>
              `${r.domain ?? 'docker.io'}/${!r.domain && !r.path.includes('/') ? `library/${r.path}` : r.path}`
            return canon(ref) === canon(wanted) && c.image !== `${target}:new`
          }).length
        expect(
          patchImages(text, 'f', [{ repository: parseImageRef(target), image: `${target}:new` }]).replacements
        ).toHaveLength(expected)
      }),
      { numRuns: 300 }
    )
  })
})
