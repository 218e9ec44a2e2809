import { describe, expect, it } from '@jest/globals'
import { formatDuration, parseDuration } from '../../src/format/duration.js'

describe('parseDuration', () => {
  it.each([
    ['5m', 300_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['0', 0],
    ['2m0.5s', 120_500]
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text, 'timeout')).toBe(ms)
  })

  it.each(['', '5', '5 m', '-1s', 'five minutes', '1d', 'm'])('rejects %j naming the input', text => {
    expect(() => parseDuration(text, 'timeout')).toThrow(
      `Invalid timeout '${text}'. Expected a Go duration such as 90s, 5m or 1h30m.`
    )
  })

  it('formats', () => {
    expect([formatDuration(12), formatDuration(1500), formatDuration(125_000)]).toEqual(['12ms', '1.5s', '2m5s'])
  })
})
