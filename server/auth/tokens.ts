import type { Ch } from '../store/client.ts'
import { randomToken, sha256Hex } from './crypto.ts'
import { dateTimeMs, nextVersion, seconds } from './rows.ts'

export type TokenKind = 'setup' | 'invite'
export const SETUP_TTL_MS = 24 * 3600 * 1000
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000

interface Row {
  token_hash: string
  kind: string
  user_id: string
  created_at: number
  expires_at: string
}

/**
 * One-time tokens (first-admin setup, member invites), stored as SHA-256 and marked used
 * when redeemed.
 *
 * @example
 * const token = await tokens.create('invite', user.id, INVITE_TTL_MS)
 * const userId = await tokens.redeem('invite', token) // then null on a second try
 */
export class TokenStore {
  /** Hashes redeemed through this instance: closes the race of two concurrent redeems here. */
  private spent = new Set<string>()

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
  ) {}

  async create(kind: TokenKind, userId: string, ttlMs: number): Promise<string> {
    const token = randomToken(32)
    const now = this.now()
    await this.ch.insert('auth_tokens', [
      {
        token_hash: await sha256Hex(token),
        kind,
        user_id: userId,
        created_at: seconds(now),
        expires_at: seconds(now + ttlMs),
        version: nextVersion(now),
        used: 0,
      },
    ])
    return token
  }

  private async find(kind: TokenKind, token: string): Promise<Row | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 100) return null
    const rows = await this.ch.query<Row>(
      `SELECT token_hash, kind, user_id, toUnixTimestamp(created_at) AS created_at, expires_at
       FROM auth_tokens FINAL WHERE token_hash = {hash:String} AND kind = {kind:String} AND used = 0`,
      { hash: await sha256Hex(token), kind },
    )
    const row = rows[0]
    return row && dateTimeMs(row.expires_at) > this.now() ? row : null
  }

  /** The user id a live token was issued for ('' for setup), without using it up. */
  async peek(kind: TokenKind, token: string): Promise<string | null> {
    return (await this.find(kind, token))?.user_id ?? null
  }

  /** Uses the token up; the user id it was issued for, or `null` when not valid. */
  async redeem(kind: TokenKind, token: string): Promise<string | null> {
    const row = await this.find(kind, token)
    if (!row || this.spent.has(row.token_hash)) return null
    this.spent.add(row.token_hash)
    const now = this.now()
    await this.ch.insert('auth_tokens', [
      {
        token_hash: row.token_hash,
        kind: row.kind,
        user_id: row.user_id,
        created_at: row.created_at,
        expires_at: seconds(dateTimeMs(row.expires_at)),
        version: nextVersion(now),
        used: 1,
      },
    ])
    return row.user_id
  }
}
