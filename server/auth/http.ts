import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { clientIp } from '../collect/client-ip.ts'
import type { Services } from '../services.ts'

/** Whether the browser reached us over https (directly or through a proxy that says so). */
export function isHttps(c: Context, s: Services): boolean {
  return (
    new URL(c.req.url).protocol === 'https:' ||
    c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https' ||
    s.config.publicUrl.startsWith('https:')
  )
}

/**
 * Sets an auth cookie: `HttpOnly`, `SameSite=Lax`, path `/`, `Secure` on https.
 * `maxAgeMs` 0 deletes it.
 *
 * @example
 * setAuthCookie(c, s, SESSION_COOKIE, value, SESSION_TTL_MS)
 */
export function setAuthCookie(c: Context, s: Services, name: string, value: string, maxAgeMs: number): void {
  setCookie(c, name, value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c, s),
    path: '/',
    maxAge: Math.floor(maxAgeMs / 1000),
  })
}

/** The client IP as the ingest path sees it; used only as an in-memory rate-limit key. */
export function requestIp(c: Context, s: Services): string {
  return clientIp(s.remoteAddr(c), (name) => c.req.header(name), s.trusted)
}

export type JsonBody = Record<string, unknown>

/**
 * The JSON object body of a request, or a message for a 400/415. Requiring
 * `application/json` keeps plain HTML forms (which cannot set it) from posting here.
 *
 * @example
 * const body = await readJson(c)
 * if (typeof body === 'string') return c.json({ error: body }, 400)
 */
export async function readJson(c: Context): Promise<JsonBody | string> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) return 'expected Content-Type: application/json'
  const text = await c.req.text()
  if (text.length > 64 * 1024) return 'body is too large'
  try {
    const body: unknown = JSON.parse(text || '{}')
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object'
    return body as JsonBody
  } catch {
    return 'body is not valid JSON'
  }
}
