import type { Ch } from '../store/client.ts'
import { randomToken, sha256Hex } from './crypto.ts'
import { nextVersion, seconds } from './rows.ts'
import { TtlCache } from './ttl-cache.ts'

export const KEY_PREFIX = 'cl_'
export const KEY_CACHE_MS = 10_000

export interface ApiKey {
  id: string
  userId: string
  name: string
  sites: string[]
  /** Seconds since the epoch. */
  createdAt: number
  keyHash: string
}

interface KeyRow {
  id: string
  user_id: string
  name: string
  key_hash: string
  sites: string[]
  created_at: number
}

const SELECT = `SELECT id, user_id, name, key_hash, sites, toUnixTimestamp(created_at) AS created_at
  FROM api_keys FINAL WHERE revoked = 0`

function toKey(r: KeyRow): ApiKey {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    sites: r.sites,
    createdAt: r.created_at,
    keyHash: r.key_hash,
  }
}

/**
 * Stats API keys: 32 random bytes shown once (`cl_…`), stored as SHA-256 (a fast hash is
 * enough for a random 256-bit secret). Lookups by secret are cached {@link KEY_CACHE_MS},
 * misses too, so a flood of bad keys does not reach ClickHouse; a revocation through this
 * instance is immediate, through another instance within that time.
 *
 * @example
 * const { key, secret } = await keys.create(user.id, 'reporting', ['example.com'])
 * const same = await keys.bySecret(secret)
 */
export class KeyStore {
  private cache = new TtlCache<string, ApiKey | null>(KEY_CACHE_MS)

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
  ) {}

  async create(userId: string, name: string, sites: string[]): Promise<{ key: ApiKey; secret: string }> {
    const secret = `${KEY_PREFIX}${randomToken(32)}`
    const key: ApiKey = {
      id: randomToken(9),
      userId,
      name,
      sites,
      createdAt: seconds(this.now()),
      keyHash: await sha256Hex(secret),
    }
    await this.write(key, false)
    this.cache.delete(key.keyHash)
    return { key, secret }
  }

  private async write(key: ApiKey, revoked: boolean): Promise<void> {
    await this.ch.insert('api_keys', [
      {
        id: key.id,
        user_id: key.userId,
        name: key.name,
        key_hash: key.keyHash,
        sites: key.sites,
        created_at: key.createdAt,
        version: nextVersion(this.now()),
        revoked: revoked ? 1 : 0,
      },
    ])
  }

  async list(userId: string): Promise<ApiKey[]> {
    const rows = await this.ch.query<KeyRow>(
      `${SELECT} AND user_id = {userId:String} ORDER BY created_at, id`,
      {
        userId,
      },
    )
    return rows.map(toKey)
  }

  async byId(id: string): Promise<ApiKey | null> {
    const rows = await this.ch.query<KeyRow>(`${SELECT} AND id = {id:String}`, { id })
    return rows[0] ? toKey(rows[0]) : null
  }

  /** The live key for a presented secret, or `null`. */
  async bySecret(secret: string): Promise<ApiKey | null> {
    if (!secret.startsWith(KEY_PREFIX) || secret.length > 100) return null
    const hash = await sha256Hex(secret)
    const now = this.now()
    const cached = this.cache.get(hash, now)
    if (cached) return cached.value
    const rows = await this.ch.query<KeyRow>(`${SELECT} AND key_hash = {hash:String} LIMIT 1`, { hash })
    const key = rows[0] ? toKey(rows[0]) : null
    this.cache.set(hash, key, now)
    return key
  }

  async revoke(key: ApiKey): Promise<void> {
    await this.write(key, true)
    this.cache.delete(key.keyHash)
  }

  /** Revokes every key of a user (user removed). */
  async revokeAll(userId: string): Promise<void> {
    for (const key of await this.list(userId)) await this.revoke(key)
  }
}
