import { glob, readFile, stat } from 'node:fs/promises'
import path from 'node:path'

const manifestExtensions = new Set(['.yaml', '.yml', '.json'])
/** The file names kustomize itself looks for, in its order. */
export const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']

/** One entry of the `manifests` input, resolved: a manifest file, or a directory kustomize renders. */
export type ManifestSource = { kind: 'file'; path: string } | { kind: 'kustomization'; path: string }

/**
 * Expands the `manifests` input: files as given; a directory holding a kustomization to that kustomization;
 * other directories to their YAML/JSON files (not recursive, as `kubectl apply -f dir`); globs to their sorted
 * matches. Every entry must match something.
 */
export async function expandManifestPaths(entries: string[], cwd = process.cwd()): Promise<ManifestSource[]> {
  const sources: ManifestSource[] = []
  const add = (source: ManifestSource): void => {
    if (!sources.some(s => s.path === source.path)) sources.push(source)
  }
  for (const entry of entries) {
    if (/[*?[{]/.test(entry)) {
      const matches: string[] = []
      for await (const match of glob(entry, { cwd })) matches.push(match)
      const manifests = matches.filter(m => manifestExtensions.has(path.extname(m))).sort()
      if (manifests.length === 0)
        throw new Error(`manifests entry '${entry}' matches no .yaml, .yml or .json file (in ${cwd}).`)
      manifests.forEach(file => add({ kind: 'file', path: file }))
      continue
    }
    const info = await stat(path.resolve(cwd, entry)).catch(() => undefined)
    if (!info) throw new Error(`manifests entry '${entry}' does not exist (in ${cwd}).`)
    if (!info.isDirectory()) {
      add({ kind: 'file', path: entry })
      continue
    }
    const inside: string[] = []
    for await (const match of glob('*', { cwd: path.resolve(cwd, entry) })) inside.push(match)
    // A kustomization's files are patches and bases, not objects to apply one by one.
    if (inside.some(name => kustomizationFiles.includes(name))) {
      add({ kind: 'kustomization', path: entry })
      continue
    }
    const manifests = inside.filter(name => manifestExtensions.has(path.extname(name)))
    if (manifests.length === 0)
      throw new Error(`manifests directory '${entry}' holds no .yaml, .yml or .json file and no kustomization.`)
    manifests.sort().forEach(name => add({ kind: 'file', path: path.join(entry, name) }))
  }
  return sources
}

export async function readManifestFile(file: string, cwd = process.cwd()): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), 'utf8')
  } catch (error) {
    throw new Error(`Cannot read manifest ${file}: ${(error as Error).message}`, { cause: error })
  }
}
