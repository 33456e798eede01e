import { formatIp, type IpBytes, inRange, parseIp } from './ip.ts'
import type { HeaderGetter } from './types.ts'

/** Parsed trusted-proxy rules (see {@link parseTrustedProxies}). */
export interface TrustedProxies {
  /** `*`: every peer is trusted. */
  any: boolean
  ranges: ReadonlyArray<{ net: IpBytes; prefix: number }>
}

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  // RFC 1918, CGNAT (RFC 6598), link-local, IPv6 unique-local and link-local.
  private: [
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '100.64.0.0/10',
    '169.254.0.0/16',
    'fc00::/7',
    'fe80::/10',
  ],
}

function parseCidr(entry: string): { net: IpBytes; prefix: number } | null {
  const slash = entry.indexOf('/')
  const addr = slash < 0 ? entry : entry.slice(0, slash)
  const net = parseIp(addr)
  if (!net) return null
  const max = net.length * 8
  if (slash < 0) return { net, prefix: max }
  const p = entry.slice(slash + 1)
  if (!/^\d{1,3}$/.test(p)) return null
  let prefix = Number(p)
  // `::ffff:10.0.0.0/104` is stored as IPv4, so its prefix drops the 96 mapped bits.
  if (net.length === 4 && addr.includes(':')) prefix -= 96
  if (prefix < 0 || prefix > max) return null
  return { net, prefix }
}

/**
 * Parses the operator's trusted-proxy list: CIDRs (`10.0.0.0/8`, `2001:db8::/32`), single
 * addresses, `*` (trust every peer), `loopback` and `private` (RFC 1918, CGNAT, link-local,
 * IPv6 ULA). Empty entries are skipped. Throws on an entry it cannot read, naming it, so a typo
 * stops start-up instead of silently trusting nobody.
 *
 * @example
 * const trusted = parseTrustedProxies(['loopback', '10.0.0.0/8'])
 */
export function parseTrustedProxies(list: string[]): TrustedProxies {
  let any = false
  const ranges: Array<{ net: IpBytes; prefix: number }> = []
  for (const raw of list) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') {
      any = true
      continue
    }
    for (const cidr of NAMED[entry] ?? [entry]) {
      const range = parseCidr(cidr)
      if (!range) throw new Error(`invalid trusted proxy entry: ${raw.trim()}`)
      ranges.push(range)
    }
  }
  return { any, ranges }
}

function isTrusted(ip: IpBytes, trusted: TrustedProxies): boolean {
  return trusted.any || trusted.ranges.some((r) => inRange(ip, r.net, r.prefix))
}

function single(value: string | null | undefined): IpBytes | null {
  return value ? parseIp(value) : null
}

/**
 * The client's address. Proxy headers are read only when the socket peer `remoteAddr` is a trusted
 * proxy: `CF-Connecting-IP`, then `X-Real-IP`, then `X-Forwarded-For` walked from the right,
 * skipping trusted hops (the first untrusted hop is the client; if all are trusted, the leftmost).
 * Invalid header values are ignored. The result is canonical (`::ffff:1.2.3.4` -> `1.2.3.4`, ports,
 * brackets and zones stripped, IPv6 compressed); `''` when even `remoteAddr` is not an address.
 *
 * @example
 * clientIp('127.0.0.1', (n) => (n === 'x-forwarded-for' ? '203.0.113.9' : null), parseTrustedProxies(['loopback']))
 * // '203.0.113.9'
 */
export function clientIp(remoteAddr: string, header: HeaderGetter, trusted: TrustedProxies): string {
  const peer = parseIp(remoteAddr)
  if (!peer) return ''
  if (!isTrusted(peer, trusted)) return formatIp(peer)
  const direct = single(header('cf-connecting-ip')) ?? single(header('x-real-ip'))
  if (direct) return formatIp(direct)
  const xff = header('x-forwarded-for')
  if (xff) {
    let leftmost: IpBytes | null = null
    const hops = xff.split(',')
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = parseIp(hops[i] ?? '')
      if (!hop) continue
      if (!isTrusted(hop, trusted)) return formatIp(hop)
      leftmost = hop
    }
    if (leftmost) return formatIp(leftmost)
  }
  return formatIp(peer)
}
