import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Services } from '../services.ts'
import { requireSession } from './access.ts'
import { readJson, setAuthCookie } from './http.ts'
import { passwordGate } from './limits.ts'
import { ROLES, type Role } from './members.ts'
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './password.ts'
import { SHARE_COOKIE, SHARE_GRANT_MS, type Share } from './shares.ts'
import { siteFor } from './site-access.ts'
import { type Auth, authOf } from './state.ts'
import { INVITE_TTL_MS } from './tokens.ts'
import { emailProblem, type User } from './users.ts'

async function shareJson(s: Services, auth: Auth, share: Share) {
  return {
    id: share.id,
    url: `${s.config.publicUrl}/share/${await auth.shares.token(share.id)}`,
    hasPassword: share.passwordHash !== '',
    createdAt: new Date(share.createdAt * 1000).toISOString(),
  }
}

function memberJson(user: User, role: Role) {
  return { userId: user.id, email: user.email, role, pending: user.passwordHash === '' }
}

/**
 * Share links (owners create and revoke; anyone with the link reads), members (owners invite
 * and remove) and the public share endpoints the shared dashboard calls.
 *
 * @example
 * app.route('/', sharingRoutes(s))
 */
export function sharingRoutes(s: Services): Hono {
  const app = new Hono()
  const auth = authOf(s)
  const session = requireSession(s)

  app.get('/api/sites/:domain/shares', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const shares = await auth.shares.list(found.site.domain)
    return c.json({ shares: await Promise.all(shares.map((x) => shareJson(s, auth, x))) })
  })

  app.post('/api/sites/:domain/shares', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const password = body.password ?? ''
    if (password !== '') {
      const problem = passwordProblem(password)
      if (problem) return c.json({ error: problem }, 400)
    }
    const hash = password === '' ? '' : await hashPassword(password as string)
    const share = await auth.shares.create(found.site.domain, hash, c.get('authUser').id)
    return c.json({ share: await shareJson(s, auth, share) }, 201)
  })

  app.delete('/api/sites/:domain/shares/:id', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const share = await auth.shares.byId(c.req.param('id'))
    if (!share || share.siteId !== found.site.domain) return c.json({ error: 'no such share link' }, 404)
    await auth.shares.revoke(share)
    return c.json({ ok: true })
  })

  app.get('/api/sites/:domain/members', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const list = await auth.members.list(found.site.domain)
    const users = new Map((await auth.users.byIds(list.map((m) => m.userId))).map((u) => [u.id, u]))
    const members = list.flatMap((m) => {
      const user = users.get(m.userId)
      return user ? [memberJson(user, m.role)] : []
    })
    return c.json({ members })
  })

  app.post('/api/sites/:domain/members', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const problem = emailProblem(body.email)
    if (problem) return c.json({ error: problem }, 400)
    if (!ROLES.includes(body.role as Role))
      return c.json({ error: `role must be one of ${ROLES.join(', ')}` }, 400)
    const role = body.role as Role
    let user = await auth.users.byEmail(body.email as string)
    if (!user)
      user = await auth.users.create({ email: body.email as string, passwordHash: '', isAdmin: false })
    let inviteUrl: string | null = null
    if (user.passwordHash === '') {
      inviteUrl = `${s.config.publicUrl}/invite/${await auth.tokens.create('invite', user.id, INVITE_TTL_MS)}`
    }
    await auth.members.set(found.site.domain, user.id, role)
    return c.json({ member: memberJson(user, role), inviteUrl }, 201)
  })

  app.delete('/api/sites/:domain/members/:userId', session, async (c) => {
    const found = await siteFor(c, s, 'manage')
    if (found instanceof Response) return found
    const list = await auth.members.list(found.site.domain)
    const member = list.find((m) => m.userId === c.req.param('userId'))
    if (!member) return c.json({ error: 'no such member' }, 404)
    if (member.role === 'owner' && list.filter((m) => m.role === 'owner').length === 1) {
      return c.json({ error: 'a site needs at least one owner; add another owner first' }, 400)
    }
    await auth.members.remove(found.site.domain, member.userId)
    return c.json({ ok: true })
  })

  app.get('/api/share/:token', async (c) => {
    const share = await auth.shares.byToken(c.req.param('token'))
    const site = share ? await s.sites.get(share.siteId) : undefined
    if (!share || !site) return c.json({ error: 'this shared link is not valid (revoked or mistyped)' }, 404)
    const granted = (await auth.shares.byGrant(getCookie(c, SHARE_COOKIE)))?.id === share.id
    return c.json({
      site: { domain: site.domain, name: site.name, timezone: site.timezone },
      needsPassword: share.passwordHash !== '' && !granted,
    })
  })

  app.post('/api/share/:token/auth', async (c) => {
    const share = await auth.shares.byToken(c.req.param('token'))
    if (!share) return c.json({ error: 'this shared link is not valid (revoked or mistyped)' }, 404)
    const gate = passwordGate(c, s, `share:${share.id}`)
    if (gate.limited) return gate.limited
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    if (typeof body.password !== 'string') return c.json({ error: 'password is required' }, 400)
    if (share.passwordHash !== '') {
      const ok = await verifyPassword(body.password.slice(0, MAX_PASSWORD_LENGTH), share.passwordHash)
      if (!ok) {
        gate.fail()
        return c.json({ error: 'wrong password' }, 401)
      }
    }
    setAuthCookie(c, s, SHARE_COOKIE, await auth.shares.grant(share), SHARE_GRANT_MS)
    return c.json({ ok: true })
  })

  return app
}
