import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePageUrl, safeDecode } from '../../server/collect/page-url.ts'

const noUtm = { source: '', medium: '', campaign: '', term: '', content: '' }

describe('parsePageUrl: hostname and path', () => {
  it.each([
    ['https://example.com', 'example.com', '/'],
    ['https://example.com/', 'example.com', '/'],
    ['https://www.Example.COM/Blog/Post', 'example.com', '/Blog/Post'],
    ['https://example.com./a', 'example.com', '/a'],
    ['http://localhost:8000/a', 'localhost', '/a'],
    ['https://shop.example.com/a/b/', 'shop.example.com', '/a/b/'],
    ['https://example.com/a?x=1&y=2', 'example.com', '/a'],
    ['https://example.com/a?', 'example.com', '/a'],
    ['https://example.com/a#section', 'example.com', '/a'],
    ['https://example.com/a?x=1#/route?y=2', 'example.com', '/a'],
    ['https://example.com//double//slash', 'example.com', '//double//slash'],
    ['https://example.com/a/../b/./c', 'example.com', '/b/c'],
    ['https://example.com/%E2%82%AC', 'example.com', '/€'],
    ['https://example.com/€/prix', 'example.com', '/€/prix'],
    ['https://example.com/caf%C3%A9', 'example.com', '/café'],
    ['https://example.com/%ZZ', 'example.com', '/%ZZ'],
    ['https://example.com/%C3%28', 'example.com', '/%C3('],
    ['https://example.com/%E2%82', 'example.com', '/%E2%82'],
    ['https://example.com/%ED%A0%80', 'example.com', '/%ED%A0%80'],
    ['https://example.com/%C0%AF', 'example.com', '/%C0%AF'],
    ['https://example.com/a%2Fb', 'example.com', '/a%2Fb'],
    ['https://example.com/a%2fb', 'example.com', '/a%2Fb'],
    ['https://example.com/what%3Fnot', 'example.com', '/what%3Fnot'],
    ['https://example.com/hash%23tag', 'example.com', '/hash%23tag'],
    ['https://example.com/100%25', 'example.com', '/100%25'],
    ['https://example.com/100%', 'example.com', '/100%'],
    ['https://example.com/nul%00byte', 'example.com', '/nul%00byte'],
    ['https://example.com/%F0%9F%98%80', 'example.com', '/😀'],
    ['https://example.com/😀', 'example.com', '/😀'],
    ['https://example.com/a b', 'example.com', '/a b'],
    ['https://example.com/a%20b', 'example.com', '/a b'],
    ['https://example.com/%E6%97%A5%E6%9C%AC', 'example.com', '/日本'],
    ['https://xn--bcher-kva.example/', 'xn--bcher-kva.example', '/'],
    ['https://bücher.example/', 'xn--bcher-kva.example', '/'],
    ['https://[2001:db8::1]:8443/a', '[2001:db8::1]', '/a'],
  ])('%s -> %s %s', (u, hostname, path) => {
    expect(parsePageUrl(u, false)).toEqual({ hostname, path, utm: noUtm })
  })

  it('returns an empty hostname and / for an unparsable URL instead of throwing', () => {
    expect(parsePageUrl('not a url', false)).toEqual({ hostname: '', path: '/', utm: noUtm })
  })
})

describe('parsePageUrl: hash routing', () => {
  it.each([
    ['https://example.com/#/settings', '/#/settings'],
    ['https://example.com/app#/users/42', '/app#/users/42'],
    ['https://example.com/#/search?q=private', '/#/search'],
    ['https://example.com/?x=1#/a', '/#/a'],
    ['https://example.com/#', '/'],
    ['https://example.com/#?only=query', '/'],
    ['https://example.com/#/caf%C3%A9', '/#/café'],
    ['https://example.com/#/a b', '/#/a b'],
  ])('%s -> %s', (u, path) => {
    expect(parsePageUrl(u, true).path).toBe(path)
  })

  it('reads utm_* from the query inside the fragment', () => {
    expect(parsePageUrl('https://example.com/#/landing?utm_source=news&x=1', true)).toEqual({
      hostname: 'example.com',
      path: '/#/landing',
      utm: { ...noUtm, source: 'news' },
    })
  })
})

describe('parsePageUrl: UTM parameters', () => {
  it('parses all five and keeps none in the path', () => {
    const u =
      'https://example.com/p?utm_source=Newsletter&utm_medium=email&utm_campaign=Spring%20Sale&utm_term=shoes+red&utm_content=hero&id=9'
    expect(parsePageUrl(u, false)).toEqual({
      hostname: 'example.com',
      path: '/p',
      utm: {
        source: 'Newsletter',
        medium: 'email',
        campaign: 'Spring Sale',
        term: 'shoes red',
        content: 'hero',
      },
    })
  })

  it.each([
    ['keys are case-insensitive', 'https://e.com/?UTM_SOURCE=a', 'a'],
    ['the first value wins', 'https://e.com/?utm_source=a&utm_source=b', 'a'],
    ['values are trimmed', 'https://e.com/?utm_source=%20a%20', 'a'],
    ['invalid escapes do not throw', 'https://e.com/?utm_source=%E2%82', '\uFFFD'],
    ['unknown utm_ keys are ignored', 'https://e.com/?utm_id=7', ''],
  ])('%s', (_name, u, source) => {
    expect(parsePageUrl(u, false).utm.source).toBe(source)
  })

  it('caps values at 300 chars', () => {
    const { utm } = parsePageUrl(`https://e.com/?utm_campaign=${'c'.repeat(500)}`, false)
    expect(utm.campaign).toBe('c'.repeat(300))
  })
})

describe('parsePageUrl: length cap', () => {
  it('caps the path at 1,000 chars', () => {
    const { path } = parsePageUrl(`https://example.com/${'a'.repeat(1990)}`, false)
    expect(path.length).toBe(1000)
  })

  it('never splits an emoji or a %XX escape at the cap', () => {
    const emoji = parsePageUrl(`https://example.com/${'a'.repeat(998)}😀😀`, false).path
    expect(emoji).toBe(`/${'a'.repeat(998)}`)
    const escaped = parsePageUrl(`https://example.com/${'a'.repeat(997)}%2F`, false).path
    expect(escaped).toBe(`/${'a'.repeat(997)}`)
  })
})

describe('safeDecode', () => {
  it.each([
    ['/caf%C3%A9', '/café'],
    ['%41%42', 'AB'],
    ['%c3%a9', 'é'],
    ['%C3%A9%C3', 'é%C3'],
    ['%FF%FE', '%FF%FE'],
    ['%2F%3F%23%25', '%2F%3F%23%25'],
    ['%7F%C2%85', '%7F%C2%85'],
    ['plain', 'plain'],
  ])('%j -> %j', (input, expected) => {
    expect(safeDecode(input)).toBe(expected)
  })
})

describe('parsePageUrl properties', () => {
  const page = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .array(fc.oneof(fc.string(), fc.constantFrom('%', '%E2%82', '%ZZ', '?', '#', '%2F', '😀', '/')), {
        maxLength: 40,
      })
      .map((parts) => `https://example.com/${parts.join('')}`),
  )

  it('never throws, never returns a query string, never exceeds 1,000 chars', () => {
    fc.assert(
      fc.property(page, fc.boolean(), (u, hash) => {
        const { path, hostname } = parsePageUrl(u, hash)
        expect(path).not.toContain('?')
        expect(path.startsWith('/')).toBe(true)
        expect(path.length).toBeLessThanOrEqual(1000)
        expect(hostname).toBe(hostname.toLowerCase())
        if (!hash) expect(path).not.toContain('#')
      }),
      { numRuns: 1000 },
    )
  })
})
