import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { readdirSync } from 'node:fs'

/**
 * action.yml is the one source of the inputs and outputs (issue 20.2): the README's tables list the same names, in
 * the same order, with the same defaults. A default that an empty input stands for (rollback-to: previous) is
 * said in the meaning, as "empty: ...", since the runner passes action.yml's default as the input's value.
 */
const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
const action = parse(read('action.yml')) as {
  inputs: Record<string, { default?: unknown; description: string }>
  outputs: Record<string, unknown>
}
const readme = read('README.md')

/** The rows of the table under a `## heading` of the README, as cells (a `\|` inside a cell is not a border). */
function tableRows(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`)
  if (start < 0) throw new Error(`README.md has no '## ${heading}' section`)
  const end = readme.indexOf('\n## ', start + 1)
  return readme
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter(line => line.startsWith('| `'))
    .map(line =>
      line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map(cell => cell.trim())
    )
}

const nameOf = (cell: string): string => /^`([^`]+)`$/.exec(cell)?.[1] ?? `(not a code span: ${cell})`
const documentedDefault = (value: unknown): string =>
  value === undefined || value === '' ? '' : `\`${String(value)}\``

describe('README.md and action.yml', () => {
  it('list the same inputs, in the same order', () => {
    expect(tableRows('Inputs').map(row => nameOf(row[0]))).toEqual(Object.keys(action.inputs))
  })

  it('give each input the same default (empty when action.yml has none)', () => {
    const readmeDefaults = Object.fromEntries(tableRows('Inputs').map(row => [nameOf(row[0]), row[1]]))
    const actionDefaults = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [name, documentedDefault(input.default)])
    )
    expect(readmeDefaults).toEqual(actionDefaults)
  })

  it('say what an empty input stands for in both, in the same words', () => {
    // README: "...; empty: `previous`"; action.yml: "... Empty: previous." or "Defaults to previous."
    const readmeFallback = (meaning: string): string | undefined =>
      /\bempty: ([^;]+?)\.?(;|$)/i.exec(meaning)?.[1].replaceAll('`', '')
    const actionFallback = (description: string): string | undefined =>
      /\b(Empty|Defaults to):? ([^;]+?)(\.|;|$)/.exec(description)?.[2]
    const rows = tableRows('Inputs')
    for (const row of rows) {
      const name = nameOf(row[0])
      const fallback = readmeFallback(row[2])
      const description = action.inputs[name].description
      if (fallback)
        expect({ name, described: description.replaceAll('\n', ' ').includes(fallback) }).toEqual({
          name,
          described: true
        })
      if (actionFallback(description)) expect({ name, readme: fallback !== undefined }).toEqual({ name, readme: true })
    }
    expect(rows.filter(row => readmeFallback(row[2])).length).toBeGreaterThanOrEqual(8)
  })

  it('list the same outputs, in the same order', () => {
    expect(tableRows('Outputs').map(row => nameOf(row[0]))).toEqual(Object.keys(action.outputs))
  })

  it('have three cells per input row and two per output row', () => {
    expect(tableRows('Inputs').filter(row => row.length !== 3)).toEqual([])
    expect(tableRows('Outputs').filter(row => row.length !== 2)).toEqual([])
  })

  it('use only declared inputs and outputs in the README examples and the workflows', () => {
    const texts = [
      ...[...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => [`README.md yaml block ${i + 1}`, m[1]]),
      ...readdirSync(new URL('../../.github/workflows/', import.meta.url)).map(file => [
        `.github/workflows/${file}`,
        read(`.github/workflows/${file}`)
      ])
    ]
    const steps: Array<{ where: string; id?: string; with: Record<string, unknown> }> = []
    const walk = (where: string, node: unknown): void => {
      if (Array.isArray(node)) node.forEach(child => walk(where, child))
      else if (node && typeof node === 'object') {
        const step = node as { uses?: unknown; id?: string; with?: Record<string, unknown> }
        if (typeof step.uses === 'string' && /^(acme\/build-and-deploy@|\.\/?$)/.test(step.uses))
          steps.push({ where, id: step.id, with: step.with ?? {} })
        Object.values(node).forEach(child => walk(where, child))
      }
    }
    for (const [where, text] of texts) walk(where, parse(text))
    expect(steps.length).toBeGreaterThanOrEqual(4)
    const unknownInputs = steps.flatMap(step =>
      Object.keys(step.with)
        .filter(name => !(name in action.inputs))
        .map(name => `${step.where}: ${name}`)
    )
    expect(unknownInputs).toEqual([])
    // Only this action's steps: a workflow may read another step's outputs too.
    const ids = new Set(steps.map(step => step.id).filter(Boolean))
    const outputs = texts.flatMap(([where, text]) =>
      [...text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)].filter(m => ids.has(m[1])).map(m => [where, m[2]])
    )
    expect(outputs.length).toBeGreaterThan(0)
    expect(outputs.filter(([, name]) => !(name in action.outputs)).map(([where, name]) => `${where}: ${name}`)).toEqual(
      []
    )
  })
})
