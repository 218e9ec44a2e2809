import { Document, isMap, isScalar } from 'yaml'
import { parseDocuments } from './patch.js'

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    [key: string]: unknown
  }
  [key: string]: unknown
}

/** One object from the manifests, with where it came from for error messages. */
export interface SourcedObject {
  file: string
  /** 1-based position of the YAML document in its file. */
  document: number
  object: KubeObject
}

export function describeSource(source: Pick<SourcedObject, 'file' | 'document'>): string {
  return `${source.file} document ${source.document}`
}

export function describeObject(object: KubeObject): string {
  const ns = object.metadata.namespace ? `${object.metadata.namespace}/` : ''
  return `${object.kind} ${ns}${object.metadata.name}`
}

/**
 * Parses (YAML 1.1, as kubectl does) and checks every document; returns all problems at once so a user fixes
 * them in one pass. Empty documents are skipped; `kind: List` is expanded into its items. `documents` are the
 * already parsed documents of `text`, when the caller has them.
 *
 * An empty or comment-only document (a file ending in `---`, `---` right after `---`, a template that renders
 * only its licence header) parses as a null scalar. kubectl and Helm skip those without a word, and so does this;
 * numbering still counts them, so "document N" is the Nth `---` section as an editor shows it.
 */
export function readObjects(
  text: string,
  file: string,
  problems: string[],
  documents: Document.Parsed[] = parseDocuments(text)
): SourcedObject[] {
  const objects: SourcedObject[] = []
  documents.forEach((doc, i) => {
    const where = `${file} document ${i + 1}`
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const line = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : ''
        problems.push(`${where}${line}: invalid YAML: ${error.message.split('\n')[0]}`)
      }
      return
    }
    if (isEmptyDocument(doc)) return
    if (!isMap(doc.contents)) {
      problems.push(`${where}: expected a Kubernetes object (a YAML mapping with apiVersion, kind and metadata.name)`)
      return
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>
    const items =
      typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)
        ? value.items
        : [value]
    items.forEach((item, j) => {
      const label = items.length > 1 || item !== value ? `${where} item ${j + 1}` : where
      const problem = checkObject(item)
      if (problem) problems.push(`${label}: ${problem}`)
      else objects.push({ file, document: i + 1, object: item as KubeObject })
    })
  })
  return objects
}

/** A document with nothing but comments, whitespace, or an explicit null (`~`, `null`) in it. */
function isEmptyDocument(doc: Document.Parsed): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)
}

function checkObject(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a mapping'
  const object = value as Record<string, unknown>
  const missing: string[] = []
  if (typeof object.apiVersion !== 'string' || object.apiVersion === '') missing.push('apiVersion')
  if (typeof object.kind !== 'string' || object.kind === '') missing.push('kind')
  const metadata = object.metadata as Record<string, unknown> | undefined
  if (
    typeof metadata === 'object' &&
    metadata !== null &&
    metadata.name !== undefined &&
    typeof metadata.name !== 'string'
  ) {
    // YAML 1.1 (kubectl's reading) turns y, n, yes, no, on, off into booleans and 0644 into a number.
    return `metadata.name must be a string, but reads as ${JSON.stringify(metadata.name)} (YAML 1.1 takes y/n/yes/no/on/off as booleans and leading-zero numbers as octal); quote it`
  }
  if (typeof metadata !== 'object' || metadata === null || typeof metadata.name !== 'string' || metadata.name === '') {
    missing.push('metadata.name')
  }
  if (missing.length > 0) {
    const kind = typeof object.kind === 'string' ? `${object.kind} ` : ''
    return `${kind}object has no ${missing.join(', ')}; every object needs apiVersion, kind and metadata.name (generateName cannot be applied server-side)`
  }
  if (metadata!.namespace !== undefined && typeof metadata!.namespace !== 'string')
    return 'metadata.namespace must be a string'
  return undefined
}

/** group/kind/namespace/name: what makes two documents the same object. */
export function objectKey(object: KubeObject): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : ''
  return `${group}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`
}

/** Deep equality with key order ignored, as Go's semantic equality compares templates. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a as object).filter(k => (a as Record<string, unknown>)[k] !== undefined)
  const kb = Object.keys(b as object).filter(k => (b as Record<string, unknown>)[k] !== undefined)
  if (ka.length !== kb.length) return false
  return ka.every(k => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/**
 * Gives each namespaced object its namespace (its own, else the `namespace` input, else the context's, else
 * `default`) and strips it from cluster-scoped ones, as kubectl does. An object naming another namespace than
 * the input is a problem, as `kubectl apply -n` makes it one; returned, not thrown, so every one is reported.
 */
export function resolveNamespace(
  object: KubeObject,
  namespaced: boolean,
  input: string | undefined,
  contextDefault?: string
): string | undefined {
  if (!namespaced) {
    delete object.metadata.namespace
    return undefined
  }
  const own = object.metadata.namespace
  if (own && input && own !== input) {
    return `its namespace '${own}' does not match the namespace input '${input}'; remove one of them`
  }
  object.metadata.namespace = own ?? input ?? contextDefault ?? 'default'
  return undefined
}
