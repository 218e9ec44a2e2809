import { describe, expect, it } from '@jest/globals'
import { formatSize, parseSize } from '../../src/format/size.js'

describe('parseSize', () => {
  it.each([
    ['16Mi', 16 * 1024 ** 2],
    ['500Ki', 500 * 1024],
    ['2G', 2e9],
    ['1.5Mi', 1.5 * 1024 ** 2],
    ['1048576', 1048576],
    [' 64k ', 64_000]
  ])('%j → %d', (text, bytes) => {
    expect(parseSize(text, 'max-manifests-size')).toBe(bytes)
  })

  it.each(['', '16MB', '-1Mi', '0', 'lots', '1e6'])('refuses %j', text => {
    expect(() => parseSize(text, 'max-manifests-size')).toThrow(
      `Invalid max-manifests-size '${text}'. Expected a size such as 16Mi, 500Ki or 2G.`
    )
  })

  it('formats for a message', () => {
    expect([formatSize(925), formatSize(2048), formatSize(50 * 1024 ** 2)]).toEqual(['925 B', '2.0 KiB', '50.0 MiB'])
  })
})
