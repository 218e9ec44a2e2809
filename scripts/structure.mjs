// Structure measures of src/ (issue 17): lines per folder, functions over 80 lines, folder pairs importing each other.
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const root = 'src'
const files = []
const walk = dir => fs.readdirSync(dir, { withFileTypes: true }).forEach(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') && files.push(path.join(dir, e.name))))
walk(root)
const folderOf = file => path.dirname(path.relative(root, file)) || '.'
const lines = new Map()
const edges = new Map()
const long = []
let total = 0
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8')
  const count = text.split('\n').length
  total += count
  lines.set(folderOf(file), (lines.get(folderOf(file)) ?? 0) + count)
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = node => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      const spec = node.moduleSpecifier && node.moduleSpecifier.text
      if (spec && spec.startsWith('.')) {
        const to = folderOf(path.join(path.dirname(file), spec))
        if (to !== folderOf(file)) (edges.get(folderOf(file)) ?? edges.set(folderOf(file), new Set()).get(folderOf(file))).add(to)
      }
    }
    if (ts.isFunctionLike(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      if (end - start + 1 > 80) {
        const name = node.name ? node.name.getText() : '(anonymous)'
        long.push(`${file}:${start + 1} ${name} ${end - start + 1} lines`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}
console.log(`src: ${total} lines in ${files.length} files`)
for (const [folder, n] of [...lines].sort((a, b) => b[1] - a[1])) console.log(`  ${folder.padEnd(14)} ${String(n).padStart(5)}  ${((100 * n) / total).toFixed(1)} %`)
console.log(`functions over 80 lines: ${long.length}`)
for (const l of long) console.log(`  ${l}`)
const cycles = []
for (const [a, tos] of edges) for (const b of tos) if (a < b && edges.get(b)?.has(a)) cycles.push(`${a} <-> ${b}`)
console.log(`folder pairs importing each other: ${cycles.length}`)
for (const c of cycles) console.log(`  ${c}`)
const failed = [...lines.values()].some(n => n > total * 0.2) || long.length > 0 || cycles.length > 0
if (process.argv.includes('--check') && failed) process.exit(1)
