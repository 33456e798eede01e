import type { Context } from 'hono'
import type { Services } from '../services.ts'
import { requestIp } from './http.ts'
import { authOf } from './state.ts'

/**
 * Counts one password attempt against the client IP and, when given, an account key
 * (an email, a share id). A ready 429 response with `Retry-After` when either is over its
 * limit, else `null`.
 *
 * @example
 * const limited = passwordAttempt(c, s, `login:${email}`)
 * if (limited) return limited
 */
export function passwordAttempt(c: Context, s: Services, account?: string): Response | null {
  const auth = authOf(s)
  const now = s.now()
  const ipOk = auth.loginByIp.hit(requestIp(c, s), now)
  const accountOk = account === undefined || auth.loginByAccount.hit(account, now)
  if (ipOk && accountOk) return null
  const limiter = ipOk ? auth.loginByAccount : auth.loginByIp
  c.header('Retry-After', String(limiter.retryAfter(now)))
  return c.json({ error: 'too many attempts; wait a few minutes and try again' }, 429)
}
