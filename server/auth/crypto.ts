/** Small Web Crypto helpers shared by the auth modules (portable: no `node:` imports). */

const enc = new TextEncoder()

/** URL-safe base64 without padding. */
export function base64url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** Inverse of {@link base64url}; `null` for malformed input. */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null
  try {
    const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0))
  } catch {
    return null
  }
}

/**
 * A random token of `bytes` random bytes, base64url.
 *
 * @example
 * randomToken(32) // 'q3…' (43 chars)
 */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

/** Hex of SHA-256 over the UTF-8 text: how random credentials are stored. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(text)))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

const keyCache = new WeakMap<Uint8Array, Promise<CryptoKey>>()

function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = keyCache.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    keyCache.set(secret, key)
  }
  return key
}

/**
 * HMAC-SHA256 of `message` under `secret`, base64url, truncated to `bytes`.
 *
 * @example
 * const mac = await hmac(secret, 'session:abc')
 */
export async function hmac(secret: Uint8Array, message: string, bytes = 32): Promise<string> {
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(message)))
  return base64url(sig.subarray(0, bytes))
}

/** Compares two byte strings in time that depends only on their lengths. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** {@link timingSafeEqual} for strings (UTF-8). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(enc.encode(a), enc.encode(b))
}
