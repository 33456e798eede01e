import { blake3 } from '@noble/hashes/blake3.js'

const SALT_BYTES = 32

/**
 * Keyed BLAKE3 of `message` under a 32-byte `key`, first 8 bytes of the output. Implementations
 * must agree byte for byte: {@link nobleKeyedHash} runs everywhere; a runtime may supply a faster one.
 */
export type KeyedHash64 = (key: Uint8Array, message: Uint8Array) => Uint8Array

/** {@link KeyedHash64} with `@noble/hashes`: pure JS, so it runs on every runtime. */
export const nobleKeyedHash: KeyedHash64 = (key, message) => blake3(message, { key, dkLen: 8 })

const encoder = new TextEncoder()
let scratch = new Uint8Array(1024)

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
 * Once the salt is destroyed the id cannot be recomputed from IP and user agent. `hash` computes
 * the keyed BLAKE3 (see {@link KeyedHash64}).
 *
 * @example
 * visitorId(salt, 'example.com', '203.0.113.7', 'Mozilla/5.0 ...') // '13061722462138937474'
 */
export function visitorId(
  salt: Uint8Array,
  siteId: string,
  ip: string,
  userAgent: string,
  hash: KeyedHash64 = nobleKeyedHash,
): string {
  if (salt.length !== SALT_BYTES) throw new Error(`visitor salt must be ${SALT_BYTES} bytes`)
  // One reused buffer, filled in place: this runs for every event on the ingest hot path.
  const max = 12 + 3 * (siteId.length + ip.length + userAgent.length)
  if (scratch.length < max) scratch = new Uint8Array(max * 2)
  let at = 0
  for (const field of [siteId, ip, userAgent]) {
    const { written } = encoder.encodeInto(field, scratch.subarray(at + 4))
    scratch[at] = written >>> 24
    scratch[at + 1] = (written >>> 16) & 255
    scratch[at + 2] = (written >>> 8) & 255
    scratch[at + 3] = written & 255
    at += 4 + written
  }
  const d = hash(salt, scratch.subarray(0, at))
  return new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0).toString()
}
