import { Document, isMap, isScalar, isSeq, parseAllDocuments, Scalar, ScalarTag, Tags, YAMLMap } from 'yaml'
import { canonicalRepository, ImageRef, ImageSubstitution, parseImageRef } from '../build/image-ref.js'
import { lastAppliedAnnotation, redactedValue } from './redact.js'

/**
 * YAML 1.1 as kubectl reads it (go-yaml v2 through sigs.k8s.io/yaml): `0644` is octal (420), `yes` a boolean.
 * The yaml package's 1.1 schema goes further than go-yaml: it reads `12:30` as sexagesimal 750, dates as
 * timestamps, and `e0` or `.` as NaN. Those stay strings here, as they reach the API server from kubectl.
 */
const goYamlTags = (tags: Tags): Tags =>
  tags
    .filter(tag => !(typeof tag === 'object' && (tag.format === 'TIME' || tag.tag === 'tag:yaml.org,2002:timestamp')))
    .map((tag): Tags[number] => {
      if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:float' || 'collection' in tag) return tag
      if (tag.format === 'EXP')
        return { ...(tag as ScalarTag), test: /^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/ }
      if (!tag.format && String(tag.test).includes('\\.[0-9_]*$'))
        return { ...(tag as ScalarTag), test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/ }
      return tag
    })

export const yamlOptions = { version: '1.1', keepSourceTokens: true, customTags: goYamlTags } as const

export interface ImageReplacement {
  file: string
  document: number
  kind: string
  name: string
  container: string
  from: string
  to: string
}

export interface PatchResult {
  text: string
  replacements: ImageReplacement[]
  /** Canonical repositories of the substitutions that matched a container, changed or already current. */
  matched: Set<string>
  /** The parsed documents with the new image values, as parsing `text` again would give them (ranges are stale). */
  documents: Document.Parsed[]
}

const podSpecPaths: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec']
}
const containerLists = ['initContainers', 'containers', 'ephemeralContainers']

export function podSpecPath(kind: string): string[] | undefined {
  return podSpecPaths[kind]
}

interface ImageNode {
  node: Scalar
  kind: string
  name: string
  container: string
}

function collectImageNodes(object: YAMLMap, found: ImageNode[]): void {
  const kind = String(object.get('kind') ?? '')
  if (kind.endsWith('List')) {
    const items = object.get('items', true)
    if (isSeq(items)) for (const item of items.items) if (isMap(item)) collectImageNodes(item, found)
    return
  }
  const path = podSpecPaths[kind]
  if (!path) return
  const spec = object.getIn(path, true)
  if (!isMap(spec)) return
  const metadata = object.get('metadata', true)
  const name = isMap(metadata) ? String(metadata.get('name') ?? '') : ''
  for (const list of containerLists) {
    const containers = spec.get(list, true)
    if (!isSeq(containers)) continue
    for (const container of containers.items) {
      if (!isMap(container)) continue
      const image = container.get('image', true)
      if (isScalar(image) && image.range) {
        found.push({ node: image, kind, name, container: String(container.get('name') ?? '') })
      }
    }
  }
}

/** Quotes the new value in the style the user wrote the old one, so the diff is the value alone. */
function renderScalar(node: Scalar, value: string): string {
  switch (node.type) {
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`
    case Scalar.PLAIN:
      if (/^[\w.][\w./:@+-]*$/.test(value)) return value
      return JSON.stringify(value)
    default:
      return JSON.stringify(value)
  }
}

export function parseDocuments(text: string): Document.Parsed[] {
  return parseAllDocuments(text, yamlOptions) as Document.Parsed[]
}

/**
 * Replaces image values in place: only the bytes of each matched `image:` scalar change; comments, key order,
 * quoting and every other byte stay as the user wrote them.
 */
export function patchImages(text: string, file: string, substitutions: ImageSubstitution[]): PatchResult {
  const documents = parseDocuments(text)
  const edits: Array<{ start: number; end: number; value: string }> = []
  const replacements: ImageReplacement[] = []
  const matched = new Set<string>()
  const wanted = substitutions.map(s => ({ canonical: canonicalRepository(s.repository), image: s.image }))
  documents.forEach((doc, i) => {
    if (!isMap(doc.contents)) return
    const found: ImageNode[] = []
    collectImageNodes(doc.contents, found)
    for (const { node, kind, name, container } of found) {
      const current = String(node.value)
      let ref: ImageRef
      try {
        ref = parseImageRef(current)
      } catch (error) {
        throw new Error(
          `${file}: document ${i + 1} (${kind} ${name}), container '${container}': ${(error as Error).message}`,
          { cause: error }
        )
      }
      const match = wanted.find(w => w.canonical === canonicalRepository(ref))
      if (match) matched.add(match.canonical)
      if (!match || match.image === current) continue
      const [start, end] = node.range!
      edits.push({ start, end, value: renderScalar(node, match.image) })
      // The spliced text parses to this value; setting it spares the caller a second parse of every document.
      node.value = match.image
      replacements.push({ file, document: i + 1, kind, name, container, from: current, to: match.image })
    }
  })
  let patched = text
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    patched = patched.slice(0, edit.start) + edit.value + patched.slice(edit.end)
  }
  return { text: patched, replacements, matched, documents }
}

/**
 * Replaces the values under a Secret's data and stringData (redactedValue), and its last-applied annotation,
 * keeping their keys and every other byte, so the manifests file the action publishes never carries secret
 * values. Secrets among the items of a List (kind: List, SecretList) are Secrets too.
 */
export function redactSecretValues(text: string): string {
  // No document can be of kind Secret without the word in the text (aliases repeat an anchor's text).
  if (!text.includes('Secret')) return text
  const edits: Array<{ start: number; end: number; value: string }> = []
  const visit = (object: YAMLMap): void => {
    const kind = String(object.get('kind') ?? '')
    if (kind.endsWith('List')) {
      const items = object.get('items', true)
      if (isSeq(items)) for (const item of items.items) if (isMap(item)) visit(item)
      return
    }
    if (kind !== 'Secret') return
    const redact = (node: unknown, value: string): void => {
      const range = (node as { range?: [number, number, number] } | null)?.range
      // A block scalar's range takes in the line break after it, which the next key needs.
      if (range)
        edits.push({
          start: range[0],
          end: range[1],
          value: JSON.stringify(value) + (/\s*$/.exec(text.slice(range[0], range[1]))?.[0] ?? '')
        })
    }
    for (const field of ['data', 'stringData']) {
      const values = object.get(field, true)
      if (!isMap(values)) continue
      for (const pair of values.items)
        redact(pair.value, redactedValue(isScalar(pair.value) ? pair.value.value : undefined, field === 'data'))
    }
    const annotations = object.getIn(['metadata', 'annotations'], true)
    if (isMap(annotations)) redact(annotations.get(lastAppliedAnnotation, true), '(redacted)')
  }
  for (const doc of parseDocuments(text)) if (isMap(doc.contents)) visit(doc.contents)
  let redacted = text
  for (const edit of edits.sort((a, b) => b.start - a.start))
    redacted = redacted.slice(0, edit.start) + edit.value + redacted.slice(edit.end)
  return redacted
}

/**
 * Whether a Secret value is worth a log mask. A mask blanks every occurrence in the job log, so a user name
 * `app` turns `apply` and `app.kubernetes.io` into `***`; and no Secret value is ever printed (redaction
 * protects them), so masks are for credentials a server error might quote. Not masked: values under 6
 * characters, and single words or numbers under 16 (user names, database names, ports).
 */
export function worthMasking(value: string): boolean {
  const text = value.trim()
  if (text.length < 6) return false
  return !(text.length < 16 && /^([a-z]+|[A-Z]+|[A-Z][a-z]+|\d+)$/.test(text))
}
