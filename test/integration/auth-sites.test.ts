import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../support/server.ts'
import { Browser, invite, setupAdmin, startReadServer } from './auth-support.ts'

let server: TestServer
let reader: { url: string; close(): Promise<void> }
let admin: Browser
let owner: Browser
let viewer: Browser
let viewerId: string
let stranger: Browser
const SITE = 'site-one.example'

beforeAll(async () => {
  server = await startTestServer()
  reader = await startReadServer(server.server.services)
  admin = await setupAdmin(server)
  // The admin owns a scratch site only to invite the people of this test.
  expect((await admin.post('/api/sites', { domain: 'admin.example' })).status).toBe(201)
  owner = (await invite(server, admin, 'admin.example', 'owner@example.com', 'viewer')).browser
  stranger = (await invite(server, admin, 'admin.example', 'stranger@example.com', 'viewer')).browser
})
afterAll(async () => {
  await reader?.close()
  await server?.close()
})

/** A GET on the stand-in Stats API route guarded by readAccess, with the browser's cookies. */
async function read(b: Browser | null, query: string, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers }
  if (b && b.cookies.size > 0) h.cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const res = await fetch(`${reader.url}/read${query}`, { headers: h })
  return { status: res.status, body: await res.json() }
}

describe('adding a site', () => {
  it('normalises the domain, makes the creator owner and returns the snippet', async () => {
    const r = await owner.post('/api/sites', {
      domain: ' WWW.Site-One.example ',
      timezone: 'Europe/Amsterdam',
    })
    expect(r.status).toBe(201)
    expect(r.body.site).toMatchObject({ domain: SITE, name: SITE, timezone: 'Europe/Amsterdam', kHeatmap: 3 })
    expect(r.body.role).toBe('owner')
    expect(r.body.snippet).toBe(
      `<script defer data-domain="${SITE}" src="${server.server.config.publicUrl}/js/script.js"></script>`,
    )
  })

  it('rejects bad input with a message, duplicates with 409 and requests without the csrf header', async () => {
    const bad = await owner.post('/api/sites', { domain: 'not a domain' })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/domain/)
    const tz = await owner.post('/api/sites', { domain: 'two.example', timezone: 'Mars/Olympus' })
    expect(tz.status).toBe(400)
    expect(tz.body.error).toMatch(/timezone/)
    expect((await owner.post('/api/sites', { domain: SITE })).status).toBe(409)
    expect((await owner.post('/api/sites', { domain: 'three.example' }, { 'x-csrf-token': '' })).status).toBe(
      403,
    )
  })

  it('lists sites with the caller role; the admin sees every site', async () => {
    ;({ browser: viewer, userId: viewerId } = await invite(
      server,
      owner,
      SITE,
      'viewer@example.com',
      'viewer',
    ))
    const mine = await owner.get('/api/sites')
    expect(mine.body.sites).toContainEqual({
      domain: SITE,
      name: SITE,
      timezone: 'Europe/Amsterdam',
      role: 'owner',
    })
    expect((await viewer.get('/api/sites')).body.sites).toEqual([
      { domain: SITE, name: SITE, timezone: 'Europe/Amsterdam', role: 'viewer' },
    ])
    const all = (await admin.get('/api/sites')).body.sites
    expect(all.map((s: { domain: string }) => s.domain).sort()).toEqual(['admin.example', SITE])
    expect(all.find((s: { domain: string }) => s.domain === SITE).role).toBe('admin')
    expect((await stranger.get('/api/sites')).body.sites.map((s: { domain: string }) => s.domain)).toEqual([
      'admin.example',
    ])
  })
})

describe('site settings', () => {
  it('owners change settings; viewers read them and get 403 on PATCH; strangers get 403; unknown 404', async () => {
    const ok = await owner.patch(`/api/sites/${SITE}`, {
      name: 'Site One',
      retentionDays: 30,
      allowedHostnames: ['Site-One.example', '*.site-one.example'],
      kBreakdown: 5,
      kHeatmap: 10,
      gpcPolicy: 'keep',
      dntPolicy: 'drop',
      allowFraming: true,
    })
    expect(ok.status).toBe(200)
    const got = await viewer.get(`/api/sites/${SITE}`)
    expect(got.status).toBe(200)
    expect(got.body.role).toBe('viewer')
    expect(got.body.site).toEqual({
      domain: SITE,
      name: 'Site One',
      timezone: 'Europe/Amsterdam',
      retentionDays: 30,
      allowedHostnames: ['site-one.example', '*.site-one.example'],
      kBreakdown: 5,
      kHeatmap: 10,
      gpcPolicy: 'keep',
      dntPolicy: 'drop',
      allowFraming: true,
    })
    const denied = await viewer.patch(`/api/sites/${SITE}`, { name: 'Hacked' })
    expect(denied.status).toBe(403)
    expect((await stranger.get(`/api/sites/${SITE}`)).status).toBe(403)
    expect((await stranger.patch(`/api/sites/${SITE}`, { name: 'Hacked' })).status).toBe(403)
    expect((await owner.get('/api/sites/nope.example')).status).toBe(404)
    expect((await new Browser(server.url).get(`/api/sites/${SITE}`)).status).toBe(401)
  })

  it.each([
    [{ timezone: 'Nowhere/City' }, /timezone/],
    [{ retentionDays: 0 }, /retentionDays must be a whole number from 1 to 10000/],
    [{ retentionDays: 65536 }, /retentionDays/],
    [{ retentionDays: 1.5 }, /retentionDays/],
    [{ kBreakdown: 1001 }, /kBreakdown must be a whole number from 0 to 1000/],
    [{ kHeatmap: -1 }, /kHeatmap/],
    [{ gpcPolicy: 'maybe' }, /gpcPolicy must be one of drop, keep, default/],
    [{ dntPolicy: 1 }, /dntPolicy/],
    [{ allowFraming: 'yes' }, /allowFraming must be true or false/],
    [{ allowedHostnames: ['bad host'] }, /allowedHostnames/],
    [{ allowedHostnames: 'site-one.example' }, /allowedHostnames must be a list/],
    [{ name: '' }, /name must be 1 to 100/],
    [{ domain: 'other.example' }, /domain cannot be changed/],
    [{ colour: 'red' }, /unknown field "colour"/],
  ])('PATCH %j -> 400 naming the problem', async (body, message) => {
    const r = await owner.patch(`/api/sites/${SITE}`, body)
    expect(r.status).toBe(400)
    expect(r.body.error).toMatch(message)
  })

  it('keeps the settings unchanged after rejected patches', async () => {
    expect((await owner.get(`/api/sites/${SITE}`)).body.site.retentionDays).toBe(30)
  })

  it('admins manage any site', async () => {
    const r = await admin.patch(`/api/sites/${SITE}`, { kHeatmap: 4 })
    expect(r.status).toBe(200)
    expect(r.body.role).toBe('admin')
    expect((await admin.get(`/api/sites/${SITE}/members`)).status).toBe(200)
  })

  it('reports whether a first pageview arrived', async () => {
    expect((await viewer.get(`/api/sites/${SITE}/first-pageview`)).body).toEqual({ received: false })
    await fetch(`${server.url}/api/event`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        'x-forwarded-for': '198.51.100.7',
        'user-agent':
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      },
      body: JSON.stringify({ n: 'pageview', u: `https://${SITE}/`, d: SITE }),
    })
    await server.flush()
    expect((await viewer.get(`/api/sites/${SITE}/first-pageview`)).body).toEqual({ received: true })
  })
})

describe('read access for sessions (readAccess)', () => {
  it('grants members and admins, refuses others', async () => {
    const own = await read(owner, `?site_id=${SITE}`)
    expect(own).toEqual({
      status: 200,
      body: { site: SITE, principal: expect.objectContaining({ kind: 'user', role: 'owner' }) },
    })
    expect((await read(viewer, `/${SITE}`)).body.principal.role).toBe('viewer')
    expect((await read(admin, `?site_id=${SITE}`)).body.principal.role).toBe('admin')
    expect((await read(stranger, `?site_id=${SITE}`)).status).toBe(403)
    expect((await read(null, `?site_id=${SITE}`)).status).toBe(401)
    expect((await read(owner, '?site_id=unknown.example')).status).toBe(404)
    expect((await read(owner, '')).status).toBe(400)
  })
})

describe('members', () => {
  it('lists members with roles; viewers may not manage them', async () => {
    const r = await owner.get(`/api/sites/${SITE}/members`)
    expect(r.body.members).toEqual(
      expect.arrayContaining([
        { userId: expect.any(String), email: 'owner@example.com', role: 'owner', pending: false },
        { userId: viewerId, email: 'viewer@example.com', role: 'viewer', pending: false },
      ]),
    )
    expect((await viewer.get(`/api/sites/${SITE}/members`)).status).toBe(403)
    expect(
      (await viewer.post(`/api/sites/${SITE}/members`, { email: 'x@example.com', role: 'owner' })).status,
    ).toBe(403)
  })

  it('invites a new email with a one-time link, and validates input', async () => {
    const r = await owner.post(`/api/sites/${SITE}/members`, {
      email: 'New.Person@Example.com',
      role: 'viewer',
    })
    expect(r.status).toBe(201)
    expect(r.body.member).toMatchObject({ email: 'new.person@example.com', role: 'viewer', pending: true })
    expect(r.body.inviteUrl).toMatch(
      new RegExp(`^${server.server.config.publicUrl}/invite/[A-Za-z0-9_-]{43}$`),
    )
    const token = r.body.inviteUrl.split('/').pop()
    const b = new Browser(server.url)
    expect((await b.get(`/api/invite/${token}`)).body).toEqual({ email: 'new.person@example.com' })
    expect((await b.post(`/api/invite/${token}`, { password: 'short' })).status).toBe(400)
    const accepted = await b.post(`/api/invite/${token}`, { password: 'new-person-password' })
    expect(accepted.status).toBe(200)
    expect(accepted.body.user.email).toBe('new.person@example.com')
    expect((await b.get(`/api/sites/${SITE}`)).body.role).toBe('viewer')
    const again = await new Browser(server.url).post(`/api/invite/${token}`, {
      password: 'another-password',
    })
    expect(again.status).toBe(404)

    const badRole = await owner.post(`/api/sites/${SITE}/members`, { email: 'a@example.com', role: 'god' })
    expect(badRole.status).toBe(400)
    expect(badRole.body.error).toMatch(/role must be one of owner, viewer/)
    const badEmail = await owner.post(`/api/sites/${SITE}/members`, { email: 'nope', role: 'viewer' })
    expect(badEmail.status).toBe(400)
    expect(badEmail.body.error).toMatch(/email/)
  })

  it('adds an existing user without an invite link, and changes a role by re-adding', async () => {
    const r = await owner.post(`/api/sites/${SITE}/members`, {
      email: 'stranger@example.com',
      role: 'viewer',
    })
    expect(r.status).toBe(201)
    expect(r.body.inviteUrl).toBeNull()
    expect((await stranger.get(`/api/sites/${SITE}`)).body.role).toBe('viewer')
    await owner.post(`/api/sites/${SITE}/members`, { email: 'stranger@example.com', role: 'owner' })
    expect((await stranger.get(`/api/sites/${SITE}`)).body.role).toBe('owner')
  })

  it('removes a member, who then loses access; the last owner cannot be removed', async () => {
    expect((await owner.del(`/api/sites/${SITE}/members/${viewerId}`)).status).toBe(200)
    expect((await viewer.get(`/api/sites/${SITE}`)).status).toBe(403)
    expect((await owner.del(`/api/sites/${SITE}/members/${viewerId}`)).status).toBe(404)
    const strangerId = (await owner.get(`/api/sites/${SITE}/members`)).body.members.find(
      (m: { email: string }) => m.email === 'stranger@example.com',
    ).userId
    expect((await owner.del(`/api/sites/${SITE}/members/${strangerId}`)).status).toBe(200)
    const ownerId = (await owner.get('/api/auth/me')).body.user.id
    const last = await owner.del(`/api/sites/${SITE}/members/${ownerId}`)
    expect(last.status).toBe(400)
    expect(last.body.error).toMatch(/at least one owner/)
  })
})

describe('share links', () => {
  let open: { id: string; url: string; hasPassword: boolean }
  let locked: { id: string; url: string; hasPassword: boolean }
  const tokenOf = (share: { url: string }) => share.url.split('/').pop() ?? ''

  it('owners create links with and without a password; viewers cannot', async () => {
    const a = await owner.post(`/api/sites/${SITE}/shares`, {})
    expect(a.status).toBe(201)
    open = a.body.share
    expect(open).toEqual({
      id: expect.any(String),
      url: expect.stringMatching(
        new RegExp(`^${server.server.config.publicUrl}/share/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`),
      ),
      hasPassword: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    const short = await owner.post(`/api/sites/${SITE}/shares`, { password: 'short' })
    expect(short.status).toBe(400)
    locked = (await owner.post(`/api/sites/${SITE}/shares`, { password: 'share-password-1' })).body.share
    expect(locked.hasPassword).toBe(true)
    const list = await owner.get(`/api/sites/${SITE}/shares`)
    expect(list.body.shares).toEqual(expect.arrayContaining([open, locked]))
    const { browser: v } = await invite(server, owner, SITE, 'viewer2@example.com', 'viewer')
    expect((await v.post(`/api/sites/${SITE}/shares`, {})).status).toBe(403)
    expect((await v.get(`/api/sites/${SITE}/shares`)).status).toBe(403)
  })

  it('a share token reads its own site only', async () => {
    const token = tokenOf(open)
    const info = await new Browser(server.url).get(`/api/share/${token}`)
    expect(info.body).toEqual({
      site: { domain: SITE, name: 'Site One', timezone: 'Europe/Amsterdam' },
      needsPassword: false,
    })
    const r = await read(null, `?site_id=${SITE}&auth=${token}`)
    expect(r).toEqual({ status: 200, body: { site: SITE, principal: { kind: 'share', role: 'share' } } })
    expect((await read(null, `?site_id=admin.example&auth=${token}`)).status).toBe(403)
    expect((await read(null, `?site_id=${SITE}&auth=${token.slice(0, -1)}x`)).status).toBe(401)
  })

  it('a share token never reaches write or settings endpoints', async () => {
    const token = tokenOf(open)
    const b = new Browser(server.url)
    for (const [method, path] of [
      ['GET', `/api/sites/${SITE}?auth=${token}`],
      ['PATCH', `/api/sites/${SITE}?auth=${token}`],
      ['DELETE', `/api/sites/${SITE}?auth=${token}`],
      ['POST', `/api/sites/${SITE}/shares?auth=${token}`],
      ['GET', `/api/sites/${SITE}/members?auth=${token}`],
      ['POST', `/api/keys?auth=${token}`],
    ] as const) {
      const r = await b.req(method, path, method === 'GET' ? undefined : { name: 'x', confirm: SITE }, {
        authorization: `Bearer ${token}`,
      })
      expect([401, 403]).toContain(r.status)
    }
    expect((await owner.get(`/api/sites/${SITE}`)).body.site.name).toBe('Site One')
  })

  it('a password link needs the password; the share cookie then reads but cannot write', async () => {
    const token = tokenOf(locked)
    const b = new Browser(server.url)
    expect((await b.get(`/api/share/${token}`)).body.needsPassword).toBe(true)
    const without = await read(null, `?site_id=${SITE}&auth=${token}`)
    expect(without.status).toBe(401)
    expect(without.body.needsPassword).toBe(true)
    expect((await b.post(`/api/share/${token}/auth`, { password: 'wrong-password' })).status).toBe(401)
    const ok = await b.post(`/api/share/${token}/auth`, { password: 'share-password-1' })
    expect(ok.status).toBe(200)
    expect(ok.setCookies.find((c) => c.startsWith('crumbless_share='))).toMatch(
      /HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/,
    )
    expect((await b.get(`/api/share/${token}`)).body.needsPassword).toBe(false)
    expect((await read(b, `?site_id=${SITE}&auth=${token}`)).status).toBe(200)
    expect((await read(b, `?site_id=${SITE}`)).body.principal).toEqual({ kind: 'share', role: 'share' })
    expect((await read(b, '?site_id=admin.example')).status).toBe(403)
    expect((await b.patch(`/api/sites/${SITE}`, { name: 'Hacked' })).status).toBe(401)
    expect((await b.get('/api/auth/me')).status).toBe(401)
  })

  it('revoking ends the link at once', async () => {
    const token = tokenOf(open)
    expect((await owner.del(`/api/sites/${SITE}/shares/${open.id}`)).status).toBe(200)
    expect((await read(null, `?site_id=${SITE}&auth=${token}`)).status).toBe(401)
    expect((await new Browser(server.url).get(`/api/share/${token}`)).status).toBe(404)
    expect((await owner.del(`/api/sites/${SITE}/shares/${open.id}`)).status).toBe(404)
    expect((await owner.get(`/api/sites/${SITE}/shares`)).body.shares).toEqual([locked])
  })
})

describe('deleting a site', () => {
  it('needs the owner and the domain typed as confirmation', async () => {
    const { browser: v } = await invite(server, owner, SITE, 'viewer3@example.com', 'viewer')
    expect((await v.del(`/api/sites/${SITE}`, { confirm: SITE })).status).toBe(403)
    const none = await owner.del(`/api/sites/${SITE}`, {})
    expect(none.status).toBe(400)
    expect(none.body.error).toMatch(/confirm/)
    expect((await owner.del(`/api/sites/${SITE}`, { confirm: 'admin.example' })).status).toBe(400)
    expect((await owner.del(`/api/sites/${SITE}`, { confirm: SITE }, { 'x-csrf-token': '' })).status).toBe(
      403,
    )
    expect((await owner.get(`/api/sites/${SITE}`)).status).toBe(200)

    expect((await owner.del(`/api/sites/${SITE}`, { confirm: SITE })).status).toBe(200)
    expect((await owner.get(`/api/sites/${SITE}`)).status).toBe(404)
    expect((await owner.get('/api/sites')).body.sites.map((s: { domain: string }) => s.domain)).not.toContain(
      SITE,
    )
    const rows = await server.ch.query<{ n: number }>(
      'SELECT count() AS n FROM events WHERE site_id = {s:String}',
      {
        s: SITE,
      },
    )
    expect(rows[0]?.n).toBe(0)
    expect((await read(owner, `?site_id=${SITE}`)).status).toBe(404)
  })
})
