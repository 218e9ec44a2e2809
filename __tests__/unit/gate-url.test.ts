import { describe, expect, it } from '@jest/globals'
import { gateRequest, gateUrlSecrets, shownUrl } from '../../src/strategies/gate-url.js'

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`

describe('gateRequest: credentials go in a header, never in the URL fetch gets', () => {
  it.each([
    [
      'plain',
      'https://preview.acme.dev/ready',
      undefined,
      'https://preview.acme.dev/ready',
      {},
      'https://preview.acme.dev/ready'
    ],
    [
      '{colour} in host and path',
      'http://web-{colour}.shop.svc/healthz/{colour}',
      'green',
      'http://web-green.shop.svc/healthz/green',
      {},
      'http://web-green.shop.svc/healthz/green'
    ],
    [
      'user:password@',
      'https://ci:pa55w0rd@preview.acme.dev/ready',
      'blue',
      'https://preview.acme.dev/ready',
      { authorization: basic('ci:pa55w0rd') },
      'https://***@preview.acme.dev/ready'
    ],
    [
      'an encoded password',
      'https://ci:p%40ss%3Aw0rd@h.dev/',
      undefined,
      'https://h.dev/',
      { authorization: basic('ci:p@ss:w0rd') },
      'https://***@h.dev/'
    ],
    [
      'a token as the user',
      'https://ghp_t0ken1234@h.dev/x',
      undefined,
      'https://h.dev/x',
      { authorization: basic('ghp_t0ken1234:') },
      'https://***@h.dev/x'
    ],
    [
      'a token and other query values',
      'http://127.0.0.1:8080/ready/{colour}?token=s3cr3t-{colour}&colour={colour}&flag#frag',
      'blue',
      'http://127.0.0.1:8080/ready/blue?token=s3cr3t-blue&colour=blue&flag#frag',
      {},
      'http://127.0.0.1:8080/ready/blue?token=***&colour=***&***#***'
    ]
  ])('%s', (_, template, colour, url, headers, shown) => {
    expect(gateRequest(template, colour)).toEqual({ url, headers, shown })
  })

  it('refuses a URL fetch cannot take, without quoting its credentials', () => {
    expect(() => gateRequest('http://u:pa55w0rd@bad host/?token=abcd', 'blue')).toThrow(
      'Invalid verify URL http://***@bad host/?token=***: not a URL fetch can request'
    )
  })
})

describe('shownUrl', () => {
  it.each([
    ['https://a.dev/x?api_key=k&sig=s&x=1', 'https://a.dev/x?api_key=***&sig=***&x=***'],
    ['https://u:p@a.dev', 'https://***@a.dev'],
    // The user info ends at the last @ before the path, as the URL parser reads it.
    ['https://u:p@ss@a.dev/@x?', 'https://***@a.dev/@x?'],
    ['not a url', '***']
  ])('%s → %s', (url, shown) => {
    expect(shownUrl(url)).toBe(shown)
  })
})

describe('gateUrlSecrets: what is masked', () => {
  it.each([
    ['a plain URL', 'https://preview.acme.dev/ready', [], []],
    [
      'user:password@',
      'https://ci:pa55w0rd@preview.acme.dev/ready',
      ['pa55w0rd', Buffer.from('ci:pa55w0rd').toString('base64'), 'https://ci:pa55w0rd@preview.acme.dev/ready'],
      ['ci']
    ],
    ['an encoded password, in both forms', 'https://ci:p%40ss%2Fw0rd@h.dev/', ['p%40ss%2Fw0rd', 'p@ss/w0rd'], []],
    ['a token as the user', 'https://ghp_t0ken1234@h.dev/', ['ghp_t0ken1234'], []],
    [
      'sensitive query values, raw, decoded and encoded, for each colour',
      'http://h/{colour}?token=a%2Bb+c-{colour}&access_token=zzzz9&colour={colour}&q=visible',
      [
        'a%2Bb+c-blue',
        'a+b+c-blue',
        'a+b c-blue',
        'a%2Bb%20c-blue',
        'a%2Bb+c-green',
        'zzzz9',
        'http://h/blue?token=a%2Bb+c-blue&access_token=zzzz9&colour=blue&q=visible'
      ],
      ['blue', 'green', 'visible', 'colour']
    ],
    // A mask of 1 to 3 characters would blank them all over the log; the value is never printed anyway.
    ['a short token', 'https://h/?token=abc', [], ['abc']]
  ])('%s', (_, template, masked, unmasked) => {
    const secrets = gateUrlSecrets(template)
    expect(secrets).toEqual(expect.arrayContaining(masked))
    for (const value of unmasked) expect(secrets).not.toContain(value)
    if (masked.length === 0) expect(secrets.filter(s => !s.startsWith('http'))).toEqual([])
  })
})
