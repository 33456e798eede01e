import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { wasmKeyedHash } from '../../server/adapters/wasm-keyed-hash.ts'
import { nobleKeyedHash, visitorId } from '../../server/collect/visitor-id.ts'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })

describe('wasmKeyedHash', () => {
  it('gives the bytes of @noble/hashes for any key and message, before and after its hasher is ready', async () => {
    await fc.assert(
      fc.asyncProperty(
        key32,
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 4 }),
        async (key, messages) => {
          const { hash, settled } = wasmKeyedHash()
          // The first call starts making the hasher and answers through noble.
          expect(hex(hash(key, messages[0] ?? new Uint8Array()))).toBe(
            hex(nobleKeyedHash(key, messages[0] ?? new Uint8Array())),
          )
          await settled()
          for (const m of messages) expect(hex(hash(key, m))).toBe(hex(nobleKeyedHash(key, m)))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('follows a new salt: ids under the new key match noble, never the old hasher', async () => {
    const { hash, settled, ready } = wasmKeyedHash()
    const today = new Uint8Array(32).fill(1)
    const tomorrow = new Uint8Array(32).fill(2)
    const message = new TextEncoder().encode('site|203.0.113.7|Mozilla/5.0')
    hash(today, message)
    await settled()
    const fromToday = hex(hash(today, message))
    expect(fromToday).toBe(hex(nobleKeyedHash(today, message)))
    // Same bytes in another array (the worker gets cloned salts): no new hasher, same answer.
    expect(hex(hash(today.slice(), message))).toBe(fromToday)
    expect(hex(hash(tomorrow, message))).toBe(hex(nobleKeyedHash(tomorrow, message)))
    expect(ready()).toBe(false)
    await settled()
    expect(ready()).toBe(true)
    expect(hex(hash(tomorrow, message))).toBe(hex(nobleKeyedHash(tomorrow, message)))
    expect(hex(hash(tomorrow, message))).not.toBe(fromToday)
  })

  it('gives the same visitor ids as the default hash', async () => {
    const { hash, settled } = wasmKeyedHash()
    const salt = new Uint8Array(32).map((_, i) => i * 7)
    hash(salt, new Uint8Array())
    await settled()
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        (site, ip, ua) => {
          expect(visitorId(salt, site, ip, ua, hash)).toBe(visitorId(salt, site, ip, ua))
        },
      ),
    )
  })
})
