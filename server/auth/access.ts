import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { normalizeDomain } from '../collect/site.ts'
import type { Site } from '../collect/types.ts'
import type { Services } from '../services.ts'
import { safeEqual } from './crypto.ts'
import type { Role } from './members.ts'
import { SESSION_COOKIE, type Session } from './sessions.ts'
import { SHARE_COOKIE, type Share } from './shares.ts'
import { type Auth, authOf } from './state.ts'
import type { User } from './users.ts'

export type PrincipalRole = 'owner' | 'viewer' | 'admin' | 'share'

export interface Principal {
  kind: 'key' | 'user' | 'share'
  userId?: string
  role: PrincipalRole
}

declare module 'hono' {
  interface ContextVariableMap {
    site: Site
    principal: Principal
    /** Set by {@link requireSession} on dashboard endpoints. */
    authUser: User
    authSession: Session
  }
}

/**
 * A user's role on a site: the membership role, or `admin` for instance admins who are not
 * owners there; `null` without access.
 *
 * @example
 * const role = await roleOn(authOf(s), user, 'example.com')
 */
export async function roleOn(auth: Auth, user: User, domain: string): Promise<Role | 'admin' | null> {
  const role = (await auth.members.rolesOf(user.id)).get(domain) ?? null
  if (user.isAdmin) return role === 'owner' ? 'owner' : 'admin'
  return role
}

/** Whether a role may change a site's settings, shares, members and keys. */
export function canManage(role: Role | 'admin' | null): boolean {
  return role === 'owner' || role === 'admin'
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Dashboard endpoints: requires the session cookie (401 otherwise) and, on every
 * state-changing method, an `x-csrf-token` header equal to the session's token (403).
 * API keys and share tokens are never accepted here, so they cannot reach write or admin
 * endpoints.
 *
 * @example
 * app.use('/api/sites/*', requireSession(s))
 */
export function requireSession(s: Services): MiddlewareHandler {
  return async (c, next) => {
    const hit = await authOf(s).sessions.lookup(getCookie(c, SESSION_COOKIE))
    if (!hit) return c.json({ error: 'not logged in' }, 401)
    if (!SAFE_METHODS.has(c.req.method) && !safeEqual(c.req.header('x-csrf-token') ?? '', hit.session.csrf)) {
      return c.json({ error: 'missing or wrong x-csrf-token header' }, 403)
    }
    c.set('authUser', hit.user)
    c.set('authSession', hit.session)
    await next()
  }
}

type Credential = { principal: Principal; allows: (site: Site) => Promise<boolean> }

async function userCredential(auth: Auth, user: User, kind: 'user' | 'key'): Promise<Credential> {
  const principal: Principal = { kind, userId: user.id, role: user.isAdmin ? 'admin' : 'viewer' }
  return {
    principal,
    allows: async (site) => {
      const role = await roleOn(auth, user, site.domain)
      if (role) principal.role = role
      return role !== null
    },
  }
}

function shareCredential(share: Share): Credential {
  return { principal: { kind: 'share', role: 'share' }, allows: async (site) => site.domain === share.siteId }
}

/** Collects every credential the request carries, or a ready error response. */
async function credentials(c: Context, s: Services, auth: Auth): Promise<Credential[] | Response> {
  const out: Credential[] = []
  const authorization = c.req.header('authorization')
  if (authorization) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization)
    const key = m?.[1] ? await auth.keys.bySecret(m[1]) : null
    const user = key ? await auth.users.cachedById(key.userId) : null
    if (!key || !user) return c.json({ error: 'invalid API key' }, 401)
    const now = s.now()
    if (!auth.keyLimit.hit(key.id, now)) {
      c.header('Retry-After', String(auth.keyLimit.retryAfter(now)))
      return c.json({ error: 'API key rate limit exceeded' }, 429)
    }
    const cred = await userCredential(auth, user, 'key')
    return [{ ...cred, allows: async (site) => key.sites.includes(site.domain) && (await cred.allows(site)) }]
  }
  const token = c.req.query('auth')
  const grant = await auth.shares.byGrant(getCookie(c, SHARE_COOKIE))
  if (token) {
    const share = await auth.shares.byToken(token)
    if (!share) return c.json({ error: 'this shared link is not valid (revoked or mistyped)' }, 401)
    if (share.passwordHash && grant?.id !== share.id) {
      return c.json({ error: 'this shared link needs its password', needsPassword: true }, 401)
    }
    out.push(shareCredential(share))
  }
  const session = await auth.sessions.lookup(getCookie(c, SESSION_COOKIE))
  if (session) out.push(await userCredential(auth, session.user, 'user'))
  if (grant) out.push(shareCredential(grant))
  return out
}

/**
 * Read access to one site's statistics, for the Stats API. Accepts, in this order:
 * `Authorization: Bearer <api key>` (scoped to its sites and its owner's access; 429 with
 * `Retry-After` past the hourly limit), a share token (`?auth=`, plus the share cookie
 * when the link has a password), the dashboard session cookie, the share cookie.
 * The site comes from `?site_id=` or the `:domain` route param. Sets `site` and `principal`.
 * 400 without a site, 401 without a valid credential, 404 for an unknown site, 403 when
 * no credential grants that site.
 *
 * @example
 * app.get('/api/v1/stats/aggregate', readAccess(s), (c) => c.json({ site: c.get('site').domain }))
 */
export function readAccess(s: Services): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.query('site_id') ?? c.req.param('domain')
    if (!raw) return c.json({ error: 'site_id is required, e.g. site_id=example.com' }, 400)
    const auth = authOf(s)
    const creds = await credentials(c, s, auth)
    if (creds instanceof Response) return creds
    if (creds.length === 0) {
      return c.json(
        { error: 'authentication required: an API key (Authorization: Bearer), a session or a share link' },
        401,
      )
    }
    const site = await s.sites.get(normalizeDomain(raw))
    if (!site) return c.json({ error: `site_id: no site ${JSON.stringify(raw)}` }, 404)
    for (const cred of creds) {
      if (await cred.allows(site)) {
        c.set('site', site)
        c.set('principal', cred.principal)
        return next()
      }
    }
    return c.json({ error: `no access to site ${site.domain}` }, 403)
  }
}
