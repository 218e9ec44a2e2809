import { glob, readFile, stat } from 'node:fs/promises'
import path from 'node:path'

const manifestExtensions = new Set(['.yaml', '.yml', '.json'])

/**
 * Expands the `manifests` input: files as given, directories to their YAML/JSON files (not recursive, as
 * `kubectl apply -f dir`), globs to their sorted matches. Every entry must match something.
 */
export async function expandManifestPaths(entries: string[], cwd = process.cwd()): Promise<string[]> {
  const files: string[] = []
  const add = (file: string): void => {
    if (!files.includes(file)) files.push(file)
  }
  for (const entry of entries) {
    if (/[*?[{]/.test(entry)) {
      const matches: string[] = []
      for await (const match of glob(entry, { cwd })) matches.push(match)
      const manifests = matches.filter(m => manifestExtensions.has(path.extname(m))).sort()
      if (manifests.length === 0) throw new Error(`manifests entry '${entry}' matches no .yaml, .yml or .json file (in ${cwd}).`)
      manifests.forEach(add)
      continue
    }
    const info = await stat(path.resolve(cwd, entry)).catch(() => undefined)
    if (!info) throw new Error(`manifests entry '${entry}' does not exist (in ${cwd}).`)
    if (info.isDirectory()) {
      const inside: string[] = []
      for await (const match of glob('*', { cwd: path.resolve(cwd, entry) })) {
        if (manifestExtensions.has(path.extname(match))) inside.push(path.join(entry, match))
      }
      if (inside.length === 0) throw new Error(`manifests directory '${entry}' holds no .yaml, .yml or .json file.`)
      inside.sort().forEach(add)
    } else add(entry)
  }
  return files
}

export async function readManifestFile(file: string, cwd = process.cwd()): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), 'utf8')
  } catch (error) {
    throw new Error(`Cannot read manifest ${file}: ${(error as Error).message}`, { cause: error })
  }
}
