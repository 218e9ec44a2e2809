// The forms an input's text takes: lines, lists, booleans, KEY=VALUE lines, Kubernetes names.

export type InputReader = (name: string) => string

export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))
}

export function listInput(text: string): string[] {
  return lines(text)
    .flatMap(line => line.split(',').map(part => part.trim()))
    .filter(Boolean)
}

export function booleanInput(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name).trim()
  if (value === '') return fallback
  if (/^(true|yes|on)$/i.test(value)) return true
  if (/^(false|no|off)$/i.test(value)) return false
  throw new Error(`Invalid ${name} '${value}'. Expected true or false.`)
}

export function keyValueLines(
  read: InputReader,
  name: string,
  keyPattern: RegExp,
  keyForm: string
): Array<[string, string]> {
  return lines(read(name)).map((line, i) => {
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq).trim() : ''
    // Quote the key at most, never the line: its value may be a secret.
    if (eq <= 0) throw new Error(`Invalid ${name} entry ${i + 1}: no '='. Expected one ${keyForm}=VALUE per line.`)
    if (!keyPattern.test(key))
      throw new Error(
        `Invalid ${name} entry ${i + 1}: '${key}' is not a valid ${keyForm}. Expected one ${keyForm}=VALUE per line.`
      )
    return [key, line.slice(eq + 1)] as [string, string]
  })
}

export const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

export const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
