// What of a Secret may be shown (issue 19): its keys, never its values. One rule for the dry-run diff, the job
// summary and the manifests file, so that none of them can print what another hides.

/** kubectl apply (client-side) copies the whole object, data included, into this annotation. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration'

export const isSecret = (object: { apiVersion?: unknown; kind?: unknown } | undefined): boolean =>
  object?.kind === 'Secret' && object.apiVersion === 'v1'

/**
 * What stands for a Secret value: its size and nothing of its content. `data` holds base64, `stringData` text;
 * both count the bytes the Secret would hold. A value that is not a string (the API refuses it) shows no size.
 */
export function redactedValue(value: unknown, base64: boolean): string {
  if (typeof value !== 'string') return '(redacted)'
  const bytes = base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value)
  return `(redacted, ${bytes} byte${bytes === 1 ? '' : 's'})`
}

/**
 * Whether the field at `path` (keys from the object's root) of a Secret holds a secret value: an entry of data
 * or stringData, or the last-applied annotation, which repeats them.
 */
export function isSecretField(path: readonly string[]): boolean {
  if (path.length === 2) return path[0] === 'data' || path[0] === 'stringData'
  return path.length === 3 && path[0] === 'metadata' && path[1] === 'annotations' && path[2] === lastAppliedAnnotation
}

/** The value found at `path` of a Secret, with every secret field below it replaced (redactedValue). */
export function redactSecretAt(value: unknown, path: readonly string[]): unknown {
  if (isSecretField(path)) return path[0] === 'metadata' ? '(redacted)' : redactedValue(value, path[0] === 'data')
  if (path.length >= 3 || typeof value !== 'object' || value === null || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, redactSecretAt(child, [...path, key])]))
}
