import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clientIp, parseTrustedProxies } from '../../server/collect/client-ip.ts'
import { formatIp, parseIp } from '../../server/collect/ip.ts'
import type { HeaderGetter } from '../../server/collect/types.ts'

const headers =
  (h: Record<string, string>): HeaderGetter =>
  (name) =>
    h[name.toLowerCase()] ?? null
const none: HeaderGetter = () => null

describe('parseIp / formatIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['192.0.2.1:8080', '192.0.2.1'],
    ['"192.0.2.1"', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['[::ffff:192.0.2.1]:443', '192.0.2.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:8443', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:1:1:1:1:1:1', '2001:db8:1:1:1:1:1:1'],
    ['2001:db8::1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
  ])('%j -> %j', (input, expected) => {
    const b = parseIp(input)
    expect(b).not.toBeNull()
    if (b) expect(formatIp(b)).toBe(expected)
  })

  it.each([
    [''],
    ['unknown'],
    ['256.1.1.1'],
    ['1.2.3'],
    ['01.2.3.4'],
    ['1.2.3.4.5'],
    ['1:2:3:4:5:6:7:8:9'],
    ['1::2::3'],
    ['2001:db8::g'],
    ['::1.2.3.4:5'],
    ['[::1'],
    ['[::1]x'],
    ['example.com'],
    ['1.2.3.4, 5.6.7.8'],
  ])('%j is not an address', (input) => {
    expect(parseIp(input)).toBeNull()
  })

  it('round-trips every IPv6 address', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const b = parseIp(ip)
        expect(b).not.toBeNull()
        if (b) expect(parseIp(formatIp(b))).toEqual(b)
      }),
      { numRuns: 500 },
    )
  })

  it('round-trips every IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const b = parseIp(ip)
        if (b) expect(formatIp(b)).toBe(ip)
      }),
    )
  })
})

describe('parseTrustedProxies', () => {
  it('reads CIDRs, single addresses, *, loopback and private', () => {
    const t = parseTrustedProxies([
      '10.0.0.0/8',
      ' 2001:db8::/32 ',
      '192.0.2.1',
      '',
      'loopback',
      'private',
      '*',
    ])
    expect(t.any).toBe(true)
    expect(t.ranges.length).toBe(3 + 2 + 7)
  })

  it.each([['10.0.0.0/33'], ['2001:db8::/129'], ['nonsense'], ['10.0.0.0/x'], ['10.0.0/8']])(
    'rejects %j, naming it',
    (entry) => {
      expect(() => parseTrustedProxies([entry])).toThrow(`invalid trusted proxy entry: ${entry}`)
    },
  )

  it('treats an empty list as trusting nobody', () => {
    expect(parseTrustedProxies([])).toEqual({ any: false, ranges: [] })
  })
})

describe('clientIp', () => {
  const loopback = parseTrustedProxies(['loopback'])
  const nobody = parseTrustedProxies([])
  const chain = parseTrustedProxies(['loopback', '10.0.0.0/8', '2001:db8:ffff::/48'])
  it.each([
    [
      'untrusted peer: headers ignored',
      '198.51.100.1',
      { 'x-forwarded-for': '203.0.113.9' },
      nobody,
      '198.51.100.1',
    ],
    [
      'untrusted peer: CF header ignored',
      '198.51.100.1',
      { 'cf-connecting-ip': '203.0.113.9' },
      loopback,
      '198.51.100.1',
    ],
    ['trusted peer, no headers', '127.0.0.1', {}, loopback, '127.0.0.1'],
    [
      'trusted peer, CF-Connecting-IP',
      '127.0.0.1',
      { 'cf-connecting-ip': '203.0.113.9' },
      loopback,
      '203.0.113.9',
    ],
    [
      'CF-Connecting-IP beats X-Real-IP and XFF',
      '127.0.0.1',
      { 'cf-connecting-ip': '203.0.113.9', 'x-real-ip': '203.0.113.10', 'x-forwarded-for': '203.0.113.11' },
      loopback,
      '203.0.113.9',
    ],
    [
      'X-Real-IP beats XFF',
      '127.0.0.1',
      { 'x-real-ip': '203.0.113.10', 'x-forwarded-for': '203.0.113.11' },
      loopback,
      '203.0.113.10',
    ],
    [
      'invalid CF header falls through',
      '127.0.0.1',
      { 'cf-connecting-ip': 'garbage', 'x-real-ip': '203.0.113.10' },
      loopback,
      '203.0.113.10',
    ],
    ['XFF: single hop', '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, loopback, '203.0.113.9'],
    [
      'XFF: rightmost untrusted hop wins over a spoofed left part',
      '127.0.0.1',
      { 'x-forwarded-for': '1.1.1.1, 203.0.113.9, 10.0.0.2, 10.0.0.3' },
      chain,
      '203.0.113.9',
    ],
    [
      'XFF: garbage hops are skipped',
      '127.0.0.1',
      { 'x-forwarded-for': '203.0.113.9, unknown, 10.0.0.3' },
      chain,
      '203.0.113.9',
    ],
    [
      'XFF: all hops trusted -> leftmost',
      '127.0.0.1',
      { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' },
      chain,
      '10.0.0.1',
    ],
    ['XFF: all invalid -> peer', '127.0.0.1', { 'x-forwarded-for': 'unknown, , nope' }, chain, '127.0.0.1'],
    [
      'XFF with ports and brackets',
      '127.0.0.1',
      { 'x-forwarded-for': '[2001:db8::7]:51000, 10.0.0.3:80' },
      chain,
      '2001:db8::7',
    ],
    [
      'IPv6 proxies in the chain',
      '::1',
      { 'x-forwarded-for': '2001:db8:1::5, 2001:db8:ffff::1, 2001:db8:ffff:0:0:0:0:2' },
      chain,
      '2001:db8:1::5',
    ],
    [
      'IPv4-mapped peer counts as IPv4 loopback',
      '::ffff:127.0.0.1',
      { 'x-real-ip': '203.0.113.9' },
      loopback,
      '203.0.113.9',
    ],
    ['IPv4-mapped client is returned as IPv4', '::ffff:198.51.100.4', {}, nobody, '198.51.100.4'],
    ['IPv6 client is canonicalised', '2001:0DB8:0000:0000:0000:0000:0000:0042', {}, nobody, '2001:db8::42'],
    [
      '* trusts every peer',
      '198.51.100.1',
      { 'x-forwarded-for': '203.0.113.9' },
      parseTrustedProxies(['*']),
      '203.0.113.9',
    ],
    [
      'private covers RFC 1918 peers',
      '192.168.1.10',
      { 'x-forwarded-for': '203.0.113.9' },
      parseTrustedProxies(['private']),
      '203.0.113.9',
    ],
    [
      'private covers IPv6 ULA peers',
      'fd00::1',
      { 'x-forwarded-for': '203.0.113.9' },
      parseTrustedProxies(['private']),
      '203.0.113.9',
    ],
    ['invalid peer', 'not-an-ip', { 'x-forwarded-for': '203.0.113.9' }, parseTrustedProxies(['*']), ''],
  ])('%s', (_name, peer, h, trusted, expected) => {
    expect(clientIp(peer, headers(h), trusted)).toBe(expected)
  })

  it('never throws on arbitrary header values', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (peer, xff) => {
        const ip = clientIp(peer, headers({ 'x-forwarded-for': xff }), parseTrustedProxies(['*']))
        expect(typeof ip).toBe('string')
      }),
      { numRuns: 500 },
    )
    expect(clientIp('127.0.0.1', none, parseTrustedProxies(['loopback']))).toBe('127.0.0.1')
  })
})
