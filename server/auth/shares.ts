import type { Ch } from '../store/client.ts'
import { hmac, randomToken, safeEqual } from './crypto.ts'
import { nextVersion, seconds } from './rows.ts'
import { TtlCache } from './ttl-cache.ts'

export const SHARE_COOKIE = 'crumbless_share'
export const SHARE_CACHE_MS = 10_000
/** How long a share password, once entered, is remembered by the browser. */
export const SHARE_GRANT_MS = 24 * 3600 * 1000

export interface Share {
  id: string
  siteId: string
  passwordHash: string
  createdBy: string
  /** Seconds since the epoch. */
  createdAt: number
}

interface Row {
  id: string
  site_id: string
  password_hash: string
  created_by: string
  created_at: number
}

const SELECT = `SELECT id, site_id, password_hash, created_by, toUnixTimestamp(created_at) AS created_at
  FROM share_links FINAL WHERE revoked = 0`

function toShare(r: Row): Share {
  return {
    id: r.id,
    siteId: r.site_id,
    passwordHash: r.password_hash,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }
}

/**
 * Read-only share links. The token is `<id>.<HMAC(secret, id)>`: nothing usable is stored,
 * the owner can copy the link again, and revoking the row ends it (within
 * {@link SHARE_CACHE_MS} on other instances).
 *
 * @example
 * const share = await shares.create('example.com', '', user.id)
 * const token = await shares.token(share.id)
 */
export class ShareStore {
  private cache = new TtlCache<string, Share | null>(SHARE_CACHE_MS)

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
    private readonly secret: () => Promise<Uint8Array>,
  ) {}

  async token(id: string): Promise<string> {
    return `${id}.${await hmac(await this.secret(), `share:${id}`, 18)}`
  }

  async create(siteId: string, passwordHash: string, createdBy: string): Promise<Share> {
    const share: Share = {
      id: randomToken(9),
      siteId,
      passwordHash,
      createdBy,
      createdAt: seconds(this.now()),
    }
    await this.write(share, false)
    return share
  }

  private async write(share: Share, revoked: boolean): Promise<void> {
    await this.ch.insert('share_links', [
      {
        id: share.id,
        site_id: share.siteId,
        password_hash: share.passwordHash,
        created_by: share.createdBy,
        created_at: share.createdAt,
        version: nextVersion(this.now()),
        revoked: revoked ? 1 : 0,
      },
    ])
    this.cache.delete(share.id)
  }

  async list(siteId: string): Promise<Share[]> {
    const rows = await this.ch.query<Row>(`${SELECT} AND site_id = {siteId:String} ORDER BY created_at, id`, {
      siteId,
    })
    return rows.map(toShare)
  }

  async byId(id: string): Promise<Share | null> {
    const now = this.now()
    const cached = this.cache.get(id, now)
    if (cached) return cached.value
    const rows = await this.ch.query<Row>(`${SELECT} AND id = {id:String}`, { id })
    const share = rows[0] ? toShare(rows[0]) : null
    this.cache.set(id, share, now)
    return share
  }

  /** The live share a token names, or `null` (bad MAC, revoked). */
  async byToken(token: string): Promise<Share | null> {
    if (token.length > 100) return null
    const [id = '', mac = ''] = token.split('.')
    if (!id || !safeEqual(mac, await hmac(await this.secret(), `share:${id}`, 18))) return null
    return this.byId(id)
  }

  async revoke(share: Share): Promise<void> {
    await this.write(share, true)
  }

  async revokeSite(siteId: string): Promise<void> {
    for (const share of await this.list(siteId)) await this.revoke(share)
  }

  /** Cookie value proving the share password was entered: `<id>.<expiry>.<mac>`. */
  async grant(share: Share): Promise<string> {
    const exp = this.now() + SHARE_GRANT_MS
    return `${share.id}.${exp}.${await hmac(await this.secret(), `share-grant:${share.id}:${exp}`, 18)}`
  }

  /** The live share a grant cookie proves, or `null`. */
  async byGrant(cookie: string | undefined): Promise<Share | null> {
    if (!cookie || cookie.length > 200) return null
    const [id = '', exp = '', mac = ''] = cookie.split('.')
    if (!id || !/^\d+$/.test(exp) || Number(exp) <= this.now()) return null
    if (!safeEqual(mac, await hmac(await this.secret(), `share-grant:${id}:${exp}`, 18))) return null
    return this.byId(id)
  }
}
