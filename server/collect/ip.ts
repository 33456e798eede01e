/**
 * Pure IP address parsing and formatting (no `node:net`, so it runs on every runtime).
 * Addresses are held as 4 or 16 bytes; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes plain IPv4.
 * @module
 */

/** A parsed address: 4 bytes for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array

/**
 * Dotted-quad IPv4, scanned by character: this runs several times per ingest request. Leading
 * zeros are rejected: some stacks read them as octal, so they are ambiguous.
 */
function parseV4(s: string): IpBytes | null {
  const out = new Uint8Array(4)
  let part = 0
  let value = 0
  let digits = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 46) {
      if (digits === 0 || part === 3) return null
      out[part++] = value
      value = 0
      digits = 0
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return null
      value = value * 10 + (c - 48)
      digits++
      if (value > 255) return null
    } else {
      return null
    }
  }
  if (part !== 3 || digits === 0) return null
  out[3] = value
  return out
}

function parseV6(s: string): IpBytes | null {
  if (s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return null
  const halves = s.split('::')
  if (halves.length > 2) return null
  const groups: number[][] = []
  for (const half of halves) {
    const out: number[] = []
    if (half !== '') {
      const parts = half.split(':')
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i] ?? ''
        if (p.includes('.')) {
          // An embedded IPv4 is only valid as the very last part.
          if (i !== parts.length - 1 || half !== halves[halves.length - 1]) return null
          const v4 = parseV4(p)
          if (!v4) return null
          out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0))
        } else {
          if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null
          out.push(Number.parseInt(p, 16))
        }
      }
    }
    groups.push(out)
  }
  const head = groups[0] ?? []
  const tail = groups[1] ?? []
  let words: number[]
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length
    if (fill < 1) return null
    words = [...head, ...new Array<number>(fill).fill(0), ...tail]
  } else {
    words = head
  }
  if (words.length !== 8) return null
  const bytes = new Uint8Array(16)
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8
    bytes[i * 2 + 1] = w & 0xff
  })
  return bytes
}

function isV4Mapped(b: IpBytes): boolean {
  if (b.length !== 16) return false
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false
  return b[10] === 0xff && b[11] === 0xff
}

/**
 * Parses one address as it may appear in a socket address or a proxy header: surrounding
 * whitespace and quotes, `[v6]:port`, `v4:port` and `%zone` are accepted and dropped.
 * Returns `null` for anything that is not an address.
 *
 * @example
 * parseIp('[::ffff:192.0.2.1]:443') // Uint8Array [192, 0, 2, 1]
 */
export function parseIp(input: string): IpBytes | null {
  // The common case first: a bare dotted quad, as sockets and proxies usually give it.
  const plain = parseV4(input)
  if (plain) return plain
  let s = input.trim()
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) s = s.slice(1, -1).trim()
  if (s.length === 0 || s.length > 64) return null
  if (s.startsWith('[')) {
    const end = s.indexOf(']')
    if (end < 0) return null
    const rest = s.slice(end + 1)
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null
    s = s.slice(1, end)
  } else if (/^[\d.]+:\d{1,5}$/.test(s)) {
    s = s.slice(0, s.lastIndexOf(':'))
  }
  const zone = s.indexOf('%')
  if (zone >= 0) s = s.slice(0, zone)
  const bytes = s.includes(':') ? parseV6(s) : parseV4(s)
  if (bytes && isV4Mapped(bytes)) return bytes.slice(12)
  return bytes
}

/**
 * Canonical text of an address: dotted IPv4, or RFC 5952 IPv6 (lowercase, longest zero run
 * compressed), so one client always hashes and looks up the same way whatever form it came in.
 *
 * @example
 * formatIp(parseIp('2001:DB8:0:0:0:0:0:1')!) // '2001:db8::1'
 */
export function formatIp(b: IpBytes): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`
  const words: number[] = []
  for (let i = 0; i < 16; i += 2) words.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0))
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = words.map((w) => w.toString(16))
  if (bestLen < 2) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

/** Whether `ip` lies inside `net/prefix` (same family only). */
export function inRange(ip: IpBytes, net: IpBytes, prefix: number): boolean {
  if (ip.length !== net.length) return false
  let bits = prefix
  for (let i = 0; i < ip.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if (((ip[i] ?? 0) & mask) !== ((net[i] ?? 0) & mask)) return false
  }
  return true
}
