import { blake3 } from '@noble/hashes/blake3.js'

const SALT_BYTES = 32
const encoder = new TextEncoder()

/**
 * 32 random bytes: one day's salt. Uses the Web Crypto global, so it runs on every runtime.
 *
 * @example
 * const salt = newSalt() // Uint8Array(32)
 */
export function newSalt(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SALT_BYTES))
}

/**
 * The anonymous visitor id: BLAKE3 keyed with the day's 32-byte salt over the length-prefixed
 * fields (4-byte big-endian length + UTF-8 bytes each, so `('ab','c')` and `('a','bc')` differ),
 * first 8 bytes read big-endian as an unsigned 64-bit integer, returned in decimal because
 * ClickHouse's UInt64 in JSONEachRow would lose precision as a JSON number.
 * Once the salt is destroyed the id cannot be recomputed from IP and user agent.
 *
 * @example
 * visitorId(salt, 'example.com', '203.0.113.7', 'Mozilla/5.0 ...') // '13061722462138937474'
 */
export function visitorId(salt: Uint8Array, siteId: string, ip: string, userAgent: string): string {
  if (salt.length !== SALT_BYTES) throw new Error(`visitor salt must be ${SALT_BYTES} bytes`)
  const fields = [siteId, ip, userAgent].map((s) => encoder.encode(s))
  const message = new Uint8Array(fields.reduce((n, f) => n + 4 + f.length, 0))
  const view = new DataView(message.buffer)
  let at = 0
  for (const field of fields) {
    view.setUint32(at, field.length)
    message.set(field, at + 4)
    at += 4 + field.length
  }
  const digest = blake3(message, { key: salt, dkLen: 8 })
  return new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0).toString()
}
