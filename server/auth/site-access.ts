import type { Context } from 'hono'
import { normalizeDomain } from '../collect/site.ts'
import type { Site } from '../collect/types.ts'
import type { Services } from '../services.ts'
import { canManage, roleOn } from './access.ts'
import type { Role } from './members.ts'
import { authOf } from './state.ts'

export interface SiteAccess {
  site: Site
  role: Role | 'admin'
}

/**
 * The `:domain` site of a dashboard request and the logged-in user's role on it: 404 for an
 * unknown site, 403 without a role (or, with `need = 'manage'`, without owner/admin rights).
 * Use after {@link requireSession}.
 *
 * @example
 * const found = await siteFor(c, s, 'manage')
 * if (found instanceof Response) return found
 */
export async function siteFor(
  c: Context,
  s: Services,
  need: 'read' | 'manage',
): Promise<SiteAccess | Response> {
  const domain = normalizeDomain(c.req.param('domain') ?? '')
  const site = await s.sites.get(domain)
  if (!site) return c.json({ error: `no site ${domain}` }, 404)
  const role = await roleOn(authOf(s), c.get('authUser'), site.domain)
  if (!role) return c.json({ error: `no access to site ${site.domain}` }, 403)
  if (need === 'manage' && !canManage(role)) {
    return c.json({ error: `only owners of ${site.domain} can do this` }, 403)
  }
  return { site, role }
}
