import { Hono } from 'hono'
import type { Services } from '../services.ts'
import { newSite } from '../store/sites.ts'
import { requireSession, roleOn } from './access.ts'
import { readJson } from './http.ts'
import { siteFor } from './site-access.ts'
import { parseDomain, parseSettings, siteJson, snippet } from './site-settings.ts'
import { authOf } from './state.ts'

/**
 * Sites of the logged-in user: list, add (creator becomes owner), read, change settings
 * (owners and admins), delete with confirmation, and the "first pageview received" check.
 *
 * @example
 * app.route('/', siteRoutes(s))
 */
export function siteRoutes(s: Services): Hono {
  const app = new Hono()
  const auth = authOf(s)
  const session = requireSession(s)

  app.get('/api/sites', session, async (c) => {
    const user = c.get('authUser')
    const roles = await auth.members.rolesOf(user.id)
    const sites = []
    for (const site of await s.sites.list()) {
      const role = user.isAdmin ? await roleOn(auth, user, site.domain) : (roles.get(site.domain) ?? null)
      if (role) sites.push({ domain: site.domain, name: site.name, timezone: site.timezone, role })
    }
    return c.json({ sites })
  })

  app.post('/api/sites', session, async (c) => {
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const domain = parseDomain(body.domain)
    if (!domain.ok) return c.json({ error: domain.error }, 400)
    const { domain: _ignored, ...rest } = body
    const settings = parseSettings(rest)
    if (!settings.ok) return c.json({ error: settings.error }, 400)
    if (await s.sites.get(domain.value)) return c.json({ error: `site ${domain.value} already exists` }, 409)
    const site = newSite(domain.value, settings.value)
    await s.sites.save(site)
    await auth.members.set(site.domain, c.get('authUser').id, 'owner')
    return c.json(
      { site: siteJson(site), role: 'owner', snippet: snippet(s.config.publicUrl, site.domain) },
      201,
    )
  })

  app.get('/api/sites/:domain', session, async (c) => {
    const found = await siteFor(c, s, 'read')
    if (found instanceof Response) return found
    const { site, role } = found
    return c.json({ site: siteJson(site), role, snippet: snippet(s.config.publicUrl, site.domain) })
  })

  app.patch('/api/sites/:domain', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const settings = parseSettings(body)
    if (!settings.ok) return c.json({ error: settings.error }, 400)
    const site = { ...found.site, ...settings.value, domain: found.site.domain }
    await s.sites.save(site)
    return c.json({
      site: siteJson(site),
      role: found.role,
      snippet: snippet(s.config.publicUrl, site.domain),
    })
  })

  app.delete('/api/sites/:domain', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const domain = found.site.domain
    if (body.confirm !== domain) {
      return c.json({ error: `to delete the site and all of its data, send { "confirm": "${domain}" }` }, 400)
    }
    await auth.shares.revokeSite(domain)
    await auth.members.removeSite(domain)
    await s.sites.remove(domain)
    s.log.info(`site ${domain} deleted through the dashboard`)
    return c.json({ ok: true })
  })

  app.get('/api/sites/:domain/first-pageview', session, async (c) => {
    const found = await siteFor(c, s, 'read')
    if (found instanceof Response) return found
    const rows = await s.ch.query<{ one: number }>(
      `SELECT 1 AS one FROM events WHERE site_id = {site:String} AND name = 'pageview' LIMIT 1`,
      { site: found.site.domain },
    )
    return c.json({ received: rows.length > 0 })
  })

  return app
}
