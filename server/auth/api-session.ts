import { type Context, Hono } from 'hono'
import type { Services } from '../services.ts'
import { requireSession } from './access.ts'
import { readJson, setAuthCookie } from './http.ts'
import { passwordGate } from './limits.ts'
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './password.ts'
import { SESSION_COOKIE, SESSION_TTL_MS } from './sessions.ts'
import { authOf } from './state.ts'
import { emailProblem, normalizeEmail, type User } from './users.ts'

export function userJson(u: User): { id: string; email: string; isAdmin: boolean } {
  return { id: u.id, email: u.email, isAdmin: u.isAdmin }
}

/** Starts a session for `user`, sets the cookie, answers `{ user, csrf }`. */
export async function logIn(c: Context, s: Services, user: User, status: 200 | 201 = 200): Promise<Response> {
  const { cookie, session } = await authOf(s).sessions.create(user.id)
  setAuthCookie(c, s, SESSION_COOKIE, cookie, SESSION_TTL_MS)
  return c.json({ user: userJson(user), csrf: session.csrf }, status)
}

/**
 * Setup, login, logout, me, password change and invite redemption.
 *
 * @example
 * app.route('/', sessionRoutes(s))
 */
export function sessionRoutes(s: Services): Hono {
  const app = new Hono()
  const auth = authOf(s)
  const session = requireSession(s)

  app.get('/api/setup', async (c) => c.json({ needed: (await auth.users.count()) === 0 }))

  app.post('/api/setup', async (c) => {
    const gate = passwordGate(c, s)
    if (gate.limited) return gate.limited
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    if (typeof body.token !== 'string' || body.token === '')
      return c.json({ error: 'token is required' }, 400)
    const problem = emailProblem(body.email) ?? passwordProblem(body.password)
    if (problem) return c.json({ error: problem }, 400)
    if ((await auth.users.count()) > 0) return c.json({ error: 'setup is already done; log in instead' }, 409)
    if ((await auth.tokens.redeem('setup', body.token)) === null) {
      gate.fail()
      return c.json(
        { error: 'setup token is not valid, expired or already used; restart the server for a new one' },
        403,
      )
    }
    const user = await auth.users.create({
      email: body.email as string,
      passwordHash: await hashPassword(body.password as string),
      isAdmin: true,
    })
    s.log.info('setup: first admin created')
    return logIn(c, s, user, 201)
  })

  app.post('/api/auth/login', async (c) => {
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const { email, password } = body
    if (typeof email !== 'string' || email === '') return c.json({ error: 'email is required' }, 400)
    if (typeof password !== 'string' || password === '') return c.json({ error: 'password is required' }, 400)
    const gate = passwordGate(c, s, `login:${normalizeEmail(email)}`)
    if (gate.limited) return gate.limited
    const user = email.length <= 254 ? await auth.users.byEmail(email) : null
    // Always run the KDF, so a missing account answers as slowly as a wrong password.
    const ok = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), user?.passwordHash ?? '')
    if (!user || !ok) {
      gate.fail()
      return c.json({ error: 'wrong email or password' }, 401)
    }
    return logIn(c, s, user)
  })

  app.post('/api/auth/logout', session, async (c) => {
    await auth.sessions.revoke(c.get('authSession'))
    setAuthCookie(c, s, SESSION_COOKIE, '', 0)
    return c.json({ ok: true })
  })

  app.get('/api/auth/me', session, (c) =>
    c.json({ user: userJson(c.get('authUser')), csrf: c.get('authSession').csrf }),
  )

  app.post('/api/auth/password', session, async (c) => {
    const user = c.get('authUser')
    const gate = passwordGate(c, s, `login:${user.email}`)
    if (gate.limited) return gate.limited
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    if (typeof body.current !== 'string') return c.json({ error: 'current is required' }, 400)
    const problem = passwordProblem(body.next)
    if (problem) return c.json({ error: problem.replace('password', 'next') }, 400)
    if (!(await verifyPassword(body.current.slice(0, MAX_PASSWORD_LENGTH), user.passwordHash))) {
      gate.fail()
      return c.json({ error: 'current password is wrong' }, 403)
    }
    const updated = { ...user, passwordHash: await hashPassword(body.next as string) }
    await auth.users.save(updated)
    // Every session ends, this one included; a fresh one replaces it.
    await auth.sessions.revokeAll(user.id)
    return logIn(c, s, updated)
  })

  app.get('/api/invite/:token', async (c) => {
    const userId = await auth.tokens.peek('invite', c.req.param('token'))
    const user = userId ? await auth.users.byId(userId) : null
    if (!user) return c.json({ error: 'this invite link is not valid, expired or already used' }, 404)
    return c.json({ email: user.email })
  })

  app.post('/api/invite/:token', async (c) => {
    const gate = passwordGate(c, s)
    if (gate.limited) return gate.limited
    const body = await readJson(c)
    if (typeof body === 'string') return c.json({ error: body }, 400)
    const problem = passwordProblem(body.password)
    if (problem) return c.json({ error: problem }, 400)
    const userId = await auth.tokens.redeem('invite', c.req.param('token'))
    const user = userId ? await auth.users.byId(userId) : null
    if (!user) {
      gate.fail()
      return c.json({ error: 'this invite link is not valid, expired or already used' }, 404)
    }
    const updated = { ...user, passwordHash: await hashPassword(body.password as string) }
    await auth.users.save(updated)
    await auth.sessions.revokeAll(user.id)
    return logIn(c, s, updated)
  })

  return app
}
