import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAccess } from '../../server/auth/access.ts'
import { sha256Hex } from '../../server/auth/crypto.ts'
import { KEY_CACHE_MS } from '../../server/auth/keys.ts'
import { createServices } from '../../server/services.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { Browser, invite, setupAdmin, startReadServer } from './auth-support.ts'

const LIMIT = 6
let server: TestServer
let reader: { url: string; close(): Promise<void> }
let admin: Browser
let ana: Browser

beforeAll(async () => {
  server = await startTestServer({ env: { API_KEY_RATE_LIMIT: String(LIMIT) } })
  reader = await startReadServer(server.server.services)
  admin = await setupAdmin(server)
  for (const domain of ['a.example', 'b.example', 'c.example']) {
    expect((await admin.post('/api/sites', { domain })).status).toBe(201)
  }
  ana = (await invite(server, admin, 'a.example', 'ana@example.com', 'viewer')).browser
  await admin.post('/api/sites/b.example/members', { email: 'ana@example.com', role: 'owner' })
})
afterAll(async () => {
  await reader?.close()
  await server?.close()
})

async function read(site: string, authorization?: string) {
  const res = await fetch(`${reader.url}/read?site_id=${site}`, {
    headers: authorization ? { authorization } : {},
  })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

async function newKey(b: Browser, sites: string[], name = 'reporting') {
  const r = await b.post('/api/keys', { name, sites })
  expect(r.status).toBe(201)
  return r.body as { key: { id: string; name: string; sites: string[]; createdAt: string }; secret: string }
}

describe('API keys', () => {
  it('are created for sites the user can read, shown once and stored hashed', async () => {
    const { key, secret } = await newKey(ana, ['a.example', 'B.example'])
    expect(secret).toMatch(/^cl_[A-Za-z0-9_-]{43}$/)
    expect(key).toEqual({
      id: expect.any(String),
      name: 'reporting',
      sites: ['a.example', 'b.example'],
      createdAt: expect.stringMatching(/^\d{4}-/),
    })
    const list = await ana.get('/api/keys')
    expect(list.body).toEqual({ keys: [key] })
    expect(JSON.stringify(list.body)).not.toContain(secret)
    const rows = await server.ch.query<{ key_hash: string }>(
      'SELECT key_hash FROM api_keys FINAL WHERE id = {id:String}',
      {
        id: key.id,
      },
    )
    expect(rows).toEqual([{ key_hash: await sha256Hex(secret) }])
    // Another user does not see it.
    expect((await admin.get('/api/keys')).body.keys).toEqual([])
  })

  it.each([
    [{ sites: ['a.example'] }, 400, /name/],
    [{ name: 'x', sites: [] }, 400, /sites must be a non-empty list/],
    [{ name: 'x', sites: 'a.example' }, 400, /sites/],
    [{ name: 'x', sites: ['nope.example'] }, 400, /no site "nope.example"/],
    [{ name: 'x', sites: ['c.example'] }, 403, /no access to site c.example/],
  ])('POST %j -> %i', async (body, status, message) => {
    const r = await ana.post('/api/keys', body)
    expect(r.status).toBe(status)
    expect(r.body.error).toMatch(message)
  })

  it('read the sites in their scope only, with the role of its user there', async () => {
    const { secret } = await newKey(ana, ['a.example'])
    const ok = await read('a.example', `Bearer ${secret}`)
    expect(ok.status).toBe(200)
    expect(ok.body.principal).toEqual({ kind: 'key', userId: expect.any(String), role: 'viewer' })
    // Ana owns b.example, but this key is not scoped to it.
    expect((await read('b.example', `Bearer ${secret}`)).status).toBe(403)
    expect((await read('c.example', `Bearer ${secret}`)).status).toBe(403)
    expect((await read('a.example', `Bearer ${secret}x`)).status).toBe(401)
    expect((await read('a.example', 'Bearer cl_nothing')).status).toBe(401)
    expect((await read('a.example', `Basic ${secret}`)).status).toBe(401)
    expect((await read('a.example')).status).toBe(401)
  })

  it('are rate-limited per key with 429 and Retry-After', async () => {
    const { secret } = await newKey(ana, ['a.example'])
    const other = await newKey(ana, ['a.example'])
    for (let i = 0; i < LIMIT; i++) expect((await read('a.example', `Bearer ${secret}`)).status).toBe(200)
    const limited = await read('a.example', `Bearer ${secret}`)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.body.error).toMatch(/rate limit/)
    expect((await read('a.example', `Bearer ${other.secret}`)).status).toBe(200)
  })

  it('are revoked by their user (effective at once on this instance), not by others', async () => {
    const { key, secret } = await newKey(ana, ['a.example'])
    expect((await read('a.example', `Bearer ${secret}`)).status).toBe(200)
    const { browser: bob } = await invite(server, admin, 'a.example', 'bob@example.com', 'viewer')
    expect((await bob.del(`/api/keys/${key.id}`)).status).toBe(404)
    expect((await ana.del(`/api/keys/${key.id}`, {}, { 'x-csrf-token': '' })).status).toBe(403)
    expect((await ana.del(`/api/keys/${key.id}`)).status).toBe(200)
    expect((await read('a.example', `Bearer ${secret}`)).status).toBe(401)
    expect((await ana.get('/api/keys')).body.keys.map((k: { id: string }) => k.id)).not.toContain(key.id)
  })

  it('follow their user: a removed membership ends the key access to that site', async () => {
    const { browser: cleo, userId } = await invite(server, admin, 'a.example', 'cleo@example.com', 'viewer')
    const { secret } = await newKey(cleo, ['a.example'])
    expect((await read('a.example', `Bearer ${secret}`)).status).toBe(200)
    expect((await admin.del(`/api/sites/a.example/members/${userId}`)).status).toBe(200)
    expect((await read('a.example', `Bearer ${secret}`)).status).toBe(403)
  })

  it('never open dashboard endpoints', async () => {
    const { secret } = await newKey(ana, ['b.example'])
    const bare = new Browser(server.url)
    const auth = { authorization: `Bearer ${secret}` }
    expect((await bare.get('/api/sites', auth)).status).toBe(401)
    expect((await bare.get('/api/sites/b.example', auth)).status).toBe(401)
    expect((await bare.patch('/api/sites/b.example', { name: 'x' }, auth)).status).toBe(401)
    expect((await bare.post('/api/keys', { name: 'x', sites: ['b.example'] }, auth)).status).toBe(401)
  })
})

describe('a second instance on the same ClickHouse', () => {
  it('sees a key revoked elsewhere once its cache entry expires (KEY_CACHE_MS)', async () => {
    const s = server.server.services
    let clock = Date.now()
    const other = createServices({
      config: s.config,
      ch: s.ch,
      now: () => clock,
      remoteAddr: s.remoteAddr,
      country: s.country,
      assets: s.assets,
      log: s.log,
      sink: () => s.sink,
    })
    const app = new Hono()
    app.get('/read', readAccess(other), (c) => c.json({ site: c.get('site').domain }))
    const { key, secret } = await newKey(admin, ['a.example'])
    const get = () =>
      app.request('/read?site_id=a.example', { headers: { authorization: `Bearer ${secret}` } })
    expect((await get()).status).toBe(200)
    expect((await admin.del(`/api/keys/${key.id}`)).status).toBe(200)
    // Revoked through the first instance: refused there at once, here after the cache time.
    expect((await read('a.example', `Bearer ${secret}`)).status).toBe(401)
    expect((await get()).status).toBe(200)
    clock += KEY_CACHE_MS
    expect((await get()).status).toBe(401)
  })
})

describe('instance admins', () => {
  it('list, add and remove users; others may not', async () => {
    expect((await ana.get('/api/users')).status).toBe(403)
    expect((await ana.post('/api/users', { email: 'eve@example.com' })).status).toBe(403)
    const list = await admin.get('/api/users')
    expect(list.body.users).toContainEqual({
      id: expect.any(String),
      email: 'ana@example.com',
      isAdmin: false,
      pending: false,
    })
    const added = await admin.post('/api/users', { email: 'dan@example.com', isAdmin: true })
    expect(added.status).toBe(201)
    expect(added.body.user).toMatchObject({ email: 'dan@example.com', isAdmin: true, pending: true })
    expect(added.body.inviteUrl).toMatch(/\/invite\//)
    expect((await admin.post('/api/users', { email: 'dan@example.com' })).status).toBe(409)
    expect((await admin.post('/api/users', { email: 'x@example.com', isAdmin: 'yes' })).status).toBe(400)

    const { secret } = await newKey(ana, ['a.example'])
    const anaId = (await ana.get('/api/auth/me')).body.user.id
    const me = (await admin.get('/api/auth/me')).body.user.id
    expect((await admin.del(`/api/users/${me}`)).status).toBe(400)
    expect((await admin.del(`/api/users/${anaId}`)).status).toBe(200)
    expect((await ana.get('/api/auth/me')).status).toBe(401)
    expect((await read('a.example', `Bearer ${secret}`)).status).toBe(401)
    expect((await new Browser(server.url).login('ana@example.com', 'member-password-1')).status).toBe(401)
  })
})
