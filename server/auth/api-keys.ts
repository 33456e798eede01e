import { Hono } from 'hono'
import { normalizeDomain } from '../collect/site.ts'
import type { Services } from '../services.ts'
import { requireSession, roleOn } from './access.ts'
import { userJson } from './api-session.ts'
import { readJson } from './http.ts'
import type { ApiKey } from './keys.ts'
import { authOf } from './state.ts'
import { INVITE_TTL_MS } from './tokens.ts'
import { emailProblem } from './users.ts'

const MAX_KEY_SITES = 1000

function keyJson(k: ApiKey) {
  return { id: k.id, name: k.name, sites: k.sites, createdAt: new Date(k.createdAt * 1000).toISOString() }
}

/**
 * The user's Stats API keys (create, list, revoke; the secret is returned once) and the
 * instance admins' user list.
 *
 * @example
 * app.route('/', keyRoutes(s))
 */
export function keyRoutes(s: Services): Hono {
  const app = new Hono()
  const auth = authOf(s)
  const session = requireSession(s)

  app.get('/api/keys', session, async (c) => {
    const keys = await auth.keys.list(c.get('authUser').id)
    return c.json({ keys: keys.map(keyJson) })
  })

  app.post('/api/keys', session, async (c) => {
    const user = c.get('authUser')
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const name = typeof body.name === 'string' ? body.name.trim() : ''
    if (name.length < 1 || name.length > 100)
      return c.json({ error: 'name must be 1 to 100 characters' }, 400)
    const raw = body.sites
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_KEY_SITES) {
      return c.json({ error: 'sites must be a non-empty list of site domains the key may read' }, 400)
    }
    const sites: string[] = []
    for (const entry of raw) {
      const domain = typeof entry === 'string' ? normalizeDomain(entry) : ''
      const site = domain ? await s.sites.get(domain) : undefined
      if (!site) return c.json({ error: `sites: no site ${JSON.stringify(entry)}` }, 400)
      if (!(await roleOn(auth, user, site.domain)))
        return c.json({ error: `no access to site ${site.domain}` }, 403)
      if (!sites.includes(site.domain)) sites.push(site.domain)
    }
    const { key, secret } = await auth.keys.create(user.id, name, sites)
    return c.json({ key: keyJson(key), secret }, 201)
  })

  app.delete('/api/keys/:id', session, async (c) => {
    const user = c.get('authUser')
    const key = await auth.keys.byId(c.req.param('id'))
    if (!key || (key.userId !== user.id && !user.isAdmin)) return c.json({ error: 'no such API key' }, 404)
    await auth.keys.revoke(key)
    return c.json({ ok: true })
  })

  app.get('/api/users', session, async (c) => {
    if (!c.get('authUser').isAdmin) return c.json({ error: 'only instance admins can list users' }, 403)
    const users = await auth.users.list()
    return c.json({ users: users.map((u) => ({ ...userJson(u), pending: u.passwordHash === '' })) })
  })

  app.post('/api/users', session, async (c) => {
    if (!c.get('authUser').isAdmin) return c.json({ error: 'only instance admins can add users' }, 403)
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const problem = emailProblem(body.email)
    if (problem) return c.json({ error: problem }, 400)
    if (body.isAdmin !== undefined && typeof body.isAdmin !== 'boolean') {
      return c.json({ error: 'isAdmin must be true or false' }, 400)
    }
    if (await auth.users.byEmail(body.email as string))
      return c.json({ error: 'a user with this email exists' }, 409)
    const user = await auth.users.create({
      email: body.email as string,
      passwordHash: '',
      isAdmin: body.isAdmin === true,
    })
    const inviteUrl = `${s.config.publicUrl}/invite/${await auth.tokens.create('invite', user.id, INVITE_TTL_MS)}`
    return c.json({ user: { ...userJson(user), pending: true }, inviteUrl }, 201)
  })

  app.delete('/api/users/:id', session, async (c) => {
    const admin = c.get('authUser')
    if (!admin.isAdmin) return c.json({ error: 'only instance admins can remove users' }, 403)
    const user = await auth.users.byId(c.req.param('id'))
    if (!user) return c.json({ error: 'no such user' }, 404)
    if (user.id === admin.id) return c.json({ error: 'you cannot remove yourself' }, 400)
    await auth.users.remove(user)
    await auth.members.removeUser(user.id)
    await auth.keys.revokeAll(user.id)
    await auth.sessions.revokeAll(user.id)
    return c.json({ ok: true })
  })

  return app
}
