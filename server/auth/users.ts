import type { Ch } from '../store/client.ts'
import { randomToken } from './crypto.ts'
import { nextVersion, seconds } from './rows.ts'
import { TtlCache } from './ttl-cache.ts'

export const USER_CACHE_MS = 10_000

export interface User {
  id: string
  email: string
  /** Empty for an invited user who has not chosen a password yet (cannot log in). */
  passwordHash: string
  isAdmin: boolean
  /** Seconds since the epoch. */
  createdAt: number
}

interface UserRow {
  id: string
  email: string
  password_hash: string
  is_admin: number
  created_at: number
}

const SELECT = `SELECT id, email, password_hash, is_admin, toUnixTimestamp(created_at) AS created_at
  FROM users FINAL WHERE deleted = 0`

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    passwordHash: r.password_hash,
    isAdmin: r.is_admin === 1,
    createdAt: r.created_at,
  }
}

/** Emails are compared case-insensitively and without surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

/** `null` when acceptable, else the message for a 400. */
export function emailProblem(email: unknown): string | null {
  if (typeof email !== 'string') return 'email must be a string'
  const e = normalizeEmail(email)
  if (e.length > 254 || !EMAIL.test(e)) return 'email must be an address such as ana@example.com'
  return null
}

/**
 * Users in the `users` table (ReplacingMergeTree). Small: read with FINAL; only
 * {@link UserStore.cachedById} caches (login is rare; sessions cache the user they resolve).
 *
 * @example
 * const users = new UserStore(ch, Date.now)
 * const ana = await users.create({ email: 'ana@example.com', passwordHash, isAdmin: true })
 */
export class UserStore {
  private cache = new TtlCache<string, User | null>(USER_CACHE_MS)

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
  ) {}

  async byId(id: string): Promise<User | null> {
    const rows = await this.ch.query<UserRow>(`${SELECT} AND id = {id:String}`, { id })
    return rows[0] ? toUser(rows[0]) : null
  }

  /** {@link byId} through a {@link USER_CACHE_MS} cache, for per-request API key checks. */
  async cachedById(id: string): Promise<User | null> {
    const now = this.now()
    const hit = this.cache.get(id, now)
    if (hit) return hit.value
    const user = await this.byId(id)
    this.cache.set(id, user, now)
    return user
  }

  async byEmail(email: string): Promise<User | null> {
    const rows = await this.ch.query<UserRow>(
      `${SELECT} AND email = {email:String} ORDER BY created_at LIMIT 1`,
      {
        email: normalizeEmail(email),
      },
    )
    return rows[0] ? toUser(rows[0]) : null
  }

  async byIds(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return []
    const rows = await this.ch.query<UserRow>(`${SELECT} AND has({ids:Array(String)}, id)`, { ids })
    return rows.map(toUser)
  }

  async list(): Promise<User[]> {
    return (await this.ch.query<UserRow>(`${SELECT} ORDER BY email`)).map(toUser)
  }

  async count(): Promise<number> {
    const rows = await this.ch.query<{ n: number }>('SELECT count() AS n FROM users FINAL WHERE deleted = 0')
    return rows[0]?.n ?? 0
  }

  async create(u: { email: string; passwordHash: string; isAdmin: boolean }): Promise<User> {
    const user: User = {
      id: randomToken(12),
      email: normalizeEmail(u.email),
      passwordHash: u.passwordHash,
      isAdmin: u.isAdmin,
      createdAt: seconds(this.now()),
    }
    await this.save(user)
    return user
  }

  async save(user: User, deleted = false): Promise<void> {
    await this.ch.insert('users', [
      {
        id: user.id,
        email: user.email,
        password_hash: user.passwordHash,
        is_admin: user.isAdmin ? 1 : 0,
        created_at: user.createdAt,
        version: nextVersion(this.now()),
        deleted: deleted ? 1 : 0,
      },
    ])
    this.cache.delete(user.id)
  }

  async remove(user: User): Promise<void> {
    await this.save(user, true)
  }
}
