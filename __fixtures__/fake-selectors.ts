/**
 * Label and field selectors as the API server parses them (k8s.io/apimachinery pkg/labels and pkg/fields), for the
 * fake API server's list and watch.
 */
import { isObj, type Obj } from './fake-fields.js'

type Requirement = (labels: Record<string, string>) => boolean

/** Splits on commas outside parentheses: `a in (x,y),b` is two requirements. */
function splitTerms(selector: string): string[] {
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '(') depth++
    else if (selector[i] === ')') depth--
    else if (selector[i] === ',' && depth === 0) {
      out.push(selector.slice(start, i))
      start = i + 1
    }
  }
  out.push(selector.slice(start))
  return out.map(t => t.trim()).filter(t => t !== '')
}

/** A label selector (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`) as a predicate; throws on a malformed one. */
export function labelMatcher(selector: string | undefined): (labels: Record<string, string> | undefined) => boolean {
  const requirements: Requirement[] = splitTerms(selector ?? '').map(term => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term)
    if (m) {
      const [, key, op, list] = m
      const values = new Set(list.split(',').map(v => v.trim()))
      return op === 'in' ? l => key in l && values.has(l[key]) : l => !(key in l) || !values.has(l[key])
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term)
    if (m) {
      const [, key, op, value] = m
      return op === '!=' ? l => l[key] !== value : l => l[key] === value
    }
    m = /^(!?)([\w./-]+)$/.exec(term)
    if (m) {
      const [, not, key] = m
      return not ? l => !(key in l) : l => key in l
    }
    throw new Error(`unable to parse requirement: ${term}`)
  })
  return labels => requirements.every(r => r(labels ?? {}))
}

/** The fields each kind can be selected by (the server refuses any other: "field label not supported"). */
const selectableFields: Record<string, string[]> = {
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type'
  ],
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName'
  ],
  Secret: ['type'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful']
}

/** A field selector (`f=v`, `f==v`, `f!=v`) for `kind` as a predicate; throws the server's message on an unsupported field. */
export function fieldMatcher(kind: string, selector: string | undefined): (object: Obj) => boolean {
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(selectableFields[kind] ?? [])])
  const terms = splitTerms(selector ?? '').map(term => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term)
    if (!m) throw new Error(`invalid selector: '${selector}'; can't understand '${term}'`)
    const [, field, op, value] = m
    if (!allowed.has(field)) throw new Error(`field label not supported: ${field}`)
    return { field, negate: op === '!=', value }
  })
  return object =>
    terms.every(({ field, negate, value }) => {
      let node: unknown = object
      for (const part of field.split('.')) node = isObj(node) ? node[part] : undefined
      const actual = node === undefined ? '' : String(node)
      return negate ? actual !== value : actual === value
    })
}
