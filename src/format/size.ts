const unitBytes: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }

/** Parses a byte size written as a Kubernetes quantity ("16Mi", "500k", "2G", "1048576"), as limits are in manifests. */
export function parseSize(text: string, inputName: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(text.trim())
  const bytes = match ? Math.round(Number(match[1]) * unitBytes[match[2] ?? '']) : NaN
  if (!match || !(bytes > 0))
    throw new Error(`Invalid ${inputName} '${text}'. Expected a size such as 16Mi, 500Ki or 2G.`)
  return bytes
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} B`
}
