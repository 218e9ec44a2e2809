// Values the job summary quotes (names, images, messages, log lines) come from manifests, inputs and the
// cluster: each is written through one of these, so none can open a heading, a link, an image or raw HTML,
// close a code block or break a table (issue 19).

/**
 * A value as literal inline Markdown, in a table cell or running text: one line; `&`, `<` and `>` as entities
 * (no HTML, no autolink); backslash before the characters that start code, emphasis, links, strikethrough or a
 * cell (the characters GitHub gives meaning to where a value can stand).
 */
export function inline(value: string | number | undefined): string {
  return String(value ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[&<>]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    .replace(/[\\`*_[\]|~]/g, '\\$&')
}

/**
 * A value as code: a backtick span for the plain values a summary mostly shows (image references, tags,
 * digests); anything a span cannot hold for certain (a backtick, a pipe or backslash a table would split on,
 * markup characters) in `<code>` with the value escaped as inline text.
 */
export function code(value: string): string {
  if (value === '') return ''
  return /^[^`|\\<>&\r\n]+$/.test(value) ? `\`${value}\`` : `<code>${inline(value)}</code>`
}

/** Lines as a fenced code block, whose fence no line can close: longer than every backtick run in them. */
export function fenced(info: string, lines: string[]): string[] {
  const fence = '`'.repeat(Math.max(3, longestRun(lines.join('\n')) + 1))
  return [`${fence}${info}`, ...lines.flatMap(line => line.split(/\r\n|\r|\n/)), fence]
}

/**
 * A value inside raw HTML (a `<summary>`): one line, as a blank line would end the HTML block; `&<>"'` as
 * entities, and Markdown's characters too, so that a renderer reading the line as Markdown shows them as well.
 */
export function html(value: string): string {
  const named: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
  return value.replace(/[\r\n]+/g, ' ').replace(/[&<>"'`*_[\]|~\\]/g, c => named[c] ?? `&#${c.charCodeAt(0)};`)
}

const longestRun = (text: string): number => Math.max(0, ...(text.match(/`+/g) ?? []).map(run => run.length))
