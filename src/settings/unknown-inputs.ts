/**
 * Inputs the action does not declare. The runner passes every `with:` key as an INPUT_ variable and (under act and
 * `node dist/index.js`) says nothing about a misspelt one, so `create-namespaces: true` would be ignored silently.
 */

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`namsepace`). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1)
    }
  }
  return rows[a.length][b.length]
}

/** The known name nearest to `name`, when near enough to be the one meant (the first of equals, in action.yml's order). */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(name, candidate)
    if (!best || distance < best.distance) best = { name: candidate, distance }
  }
  // Beyond a third of the name, the "closest" one is a guess that misleads more than it helps.
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined
}

/**
 * A warning for each INPUT_ variable that no declared input reads. core.getInput reads INPUT_ + the name with
 * spaces as '_', uppercased, so the original spelling is lost: the name is shown lowercased.
 */
export function unknownInputWarnings(env: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const declared = new Set(known.map(name => name.replace(/ /g, '_').toUpperCase()))
  return Object.keys(env)
    .filter(key => key.startsWith('INPUT_') && !declared.has(key.slice('INPUT_'.length)))
    .sort()
    .map(key => {
      const name = key.slice('INPUT_'.length).toLowerCase()
      const suggestion = closestName(name, known)
      return `Unknown input '${name}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; it is ignored. The inputs are listed in action.yml and the README.`
    })
}
