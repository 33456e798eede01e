import { describe, expect, it } from 'vitest'
import {
  hashPassword,
  PBKDF2_ITERATIONS,
  passwordProblem,
  verifyPassword,
} from '../../server/auth/password.ts'

describe('password hashing', () => {
  it('stores PBKDF2-SHA256 with its parameters and a random salt', async () => {
    const a = await hashPassword('correct horse battery')
    const b = await hashPassword('correct horse battery')
    expect(a).toMatch(
      new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`),
    )
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(210_000)
    expect(a).not.toBe(b)
    expect(a).not.toContain('correct')
  })

  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('correct horse battery', 1000)
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('verifies hashes made with other iteration counts (parameters are read from the hash)', async () => {
    expect(await verifyPassword('pw-one-two', await hashPassword('pw-one-two', 5000))).toBe(true)
  })

  it('refuses empty (invited, no password yet) and malformed hashes', async () => {
    expect(await verifyPassword('anything', '')).toBe(false)
    for (const bad of ['plain', 'pbkdf2-sha256$x$y$z', 'md5$1000$AAAA$AAAA', 'pbkdf2-sha256$0$AAAA$AAAA']) {
      expect(await verifyPassword('anything', bad)).toBe(false)
    }
  })

  it('names what is wrong with a new password', () => {
    expect(passwordProblem('12345678')).toBeNull()
    expect(passwordProblem('1234567')).toMatch(/at least 8/)
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/)
    expect(passwordProblem(12345678)).toMatch(/string/)
  })
})

describe('portable fallback', () => {
  it('derives the same key as Web Crypto with @noble/hashes (used where Web Crypto caps iterations)', async () => {
    const { pbkdf2Async } = await import('@noble/hashes/pbkdf2.js')
    const { sha256 } = await import('@noble/hashes/sha2.js')
    const { fromBase64url } = await import('../../server/auth/crypto.ts')
    const stored = await hashPassword('same on every runtime', 2000)
    const [, , salt = '', hash = ''] = stored.split('$')
    const js = await pbkdf2Async(sha256, 'same on every runtime', fromBase64url(salt)!, {
      c: 2000,
      dkLen: 32,
    })
    expect(js).toEqual(fromBase64url(hash))
  })
})
