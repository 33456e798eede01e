import { RateLimiter } from '../rate-limit.ts'
import type { Services } from '../services.ts'
import { KeyStore } from './keys.ts'
import { FailureLimiter } from './limits.ts'
import { MemberStore } from './members.ts'
import { loadSecret } from './secret.ts'
import { SessionStore } from './sessions.ts'
import { ShareStore } from './shares.ts'
import { TokenStore } from './tokens.ts'
import { UserStore } from './users.ts'

/** Failed password attempts per account (email, share) and per client IP per {@link LOGIN_WINDOW_MS}. */
export const LOGIN_MAX_PER_ACCOUNT = 10
export const LOGIN_MAX_PER_IP = 30
export const LOGIN_WINDOW_MS = 15 * 60 * 1000
export const KEY_WINDOW_MS = 3_600_000

export interface Auth {
  secret: () => Promise<Uint8Array>
  users: UserStore
  sessions: SessionStore
  keys: KeyStore
  members: MemberStore
  shares: ShareStore
  tokens: TokenStore
  /** Failures of password-checking endpoints (login, setup, invite, share password) per client IP. */
  loginByIp: FailureLimiter
  loginByAccount: FailureLimiter
  /** Stats API requests per key per hour (`API_KEY_RATE_LIMIT`). */
  keyLimit: RateLimiter
}

const states = new WeakMap<Services, Auth>()

/**
 * The auth stores and limiters of one {@link Services}, created on first use so the core
 * services need not know about auth. One per app instance, like the site cache.
 *
 * @example
 * const user = await authOf(s).users.byEmail('ana@example.com')
 */
export function authOf(s: Services): Auth {
  let auth = states.get(s)
  if (auth) return auth
  let secret: Promise<Uint8Array> | null = null
  const getSecret = () => {
    secret ??= loadSecret(s.ch).catch((err: unknown) => {
      secret = null
      throw err
    })
    return secret
  }
  const users = new UserStore(s.ch, s.now)
  auth = {
    secret: getSecret,
    users,
    sessions: new SessionStore(s.ch, s.now, getSecret, users),
    keys: new KeyStore(s.ch, s.now),
    members: new MemberStore(s.ch, s.now),
    shares: new ShareStore(s.ch, s.now, getSecret),
    tokens: new TokenStore(s.ch, s.now),
    loginByIp: new FailureLimiter(LOGIN_MAX_PER_IP, LOGIN_WINDOW_MS),
    loginByAccount: new FailureLimiter(LOGIN_MAX_PER_ACCOUNT, LOGIN_WINDOW_MS),
    keyLimit: new RateLimiter(s.config.apiKeyRateLimit, KEY_WINDOW_MS),
  }
  states.set(s, auth)
  return auth
}
