import type { Ch } from '../store/client.ts'
import { nextVersion, seconds } from './rows.ts'
import { TtlCache } from './ttl-cache.ts'

export type Role = 'owner' | 'viewer'
export const ROLES: readonly Role[] = ['owner', 'viewer']
export const MEMBER_CACHE_MS = 10_000

export interface Membership {
  siteId: string
  userId: string
  role: Role
}

interface Row {
  site_id: string
  user_id: string
  role: string
}

const SELECT = 'SELECT site_id, user_id, role FROM memberships FINAL WHERE deleted = 0'

function toMembership(r: Row): Membership {
  return { siteId: r.site_id, userId: r.user_id, role: r.role === 'owner' ? 'owner' : 'viewer' }
}

/**
 * Roles of users on sites. A user's roles are cached {@link MEMBER_CACHE_MS} for the
 * per-request access checks; changes through this instance invalidate at once.
 *
 * @example
 * await members.set('example.com', user.id, 'owner')
 * (await members.rolesOf(user.id)).get('example.com') // 'owner'
 */
export class MemberStore {
  private cache = new TtlCache<string, Map<string, Role>>(MEMBER_CACHE_MS)

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
  ) {}

  async rolesOf(userId: string): Promise<Map<string, Role>> {
    const now = this.now()
    const cached = this.cache.get(userId, now)
    if (cached) return cached.value
    const rows = await this.ch.query<Row>(`${SELECT} AND user_id = {userId:String}`, { userId })
    const roles = new Map(rows.map((r) => [r.site_id, toMembership(r).role] as const))
    this.cache.set(userId, roles, now)
    return roles
  }

  async list(siteId: string): Promise<Membership[]> {
    const rows = await this.ch.query<Row>(
      `${SELECT} AND site_id = {siteId:String} ORDER BY created_at, user_id`,
      {
        siteId,
      },
    )
    return rows.map(toMembership)
  }

  async set(siteId: string, userId: string, role: Role): Promise<void> {
    await this.write([{ siteId, userId, role }], false)
  }

  async remove(siteId: string, userId: string): Promise<void> {
    await this.write([{ siteId, userId, role: 'viewer' }], true)
  }

  /** Drops every membership of a site (site deleted). */
  async removeSite(siteId: string): Promise<void> {
    await this.write(await this.list(siteId), true)
  }

  /** Drops every membership of a user (user deleted). */
  async removeUser(userId: string): Promise<void> {
    const rows = await this.ch.query<Row>(`${SELECT} AND user_id = {userId:String}`, { userId })
    await this.write(rows.map(toMembership), true)
  }

  private async write(list: Membership[], deleted: boolean): Promise<void> {
    const now = this.now()
    await this.ch.insert(
      'memberships',
      list.map((m) => ({
        site_id: m.siteId,
        user_id: m.userId,
        role: m.role,
        created_at: seconds(now),
        version: nextVersion(now),
        deleted: deleted ? 1 : 0,
      })),
    )
    for (const m of list) this.cache.delete(m.userId)
  }
}
