/** A tiny cookie-keeping HTTP client for the auth integration tests (one per simulated browser). */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type Context, Hono } from 'hono'
import { readAccess } from '../../server/auth/access.ts'
import { ensureSetupToken } from '../../server/auth/setup.ts'
import type { Services } from '../../server/services.ts'
import type { TestServer } from '../support/server.ts'

export interface Reply {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  body: any
  headers: Headers
  setCookies: string[]
}

let nextIp = 1

export class Browser {
  readonly cookies = new Map<string, string>()
  csrf = ''
  /** A distinct client IP per browser (loopback is a trusted proxy in tests). */
  readonly ip = `203.0.113.${nextIp++}`

  constructor(readonly url: string) {}

  async req(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip, ...headers }
    if (this.cookies.size > 0) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in headers)) h['x-csrf-token'] = this.csrf
    if (body !== undefined) h['content-type'] = 'application/json'
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const setCookies = res.headers.getSetCookie()
    for (const line of setCookies) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      if (value === '' || /max-age=0\b/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {}
    const reply = { status: res.status, body: parsed, headers: res.headers, setCookies }
    if (reply.body && typeof reply.body === 'object' && 'csrf' in reply.body)
      this.csrf = String(reply.body.csrf)
    return reply
  }

  get = (path: string, headers?: Record<string, string>) => this.req('GET', path, undefined, headers)
  post = (path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.req('POST', path, body, headers)
  patch = (path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.req('PATCH', path, body, headers)
  del = (path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.req('DELETE', path, body, headers)

  async login(email: string, password: string): Promise<Reply> {
    return this.post('/api/auth/login', { email, password })
  }
}

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' }

/** Creates the first admin through the one-time setup link and returns its logged-in browser. */
export async function setupAdmin(server: TestServer): Promise<Browser> {
  const token = await ensureSetupToken(server.server.services)
  if (!token) throw new Error('setup already done')
  const admin = new Browser(server.url)
  const r = await admin.post('/api/setup', { token, ...ADMIN })
  if (r.status !== 201) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`)
  return admin
}

/** Invites `email` to `domain` as `role` through `owner`, then accepts the invite in a new browser. */
export async function invite(
  server: TestServer,
  owner: Browser,
  domain: string,
  email: string,
  role: 'owner' | 'viewer',
  password = 'member-password-1',
): Promise<{ browser: Browser; userId: string }> {
  const r = await owner.post(`/api/sites/${domain}/members`, { email, role })
  if (r.status !== 201) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.body)}`)
  const browser = new Browser(server.url)
  if (r.body.inviteUrl) {
    const token = new URL(r.body.inviteUrl).pathname.split('/').pop()
    const a = await browser.post(`/api/invite/${token}`, { password })
    if (a.status !== 200) throw new Error(`accept failed: ${a.status} ${JSON.stringify(a.body)}`)
  } else {
    await browser.login(email, password)
  }
  return { browser, userId: r.body.member.userId }
}

/**
 * A second HTTP server on the same Services with one route guarded by `readAccess`, standing in
 * for the Stats API: `/read?site_id=` and `/read/:domain` answer `{ site, principal }`.
 */
export async function startReadServer(services: Services): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono()
  const answer = (c: Context) => c.json({ site: c.get('site').domain, principal: c.get('principal') })
  app.get('/read', readAccess(services), answer)
  app.get('/read/:domain', readAccess(services), answer)
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
