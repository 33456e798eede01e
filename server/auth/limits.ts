import type { Context } from 'hono'
import type { Services } from '../services.ts'
import { requestIp } from './http.ts'
import { authOf } from './state.ts'

/**
 * Counts failures per key in a window that starts at the key's first failure. Only failures
 * count, so a user who logs in often is never locked out, while guessing is capped. Keys
 * (IPs, emails) live in memory for the window only; the map is bounded.
 *
 * @example
 * const limit = new FailureLimiter(10, 15 * 60_000)
 * if (limit.blocked('login:ana@example.com', now)) return tooMany()
 * if (!ok) limit.fail('login:ana@example.com', now)
 */
export class FailureLimiter {
  private map = new Map<string, { n: number; start: number }>()

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  private live(key: string, now: number): { n: number; start: number } | undefined {
    const entry = this.map.get(key)
    if (entry && now - entry.start >= this.windowMs) {
      this.map.delete(key)
      return undefined
    }
    return entry
  }

  /** 0 when the key may try, else the seconds until it may (for `Retry-After`). */
  blocked(key: string, now: number): number {
    const entry = this.live(key, now)
    if (!entry || entry.n < this.max) return 0
    return Math.max(1, Math.ceil((entry.start + this.windowMs - now) / 1000))
  }

  fail(key: string, now: number): void {
    const entry = this.live(key, now)
    if (entry) {
      entry.n += 1
      return
    }
    if (this.map.size >= this.maxKeys) {
      const first = this.map.keys().next()
      if (!first.done) this.map.delete(first.value)
    }
    this.map.set(key, { n: 1, start: now })
  }
}

export interface PasswordGate {
  /** A ready 429 with `Retry-After` when the client IP or the account is blocked. */
  limited: Response | null
  /** Records a failed attempt against the IP and the account. */
  fail(): void
}

/**
 * Guards an endpoint that checks a secret (login, password change, setup and invite tokens,
 * share passwords): failures are limited per client IP and, when given, per account key.
 *
 * @example
 * const gate = passwordGate(c, s, `login:${email}`)
 * if (gate.limited) return gate.limited
 * if (!ok) { gate.fail(); return c.json({ error: 'wrong email or password' }, 401) }
 */
export function passwordGate(c: Context, s: Services, account?: string): PasswordGate {
  const auth = authOf(s)
  const now = s.now()
  const ip = `ip:${requestIp(c, s)}`
  const wait = Math.max(
    auth.loginByIp.blocked(ip, now),
    account === undefined ? 0 : auth.loginByAccount.blocked(account, now),
  )
  if (wait > 0) c.header('Retry-After', String(wait))
  return {
    limited:
      wait > 0 ? c.json({ error: 'too many failed attempts; wait a few minutes and try again' }, 429) : null,
    fail: () => {
      auth.loginByIp.fail(ip, now)
      if (account !== undefined) auth.loginByAccount.fail(account, now)
    },
  }
}
