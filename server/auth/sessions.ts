import type { Ch } from '../store/client.ts'
import { hmac, randomToken, safeEqual, sha256Hex } from './crypto.ts'
import { dateTimeMs, nextVersion, seconds } from './rows.ts'
import { TtlCache } from './ttl-cache.ts'
import type { User, UserStore } from './users.ts'

export const SESSION_COOKIE = 'crumbless_session'
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000
export const SESSION_CACHE_MS = 10_000

export interface Session {
  /** SHA-256 of the cookie token: the row key. */
  id: string
  userId: string
  csrf: string
  expiresAt: number
}

export interface SessionHit {
  session: Session
  user: User
}

interface SessionRow {
  id: string
  user_id: string
  csrf: string
  expires_at: string
}

/**
 * Server-side dashboard sessions. The cookie carries a random token plus an HMAC of it under
 * the instance secret (so forged cookies are refused without a read); the table holds the
 * token's SHA-256. Lookups are cached {@link SESSION_CACHE_MS}; revocation through this
 * instance is immediate, through another one within that time.
 *
 * @example
 * const { cookie, session } = await sessions.create(user.id)
 * const hit = await sessions.lookup(cookie)
 */
export class SessionStore {
  private cache = new TtlCache<string, SessionHit | null>(SESSION_CACHE_MS)

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
    private readonly secret: () => Promise<Uint8Array>,
    private readonly users: UserStore,
  ) {}

  private async sign(token: string): Promise<string> {
    return hmac(await this.secret(), `session:${token}`, 16)
  }

  /** Starts a session; `cookie` is the value for {@link SESSION_COOKIE}. */
  async create(userId: string): Promise<{ cookie: string; session: Session }> {
    const token = randomToken(32)
    const now = this.now()
    const session: Session = {
      id: await sha256Hex(token),
      userId,
      csrf: randomToken(24),
      expiresAt: now + SESSION_TTL_MS,
    }
    await this.write([session], now, false)
    return { cookie: `${token}.${await this.sign(token)}`, session }
  }

  private async write(sessions: Session[], now: number, revoked: boolean): Promise<void> {
    await this.ch.insert(
      'auth_sessions',
      sessions.map((session) => ({
        id: session.id,
        user_id: session.userId,
        csrf: session.csrf,
        created_at: seconds(now),
        expires_at: seconds(session.expiresAt),
        version: nextVersion(now),
        revoked: revoked ? 1 : 0,
      })),
    )
  }

  /** The live session and its user for a cookie value, or `null`. */
  async lookup(cookie: string | undefined): Promise<SessionHit | null> {
    if (!cookie || cookie.length > 200) return null
    const [token = '', mac = ''] = cookie.split('.')
    if (!token || !safeEqual(mac, await this.sign(token))) return null
    const id = await sha256Hex(token)
    const now = this.now()
    const cached = this.cache.get(id, now)
    const hit = cached ? cached.value : await this.load(id)
    if (!cached) this.cache.set(id, hit, now)
    return hit && hit.session.expiresAt > now ? hit : null
  }

  private async load(id: string): Promise<SessionHit | null> {
    const rows = await this.ch.query<SessionRow>(
      `SELECT id, user_id, csrf, expires_at FROM auth_sessions FINAL
       WHERE id = {id:String} AND revoked = 0 LIMIT 1`,
      { id },
    )
    const r = rows[0]
    if (!r) return null
    const user = await this.users.byId(r.user_id)
    if (!user) return null
    return {
      session: { id: r.id, userId: r.user_id, csrf: r.csrf, expiresAt: dateTimeMs(r.expires_at) },
      user,
    }
  }

  async revoke(session: Session): Promise<void> {
    await this.write([session], this.now(), true)
    this.cache.delete(session.id)
  }

  /** Ends every session of a user (password change, removal), optionally keeping one. */
  async revokeAll(userId: string, keepId?: string): Promise<void> {
    const rows = await this.ch.query<SessionRow>(
      `SELECT id, user_id, csrf, expires_at FROM auth_sessions FINAL
       WHERE user_id = {userId:String} AND revoked = 0`,
      { userId },
    )
    const ended = rows
      .filter((r) => r.id !== keepId)
      .map((r) => ({ id: r.id, userId, csrf: r.csrf, expiresAt: dateTimeMs(r.expires_at) }))
    await this.write(ended, this.now(), true)
    this.forgetUser(userId)
  }

  /** Drops cached sessions of a user so a changed user row is re-read. */
  forgetUser(userId: string): void {
    this.cache.deleteWhere((hit) => hit?.user.id === userId)
  }
}
