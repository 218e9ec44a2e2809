#!/usr/bin/env node
// Writes src/settings/action-inputs.ts, the input names of action.yml, in order. ncc bundles TypeScript, not action.yml, so
// the names the action knows at run time are copied here; __tests__/unit/unknown-inputs.test.ts fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const root = new URL('..', import.meta.url)
const action = parse(readFileSync(new URL('action.yml', root), 'utf8'))
const names = Object.keys(action.inputs ?? {})
const text = `// Generated from action.yml by scripts/action-inputs.mjs; do not edit (a unit test compares the two).
export const actionInputs: readonly string[] = [
${names.map(name => `  '${name}'`).join(',\n')}
]
`
writeFileSync(new URL('src/settings/action-inputs.ts', root), text)
console.log(`src/settings/action-inputs.ts: ${names.length} inputs`)
