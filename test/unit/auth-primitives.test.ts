import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  base64url,
  fromBase64url,
  hmac,
  safeEqual,
  sha256Hex,
  timingSafeEqual,
} from '../../server/auth/crypto.ts'
import { FailureLimiter } from '../../server/auth/limits.ts'
import { dateTimeMs, nextVersion } from '../../server/auth/rows.ts'
import { TtlCache } from '../../server/auth/ttl-cache.ts'

describe('crypto helpers', () => {
  it('base64url round-trips any bytes without padding or +/', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = base64url(bytes)
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
        expect(fromBase64url(text)).toEqual(bytes)
      }),
    )
    expect(fromBase64url('not base64!')).toBeNull()
  })

  it('compares in full regardless of where bytes differ', () => {
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true)
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false)
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false)
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('', 'a')).toBe(false)
  })

  it('hashes and MACs with the known SHA-256 vectors', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    // RFC 4231 test case 2: key "Jefe".
    const mac = await hmac(new TextEncoder().encode('Jefe'), 'what do ya want for nothing?')
    expect(fromBase64url(mac)).toEqual(
      Uint8Array.from(
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'
          .match(/../g)!
          .map((h) => parseInt(h, 16)),
      ),
    )
    expect(await hmac(new TextEncoder().encode('Jefe'), 'x', 16)).toHaveLength(22)
  })
})

describe('row versions and times', () => {
  it('grow strictly even within one millisecond', () => {
    const a = nextVersion(1_700_000_000_000)
    const b = nextVersion(1_700_000_000_000)
    const c = nextVersion(1_600_000_000_000)
    expect(b).toBeGreaterThan(a)
    expect(c).toBeGreaterThan(b)
    expect(Number.isSafeInteger(b)).toBe(true)
  })

  it('parses ClickHouse DateTime text as UTC', () => {
    expect(dateTimeMs('2026-01-02 03:04:05')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5))
    expect(dateTimeMs(10)).toBe(10_000)
  })
})

describe('TtlCache', () => {
  it('serves entries (misses included) until they expire, and is bounded', () => {
    const cache = new TtlCache<string, number | null>(1000, 2)
    cache.set('a', 1, 0)
    cache.set('miss', null, 0)
    expect(cache.get('a', 999)).toMatchObject({ value: 1 })
    expect(cache.get('miss', 999)).toMatchObject({ value: null })
    expect(cache.get('a', 1000)).toBeUndefined()
    cache.set('b', 2, 0)
    cache.set('c', 3, 0)
    cache.set('d', 4, 0)
    expect(cache.get('b', 1)).toBeUndefined()
    cache.deleteWhere((v) => v === 3)
    expect(cache.get('c', 1)).toBeUndefined()
    expect(cache.get('d', 1)).toMatchObject({ value: 4 })
  })

  it('caches nothing with a zero ttl', () => {
    const cache = new TtlCache<string, number>(0)
    cache.set('a', 1, 0)
    expect(cache.get('a', 0)).toBeUndefined()
  })
})

describe('FailureLimiter', () => {
  it('blocks a key after max failures until its window ends, other keys unaffected', () => {
    const limit = new FailureLimiter(3, 60_000)
    for (let i = 0; i < 3; i++) {
      expect(limit.blocked('k', 1000)).toBe(0)
      limit.fail('k', 1000)
    }
    expect(limit.blocked('k', 1000)).toBe(60)
    expect(limit.blocked('k', 31_000)).toBe(30)
    expect(limit.blocked('other', 1000)).toBe(0)
    expect(limit.blocked('k', 61_000)).toBe(0)
  })
})
