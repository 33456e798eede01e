import { blake3 } from '@noble/hashes/blake3.js'
import { describe, expect, it } from 'vitest'
import { newSalt, visitorId } from '../../server/collect/visitor-id.ts'

const salt = new Uint8Array(32).map((_, i) => i)
const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'

describe('visitorId', () => {
  it('is an unsigned 64-bit decimal string', () => {
    const id = visitorId(salt, 'example.com', '203.0.113.7', ua)
    expect(id).toMatch(/^\d{1,20}$/)
    expect(BigInt(id) < 2n ** 64n).toBe(true)
  })

  it('is stable for the same salt, site, IP and UA', () => {
    expect(visitorId(salt, 'example.com', '203.0.113.7', ua)).toBe(
      visitorId(salt, 'example.com', '203.0.113.7', ua),
    )
  })

  const reference = (site: string, ip: string, ua: string) => {
    const enc = new TextEncoder()
    const parts = [site, ip, ua].map((x) => enc.encode(x))
    const msg = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0))
    let at = 0
    for (const p of parts) {
      new DataView(msg.buffer).setUint32(at, p.length)
      msg.set(p, at + 4)
      at += 4 + p.length
    }
    const digest = blake3(msg, { key: salt })
    return new DataView(digest.buffer, digest.byteOffset).getBigUint64(0).toString()
  }

  it('equals the first 8 bytes (big-endian) of keyed BLAKE3 over the length-prefixed fields', () => {
    expect(visitorId(salt, 's', '1.2.3.4', 'UA')).toBe(reference('s', '1.2.3.4', 'UA'))
  })

  it('encodes multi-byte characters and long fields like the reference, call after call', () => {
    const long = `Mozilla/5.0 ${'x'.repeat(3000)} €😀`
    for (const [site, ip, ua] of [
      ['bücher.example', '2001:db8::1', 'Agent/1 ü'],
      ['a', '1.2.3.4', long],
      ['s', '1.2.3.4', 'UA'],
    ] as const) {
      expect(visitorId(salt, site, ip, ua)).toBe(reference(site, ip, ua))
    }
  })

  it.each([
    ['another salt', [new Uint8Array(32).fill(7), 'example.com', '203.0.113.7', ua]],
    ['another site', [salt, 'other.com', '203.0.113.7', ua]],
    ['another IP', [salt, 'example.com', '203.0.113.8', ua]],
    ['another UA', [salt, 'example.com', '203.0.113.7', `${ua} `]],
  ] as const)('changes with %s', (_name, args) => {
    const [s, site, ip, agent] = args
    expect(visitorId(s, site, ip, agent)).not.toBe(visitorId(salt, 'example.com', '203.0.113.7', ua))
  })

  it('does not collide when field boundaries move', () => {
    expect(visitorId(salt, 'ab', 'c', 'd')).not.toBe(visitorId(salt, 'a', 'bc', 'd'))
    expect(visitorId(salt, 'a', 'b', 'cd')).not.toBe(visitorId(salt, 'a', 'bc', 'd'))
  })

  it('does not contain the IP or the user agent', () => {
    const id = visitorId(salt, 'example.com', '203.0.113.7', ua)
    expect(id).not.toContain('203')
    expect(id).not.toContain('Mozilla')
  })

  it('rejects a salt that is not 32 bytes', () => {
    expect(() => visitorId(new Uint8Array(16), 'a', 'b', 'c')).toThrow('32 bytes')
  })
})

describe('newSalt', () => {
  it('returns 32 random bytes, different each time', () => {
    const a = newSalt()
    const b = newSalt()
    expect(a).toBeInstanceOf(Uint8Array)
    expect(a.length).toBe(32)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
  })
})
