import type { PageInfo } from './types.ts'

export const MAX_PATH_LENGTH = 1000
export const MAX_UTM_LENGTH = 300

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Bytes whose decoding would change the path's structure or hide characters: kept as `%XX`. */
function keepEncoded(ch: string): boolean {
  if (ch === '/' || ch === '?' || ch === '#' || ch === '%') return true
  const code = ch.codePointAt(0) ?? 0
  return code < 0x20 || (code >= 0x7f && code <= 0x9f)
}

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1
  if (lead >= 0xc2 && lead <= 0xdf) return 2
  if (lead >= 0xe0 && lead <= 0xef) return 3
  if (lead >= 0xf0 && lead <= 0xf4) return 4
  return 0
}

/** Decodes one run of `%XX` escapes, sequence by sequence: invalid UTF-8 stays as it was sent. */
function decodeRun(run: string): string {
  const bytes = new Uint8Array(run.length / 3)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16)
  let out = ''
  for (let i = 0; i < bytes.length; ) {
    const len = utf8Length(bytes[i] ?? 0)
    let ch: string | null = null
    if (len > 0 && i + len <= bytes.length) {
      try {
        ch = utf8.decode(bytes.subarray(i, i + len))
      } catch {
        ch = null
      }
    }
    if (ch === null || keepEncoded(ch)) {
      const n = ch === null ? 1 : len
      out += run.slice(i * 3, (i + n) * 3).toUpperCase()
      i += n
    } else {
      out += ch
      i += len
    }
  }
  return out
}

/**
 * Percent-decodes where the bytes are valid UTF-8 and keeps the raw `%XX` otherwise (`%ZZ`,
 * `%C3%28`); `/ ? # %` and control characters stay encoded so decoding never changes the
 * path's structure and never introduces a `?`. Never throws.
 *
 * @example
 * safeDecode('/caf%C3%A9/%E2%82%AC/%ZZ/%C3%28/a%2Fb') // '/café/€/%ZZ/%C3(/a%2Fb'
 */
export function safeDecode(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, decodeRun)
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair or a `%XX` escape. */
function cap(s: string, max: number): string {
  if (s.length <= max) return s
  let out = s.slice(0, max)
  const last = out.charCodeAt(out.length - 1)
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1)
  return out.replace(/%[0-9A-Fa-f]?$/, '')
}

function readUtm(params: URLSearchParams, utm: PageInfo['utm']): void {
  for (const [key, value] of params) {
    const k = key.toLowerCase()
    if (!k.startsWith('utm_')) continue
    const name = k.slice(4) as (typeof UTM_KEYS)[number]
    if (UTM_KEYS.includes(name) && utm[name] === '') utm[name] = cap(value.trim(), MAX_UTM_LENGTH)
  }
}

/**
 * The page as stored: hostname (lowercase, no `www.`, no trailing dot) and path without any
 * query string (utm_* values are parsed into `utm`, never left in the path). The fragment is
 * dropped unless `hashRouting` (Plausible's `h=1`), in which case `#...` is kept without any
 * `?query` inside it (utm_* found there count too). Paths are safely percent-decoded and capped
 * at 1,000 chars. Trailing slashes are kept as sent, like Plausible (`/a` and `/a/` can be
 * different pages). An unparsable URL yields `{ hostname: '', path: '/' }`. Never throws.
 *
 * @example
 * parsePageUrl('https://www.Example.com/caf%C3%A9?utm_source=news&id=7#top', false)
 * // { hostname: 'example.com', path: '/café', utm: { source: 'news', medium: '', ... } }
 */
export function parsePageUrl(u: string, hashRouting: boolean): PageInfo {
  const utm: PageInfo['utm'] = { source: '', medium: '', campaign: '', term: '', content: '' }
  let url: URL
  try {
    url = new URL(u)
  } catch {
    return { hostname: '', path: '/', utm }
  }
  let hostname = url.hostname.toLowerCase().replace(/\.+$/, '')
  if (hostname.startsWith('www.')) hostname = hostname.slice(4)
  readUtm(url.searchParams, utm)
  let path = safeDecode(url.pathname || '/')
  if (!path.startsWith('/')) path = `/${path}`
  if (hashRouting && url.hash.length > 1) {
    const hash = url.hash
    const q = hash.indexOf('?')
    if (q >= 0) readUtm(new URLSearchParams(hash.slice(q + 1)), utm)
    const fragment = q >= 0 ? hash.slice(0, q) : hash
    if (fragment.length > 1) path += safeDecode(fragment)
  }
  return { hostname, path: cap(path, MAX_PATH_LENGTH), utm }
}
