import { Reader } from 'mmdb-lib'
import { formatIp, type IpBytes, inRange, parseIp } from './ip.ts'

/** Addresses that never map to a country: loopback, private, link-local, CGNAT, ULA, unspecified. */
const NOT_PUBLIC: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
]
const NOT_PUBLIC_NETS = NOT_PUBLIC.map(([net, prefix]) => ({ net: parseIp(net) as IpBytes, prefix }))

type BufferCtor = { from(buf: ArrayBufferLike, offset: number, length: number): Uint8Array }

/**
 * mmdb-lib reads through Node's Buffer methods (`readUIntBE`, ...). A Buffer passes straight
 * through; a plain Uint8Array is wrapped without copying where a Buffer global exists (Node, Bun,
 * Workers with nodejs_compat). Elsewhere, country comes from the platform (`CF-IPCountry` etc.).
 */
function asBuffer(mmdb: Uint8Array): Buffer {
  if (typeof (mmdb as Partial<Buffer>).readUIntBE === 'function') return mmdb as Buffer
  const B = (globalThis as { Buffer?: BufferCtor }).Buffer
  if (!B) throw new Error('MMDB country lookup needs a Buffer implementation on this runtime')
  return B.from(mmdb.buffer, mmdb.byteOffset, mmdb.byteLength) as Buffer
}

/**
 * Decoded MMDB records by their offset in the file (never by address): a country database holds
 * a few hundred distinct records, so lookups stop decoding the same small maps over and over.
 */
function recordCache() {
  const records = new Map<string | number, unknown>()
  return {
    get: (offset: string | number) => records.get(offset),
    set: (offset: string | number, record: unknown) => {
      if (records.size >= 65_536) records.clear()
      records.set(offset, record)
    },
  }
}

/**
 * A country lookup over an MMDB file whose records carry `country_code` (the
 * `@ip-location-db/*-country-mmdb` packages) or MaxMind's `country.iso_code`.
 * The returned function gives an ISO 3166-1 alpha-2 code, or `''` for private, loopback,
 * unknown or unparsable addresses; it never throws.
 *
 * @example
 * const country = createCountryLookup(readFileSync('geo-whois-asn-country.mmdb'))
 * country('8.8.8.8') // 'US'
 */
export function createCountryLookup(mmdb: Uint8Array): (ip: string) => string {
  const reader = new Reader<Record<string, unknown>>(asBuffer(mmdb), { cache: recordCache() })
  return (ip: string): string => {
    const bytes = parseIp(ip)
    if (!bytes || NOT_PUBLIC_NETS.some((r) => inRange(bytes, r.net, r.prefix))) return ''
    try {
      return countryCode(reader.get(formatIp(bytes)))
    } catch {
      return ''
    }
  }
}

function countryCode(record: Record<string, unknown> | null): string {
  if (!record) return ''
  let code = record.country_code
  if (code === undefined && typeof record.country === 'object' && record.country !== null) {
    code = (record.country as Record<string, unknown>).iso_code
  }
  return typeof code === 'string' && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : ''
}
