// A verify URL may carry credentials: user:password@ or a token in its query (issue 19). They are sent, never
// shown: the URL printed in the log and the summary has its user info and every query value replaced by ***,
// and the credentials are masked in every form a lower layer could print (raw, decoded, encoded, Basic).

/** What the health gate fetches, and how the log names it. */
export interface GateRequest {
  /** The URL without user info: fetch refuses credentials in a URL (WHATWG fetch, "Request constructor"). */
  url: string
  /** Authorization: Basic for the URL's user info, as curl sends it. */
  headers: Record<string, string>
  shown: string
}

/** Query keys whose values are credentials by their name; their values are masked, not only hidden. */
const sensitiveKey = /token|key|secret|pass|pwd|sig|auth|credential|session|jwt|bearer|code/i

interface UrlParts {
  scheme: string
  userinfo?: string
  rest: string
  query?: string
  fragment?: string
}

// As the URL parser splits it: the user info ends at the last @ before the first / ? or #.
function split(text: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^/?#]*)@)?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/is.exec(text)
  if (!match) return undefined
  const [, scheme, userinfo, rest, query, fragment] = match
  return { scheme, userinfo, rest, query, fragment }
}

const queryPairs = (query: string | undefined): Array<[string, string | undefined]> =>
  (query ?? '')
    .split('&')
    .filter(Boolean)
    .map(pair => {
      const eq = pair.indexOf('=')
      return eq < 0 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)]
    })

// In user info a + is itself; in a query it may stand for a space (form encoding).
function decoded(text: string, plusIsSpace = false): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text)
  } catch {
    return text
  }
}

/** The URL as the log and the summary show it: user info and every query value (and a fragment) as ***. */
export function shownUrl(text: string): string {
  const parts = split(text)
  if (!parts) return '***'
  const query =
    parts.query === undefined
      ? ''
      : `?${queryPairs(parts.query)
          .map(([key, value]) => (value === undefined ? '***' : `${key}=***`))
          .join('&')}`
  return `${parts.scheme}${parts.userinfo === undefined ? '' : '***@'}${parts.rest}${query}${parts.fragment === undefined ? '' : '#***'}`
}

/** The request for the gate of `colour` (the URL's {colour} replaced); throws on a URL fetch cannot take. */
export function gateRequest(template: string, colour = ''): GateRequest {
  const text = template.replaceAll('{colour}', colour)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(
      `Invalid verify URL ${shownUrl(text)}: not a URL fetch can request (a {colour} in the host must make a valid host name).`
    )
  }
  const headers: Record<string, string> = {}
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decoded(url.username)}:${decoded(url.password)}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  return { url: url.href, headers, shown: shownUrl(text) }
}

/**
 * Every form of the URL's credentials, for core.setSecret: the password (the user name too when it comes alone,
 * as a token does), the values of sensitive-looking query keys, each raw, decoded and encoded, the Basic
 * header's value, and the whole URL; for {colour} as given, blue and green. Shorter than 4 characters, a
 * value is left unmasked (a mask blanks its every occurrence in the log); no value is printed anyway.
 */
export function gateUrlSecrets(template: string): string[] {
  const found = new Set<string>()
  const add = (value: string): void => {
    const plain = [decoded(value), decoded(value, true)]
    for (const form of [
      value,
      ...plain,
      ...plain.flatMap(p => [encodeURIComponent(p), new URLSearchParams({ v: p }).toString().slice(2)])
    ]) {
      if (form.length >= 4) found.add(form)
    }
  }
  for (const colour of [undefined, 'blue', 'green']) {
    const text = colour === undefined ? template : template.replaceAll('{colour}', colour)
    const parts = split(text)
    if (!parts) continue
    const sensitive = queryPairs(parts.query).filter(([key, value]) => value && sensitiveKey.test(decoded(key, true)))
    if (parts.userinfo === undefined && sensitive.length === 0) continue
    found.add(text)
    if (parts.userinfo !== undefined) {
      const colon = parts.userinfo.indexOf(':')
      const [user, password] =
        colon < 0 ? [parts.userinfo, ''] : [parts.userinfo.slice(0, colon), parts.userinfo.slice(colon + 1)]
      if (password) add(password)
      else if (user) add(user)
      if (user || password) found.add(Buffer.from(`${decoded(user)}:${decoded(password)}`).toString('base64'))
    }
    for (const [, value] of sensitive) add(value!)
  }
  return [...found]
}
