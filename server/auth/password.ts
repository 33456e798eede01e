import { pbkdf2Async } from '@noble/hashes/pbkdf2.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64url, fromBase64url, timingSafeEqual } from './crypto.ts'

/**
 * Password hashing: PBKDF2-HMAC-SHA256 through Web Crypto, 600,000 iterations (OWASP 2023),
 * a 16-byte random salt per password, a 32-byte derived key. The stored string names its
 * parameters (`pbkdf2-sha256$600000$<salt>$<hash>`), so the count can be raised later and
 * old hashes still verify. Runtimes whose Web Crypto caps the count (Cloudflare workerd allows
 * 100,000) fall back to the same KDF in JS (@noble/hashes), so hashes verify everywhere.
 */
export const PBKDF2_ITERATIONS = 600_000
const SALT_BYTES = 16
const KEY_BITS = 256
/** Longer inputs only cost CPU; no human types more. */
export const MAX_PASSWORD_LENGTH = 256
export const MIN_PASSWORD_LENGTH = 8

let webCryptoCap = Number.POSITIVE_INFINITY

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const secret = new TextEncoder().encode(password)
  if (iterations <= webCryptoCap) {
    try {
      const key = await crypto.subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits'])
      const bits = await crypto.subtle.deriveBits(
        { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
        key,
        KEY_BITS,
      )
      return new Uint8Array(bits)
    } catch {
      // The runtime refused this count (workerd); remember, and use the portable implementation.
      webCryptoCap = iterations - 1
    }
  }
  return pbkdf2Async(sha256, secret, salt, { c: iterations, dkLen: KEY_BITS / 8 })
}

/**
 * @example
 * const stored = await hashPassword('correct horse battery staple')
 */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
  const hash = await derive(password, salt, iterations)
  return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(hash)}`
}

/** A fixed hash to verify against when the account does not exist, so timing does not tell. */
const DUMMY = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`

/**
 * Checks `password` against a stored hash in constant time. An empty or malformed `stored`
 * (e.g. an invited user who has not set a password) still costs one full derivation and fails.
 *
 * @example
 * if (!(await verifyPassword(input, user.passwordHash))) return c.json({ error: 'wrong email or password' }, 401)
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = (stored || DUMMY).split('$')
  const [scheme, iter, saltText, hashText] = parts
  const iterations = Number(iter)
  const salt = fromBase64url(saltText ?? '')
  const expected = fromBase64url(hashText ?? '')
  const valid =
    parts.length === 4 &&
    scheme === 'pbkdf2-sha256' &&
    Number.isInteger(iterations) &&
    iterations >= 1 &&
    iterations <= 10_000_000 &&
    salt !== null &&
    expected !== null
  const actual = await derive(
    password,
    valid ? salt : new Uint8Array(SALT_BYTES),
    valid ? iterations : PBKDF2_ITERATIONS,
  )
  return valid && stored !== '' && timingSafeEqual(actual, expected)
}

/** `null` when acceptable, else the message for a 400. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'password must be a string'
  if (password.length < MIN_PASSWORD_LENGTH)
    return `password must be at least ${MIN_PASSWORD_LENGTH} characters`
  if (password.length > MAX_PASSWORD_LENGTH)
    return `password must be at most ${MAX_PASSWORD_LENGTH} characters`
  return null
}
