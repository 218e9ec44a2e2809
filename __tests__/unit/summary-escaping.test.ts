import { describe, expect, it } from '@jest/globals'
import { code, fenced, html, inline } from '../../src/format/markdown.js'
import { renderSummary } from '../../src/report/summary.js'
import type { RunReport } from '../../src/report/run-report.js'

// A value that, written as it is, renders a fake heading, a link and an image, closes a code block and splits a cell.
const hostile =
  'web\n```\n# Deployed OK\n[link](http://x) ![i](http://x/i.png) <img src=x onerror=alert(1)> a|b & `tick` \\| *bold* ~~gone~~'

describe('markdown escaping of one value', () => {
  it.each([
    ['plain', 'deployment/web (prod)', 'deployment/web (prod)', '`deployment/web (prod)`', 'deployment/web (prod)'],
    ['a newline', 'a\n# b', 'a # b', '<code>a # b</code>', 'a # b'],
    ['html', '<img src=x>', '&lt;img src=x&gt;', '<code>&lt;img src=x&gt;</code>', '&lt;img src=x&gt;'],
    ['a link', '[l](http://x)', '\\[l\\](http://x)', '`[l](http://x)`', '&#91;l&#93;(http://x)'],
    ['a pipe and a backslash', 'a|b\\|c', 'a\\|b\\\\\\|c', '<code>a\\|b\\\\\\|c</code>', 'a&#124;b&#92;&#124;c'],
    ['backticks', 'x ``` y', 'x \\`\\`\\` y', '<code>x \\`\\`\\` y</code>', 'x &#96;&#96;&#96; y'],
    [
      'an entity',
      '&amp; "q" \'s\'',
      '&amp;amp; "q" \'s\'',
      '<code>&amp;amp; "q" \'s\'</code>',
      '&amp;amp; &quot;q&quot; &#39;s&#39;'
    ],
    ['emphasis', '*a* _b_ ~c~', '\\*a\\* \\_b\\_ \\~c\\~', '`*a* _b_ ~c~`', '&#42;a&#42; &#95;b&#95; &#126;c&#126;']
  ])('%s', (_, value, asInline, asCode, asHtml) => {
    expect(inline(value)).toBe(asInline)
    expect(code(value)).toBe(asCode)
    expect(html(value)).toBe(asHtml)
  })

  it.each([
    ['no backticks', ['a', 'b'], '```'],
    ['a fence in the text', ['```', '# x'], '````'],
    ['a longer run', ['x ````` y'], '``````']
  ])('fences %s with a fence no line closes', (_, lines, fence) => {
    const block = fenced('text', lines)
    expect(block[0]).toBe(`${fence}text`)
    expect(block.at(-1)).toBe(fence)
    for (const line of block.slice(1, -1)) expect(line.startsWith(fence)).toBe(false)
  })
})

/** The lines of rendered Markdown that are not inside a fenced code block, as a CommonMark parser reads fences. */
function outsideFences(markdown: string): { lines: string[]; unclosed: boolean } {
  const lines: string[] = []
  let open: string | undefined
  for (const line of markdown.split('\n')) {
    if (open) {
      if (new RegExp(`^${open}\`*\\s*$`).test(line)) open = undefined
      continue
    }
    const fence = /^(`{3,})[^`]*$/.exec(line)
    if (fence) open = fence[1]
    else lines.push(line)
  }
  return { lines, unclosed: open !== undefined }
}

/** What is left of a line once the markup the summary itself writes is taken out: escapes, code spans, its tags. */
const bare = (line: string): string =>
  line
    .replace(/\\./g, '')
    .replace(/`[^`]*`/g, '')
    .replace(/<\/?(details|summary|code)>|<br>/g, '')
    .replace(/&(amp|lt|gt|quot|#\d+);/g, '')
    .replace(/\*\*/g, '')

describe('renderSummary with hostile values', () => {
  const workload = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespace: hostile,
    name: hostile
  }
  const report: RunReport = {
    result: 'rolled-back',
    mode: 'deploy',
    dryRun: true,
    images: [
      {
        name: 'web',
        repository: hostile,
        tags: { primary: hostile, all: [hostile, 'latest'] },
        reference: hostile,
        deployed: hostile,
        digest: hostile,
        reused: false
      }
    ],
    resources: [
      {
        kind: hostile,
        namespace: hostile,
        name: hostile,
        action: 'configured',
        note: hostile,
        rollout: 'failed',
        durationMs: 1
      }
    ],
    waits: [
      {
        item: workload,
        state: 'failed',
        message: hostile,
        durationMs: 1,
        diagnosis: {
          pod: hostile,
          container: hostile,
          reason: hostile,
          message: hostile,
          restartCount: 1,
          previousLog: false,
          events: [hostile],
          logs: [hostile, '```', '````']
        }
      }
    ],
    applied: [
      {
        target: {
          source: {
            file: 'f',
            document: 1,
            object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: hostile } }
          },
          object: { apiVersion: 'v1', kind: hostile, metadata: { name: hostile } },
          namespaced: true,
          awaitsCrd: false
        },
        action: 'configured',
        result: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: hostile } },
        changes: [{ path: hostile, from: JSON.stringify(hostile), to: hostile }]
      }
    ],
    hooks: [
      {
        phase: 'pre',
        weight: 0,
        kind: hostile,
        name: hostile,
        namespace: hostile,
        declaredAs: hostile,
        state: 'succeeded'
      } as never
    ],
    traffic: {
      strategy: 'blue-green',
      before: 'blue',
      after: 'green',
      services: [hostile],
      switched: true,
      coloured: [hostile],
      rolling: [hostile]
    },
    history: [
      {
        workload: { kind: 'Deployment', namespace: hostile, name: hostile } as never,
        rows: [
          {
            revision: 1,
            commit: hostile,
            images: [hostile],
            changeCause: hostile,
            created: hostile,
            live: true
          } as never
        ]
      }
    ],
    rollback: {
      restored: [
        {
          workload: { kind: hostile, namespace: hostile, name: hostile },
          plan: { action: 'skip', reason: hostile }
        } as never
      ],
      created: [hostile],
      deleted: true,
      notRestored: [hostile],
      waits: [],
      durationMs: 1,
      succeeded: true
    },
    error: `Rollout failed: ${hostile}`,
    durationMs: 1
  }
  const summary = renderSummary(report)
  const { lines, unclosed } = outsideFences(summary)

  it('closes every code block it opens', () => {
    expect(unclosed).toBe(false)
    // Each fenced block starts after a line the summary wrote, never in the middle of a value.
    expect(summary.split('\n').filter(line => /^`{3,}/.test(line)).length % 2).toBe(0)
  })

  it('lets no value start a heading, a list item or a block quote', () => {
    const headings = lines.filter(line => line.startsWith('#'))
    expect(headings.length).toBeGreaterThan(5)
    for (const line of headings)
      expect(line).toMatch(
        /^(## (✅|❌|↩️) build-and-deploy|### (Images?|Resources|Hooks|Changes the apply|Traffic|Canary|Rollout problems|History of|Rollback)\b)/
      )
    expect(lines.filter(line => /^\s*(>|[-+*] |\d+\. )/.test(line) && !line.startsWith('- **'))).toEqual([])
  })

  it.each([
    ['<', 'raw HTML or an autolink'],
    ['[', 'a link or an image'],
    ['`', 'a code span of its own'],
    ['~', 'strikethrough'],
    ['*', 'emphasis']
  ])('leaves no unescaped %s outside code (%s)', character => {
    expect(lines.filter(line => bare(line).includes(character))).toEqual([])
  })

  it("keeps every table row to its header's cells", () => {
    let columns: number | undefined
    for (const line of lines) {
      if (!line.startsWith('|')) {
        columns = undefined
        continue
      }
      const cells = line.replace(/\\./g, '').split('|').length
      columns ??= cells
      expect([line, cells]).toEqual([line, columns])
    }
  })

  it('still shows the values, escaped', () => {
    expect(summary).toContain('\\[link\\](http://x)')
    expect(summary).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(summary).toContain('# Deployed OK')
  })
})
