const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
}

/**
 * Parses a Go duration (time.ParseDuration syntax: "90s", "5m", "1h30m", "1.5h") into milliseconds,
 * so `timeout` reads the same as in kubectl and Helm.
 */
export function parseDuration(text: string, inputName: string): number {
  const trimmed = text.trim()
  const fail = (): never => {
    throw new Error(`Invalid ${inputName} '${text}'. Expected a Go duration such as 90s, 5m or 1h30m.`)
  }
  if (trimmed === '0') return 0
  if (trimmed === '' || trimmed.startsWith('-')) fail()
  const body = trimmed.startsWith('+') ? trimmed.slice(1) : trimmed
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y
  let total = 0
  let offset = 0
  while (offset < body.length) {
    part.lastIndex = offset
    const match = part.exec(body)
    if (!match) fail()
    total += Number(match![1]) * unitMs[match![2]]
    offset = part.lastIndex
  }
  if (offset === 0) fail()
  return Math.round(total)
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)}s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes}m${Math.round(seconds - minutes * 60)}s`
}
