#!/usr/bin/env node
// Rewrites the README's Inputs and Outputs tables from action.yml: its names, order and defaults. A row's meaning
// is kept when the README has one (it is shorter and formatted); a new input gets its action.yml description,
// to be shortened by hand. With --check, changes nothing and exits 1 when the tables differ.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const root = new URL('..', import.meta.url)
const action = parse(readFileSync(new URL('action.yml', root), 'utf8'))
const readmeUrl = new URL('README.md', root)
const readme = readFileSync(readmeUrl, 'utf8')
const escape = text => String(text).replace(/\s+/g, ' ').replaceAll('|', '\\|').trim()

function rewrite(text, heading, entries, withDefault) {
  const lines = text.split('\n')
  const start = lines.indexOf(`## ${heading}`)
  if (start < 0) throw new Error(`README.md has no '## ${heading}' section`)
  const first = lines.findIndex((line, i) => i > start && line.startsWith('| `'))
  let end = first
  while (end < lines.length && lines[end].startsWith('| `')) end++
  const meanings = new Map()
  for (const line of lines.slice(first, end)) {
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map(cell => cell.trim())
    meanings.set(cells[0].replaceAll('`', ''), cells.at(-1))
  }
  const rows = Object.entries(entries).map(([name, entry]) => {
    const meaning = meanings.get(name) ?? escape(entry?.description ?? '')
    const fallback = entry?.default === undefined || entry.default === '' ? '' : `\`${entry.default}\``
    return withDefault ? `| \`${name}\` |${fallback ? ` ${fallback} ` : ' '}| ${meaning} |` : `| \`${name}\` | ${meaning} |`
  })
  return [...lines.slice(0, first), ...rows, ...lines.slice(end)].join('\n')
}

const next = rewrite(rewrite(readme, 'Inputs', action.inputs, true), 'Outputs', action.outputs, false)
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md: the Inputs or Outputs table differs from action.yml; run node scripts/readme-tables.mjs')
    process.exit(1)
  }
} else if (next !== readme) {
  writeFileSync(readmeUrl, next)
  console.log('README.md: tables rewritten from action.yml')
}
