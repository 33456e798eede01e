import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../server/auth/password.ts'
import { ensureSetupToken } from '../../server/auth/setup.ts'
import { authOf, LOGIN_MAX_PER_ACCOUNT, LOGIN_MAX_PER_IP } from '../../server/auth/state.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { ADMIN, Browser } from './auth-support.ts'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.close()
})

describe('first admin through the one-time setup token', () => {
  it('reports setup as needed while there are no users', async () => {
    const r = await new Browser(server.url).get('/api/setup')
    expect(r.body).toEqual({ needed: true })
  })

  it('refuses a wrong token and bad input without using the token up', async () => {
    // The link the server printed at start.
    const line = server.logs.find((l) => l.includes('/setup?token=')) ?? ''
    const token = new URL(line.slice(line.indexOf('http'))).searchParams.get('token')
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const b = new Browser(server.url)
    expect((await b.post('/api/setup', { token: 'nope', ...ADMIN })).status).toBe(403)
    const bad = await b.post('/api/setup', { token, email: 'not-an-email', password: ADMIN.password })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/email/)
    const short = await b.post('/api/setup', { token, email: ADMIN.email, password: 'short' })
    expect(short.status).toBe(400)
    expect(short.body.error).toMatch(/at least 8/)
    const form = await b.req('POST', '/api/setup', undefined, {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(form.status).toBe(400)
    expect(form.body.error).toMatch(/application\/json/)

    const ok = await b.post('/api/setup', { token, ...ADMIN })
    expect(ok.status).toBe(201)
    expect(ok.body.user).toMatchObject({ email: ADMIN.email, isAdmin: true })
    expect(ok.body.csrf).toEqual(expect.any(String))
    expect((await b.get('/api/auth/me')).body.user.email).toBe(ADMIN.email)
  })

  it('works only once, and no new token is issued once a user exists', async () => {
    expect(await ensureSetupToken(server.server.services)).toBeNull()
    expect((await new Browser(server.url).get('/api/setup')).body).toEqual({ needed: false })
    const again = await new Browser(server.url).post('/api/setup', {
      token: 'whatever',
      email: 'second@example.com',
      password: 'another-password',
    })
    expect(again.status).toBe(409)
  })
})

// Each login runs the full KDF (600,000 PBKDF2 rounds): the limit tests make dozens, so they get
// room for a loaded machine.
describe('login, me, logout', () => {
  it('sets an HttpOnly, SameSite=Lax, expiring session cookie (Secure only on https)', async () => {
    const b = new Browser(server.url)
    const r = await b.login(ADMIN.email, ADMIN.password)
    expect(r.status).toBe(200)
    expect(r.body.user).toEqual({ id: expect.any(String), email: ADMIN.email, isAdmin: true })
    const cookie = r.setCookies.find((c) => c.startsWith('crumbless_session='))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).toMatch(/Max-Age=1209600/)
    expect(cookie).not.toMatch(/Secure/)
    const https = await new Browser(server.url).login(ADMIN.email, ADMIN.password)
    expect(https.setCookies[0]).not.toMatch(/Secure/)
    const viaProxy = await new Browser(server.url).post(
      '/api/auth/login',
      { email: ADMIN.email, password: ADMIN.password },
      { 'x-forwarded-proto': 'https' },
    )
    expect(viaProxy.setCookies.find((c) => c.startsWith('crumbless_session='))).toMatch(/Secure/)
  })

  it('accepts the email in any case and answers me with the csrf token', async () => {
    const b = new Browser(server.url)
    expect((await b.login(' Admin@Example.COM ', ADMIN.password)).status).toBe(200)
    const me = await b.get('/api/auth/me')
    expect(me.status).toBe(200)
    expect(me.body).toEqual({ user: expect.objectContaining({ email: ADMIN.email }), csrf: b.csrf })
  })

  it('rejects a wrong password and an unknown account alike', async () => {
    const b = new Browser(server.url)
    const wrong = await b.login(ADMIN.email, 'wrong-password')
    const unknown = await b.login('nobody@example.com', 'wrong-password')
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(b.cookies.size).toBe(0)
    expect((await b.get('/api/auth/me')).status).toBe(401)
  })

  it('refuses a forged or tampered cookie', async () => {
    const b = new Browser(server.url)
    await b.login(ADMIN.email, ADMIN.password)
    const value = b.cookies.get('crumbless_session') ?? ''
    b.cookies.set('crumbless_session', `${value.slice(0, -2)}xx`)
    expect((await b.get('/api/auth/me')).status).toBe(401)
    b.cookies.set('crumbless_session', 'abc.def')
    expect((await b.get('/api/auth/me')).status).toBe(401)
  })

  it('logout needs the csrf header and ends the session on the server', async () => {
    const b = new Browser(server.url)
    await b.login(ADMIN.email, ADMIN.password)
    const stolen = b.cookies.get('crumbless_session')
    const noCsrf = await b.post('/api/auth/logout', {}, { 'x-csrf-token': '' })
    expect(noCsrf.status).toBe(403)
    expect(noCsrf.body.error).toMatch(/x-csrf-token/)
    const wrongCsrf = await b.post('/api/auth/logout', {}, { 'x-csrf-token': 'guess' })
    expect(wrongCsrf.status).toBe(403)
    expect((await b.post('/api/auth/logout')).status).toBe(200)
    expect(b.cookies.has('crumbless_session')).toBe(false)
    // Replaying the old cookie value fails: the server-side row is revoked.
    const replay = new Browser(server.url)
    replay.cookies.set('crumbless_session', stolen ?? '')
    expect((await replay.get('/api/auth/me')).status).toBe(401)
  })

  it('rate-limits failed logins per account with 429 and Retry-After, then even the right password waits', async () => {
    const email = 'limited@example.com'
    const password = 'limited-password-1'
    await authOf(server.server.services).users.create({
      email,
      passwordHash: await hashPassword(password),
      isAdmin: false,
    })
    // A successful login does not count: frequent users are never locked out.
    expect((await new Browser(server.url).login(email, password)).status).toBe(200)
    for (let i = 0; i < LOGIN_MAX_PER_ACCOUNT; i++) {
      expect((await new Browser(server.url).login(email, 'wrong-password')).status).toBe(401)
    }
    const blocked = await new Browser(server.url).login(email, password)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another account from a fresh client is not affected.
    expect((await new Browser(server.url).login(ADMIN.email, ADMIN.password)).status).toBe(200)
  }, 240_000)

  it('rate-limits failed logins per client IP across accounts', async () => {
    const b = new Browser(server.url)
    const statuses: number[] = []
    for (let i = 0; i <= LOGIN_MAX_PER_IP; i++)
      statuses.push((await b.login(`ip-${i}@example.com`, 'x')).status)
    expect(statuses.slice(0, LOGIN_MAX_PER_IP).every((s) => s === 401)).toBe(true)
    expect(statuses[LOGIN_MAX_PER_IP]).toBe(429)
    expect((await b.login(ADMIN.email, ADMIN.password)).status).toBe(429)
  }, 240_000)
})

describe('password change', () => {
  it('needs the current password, ends every other session and keeps the changer logged in', async () => {
    const a = new Browser(server.url)
    const other = new Browser(server.url)
    await a.login(ADMIN.email, ADMIN.password)
    await other.login(ADMIN.email, ADMIN.password)
    const wrong = await a.post('/api/auth/password', { current: 'wrong-password', next: 'new-password-2' })
    expect(wrong.status).toBe(403)
    const weak = await a.post('/api/auth/password', { current: ADMIN.password, next: 'short' })
    expect(weak.status).toBe(400)
    expect(weak.body.error).toMatch(/next must be at least 8/)
    const ok = await a.post('/api/auth/password', { current: ADMIN.password, next: 'new-password-2' })
    expect(ok.status).toBe(200)
    expect((await a.get('/api/auth/me')).status).toBe(200)
    expect((await other.get('/api/auth/me')).status).toBe(401)
    expect((await new Browser(server.url).login(ADMIN.email, ADMIN.password)).status).toBe(401)
    expect((await new Browser(server.url).login(ADMIN.email, 'new-password-2')).status).toBe(200)
  })
})

describe('nothing personal in logs', () => {
  it('never logs passwords, emails or tokens', () => {
    const text = server.logs.join('\n')
    expect(text).not.toMatch(/password-|@example\.com|203\.0\.113/)
  })
})
