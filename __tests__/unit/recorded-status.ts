import { readFileSync } from 'node:fs'
import type { WorkloadObject } from '../../src/status/reader.js'

/** An object recorded from a cluster (__tests__/data). */
export const recorded = (name: string): WorkloadObject =>
  JSON.parse(readFileSync(new URL(`../data/${name}.json`, import.meta.url), 'utf8'))

/** A recorded object with some fields replaced, by dotted path. */
export function variant(name: string, changes: Record<string, unknown>): WorkloadObject {
  const object = recorded(name) as unknown as Record<string, any>
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.')
    let node = object
    for (const key of keys.slice(0, -1)) node = node[key] ??= {}
    if (value === undefined) delete node[keys.at(-1)!]
    else node[keys.at(-1)!] = value
  }
  return object as WorkloadObject
}
