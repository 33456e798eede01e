import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, setupAdmin } from '../integration/auth-support.ts'
import { launchBrowser } from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { Clock, seed, shoot, watch } from './dashboard-support.ts'

/** expect.poll gives up after 1 s by default; the server needs longer on a busy machine. */
const WAIT = { timeout: 15_000 }
const DOMAIN = 'blog.test'
const SPARE = 'old.test'

let server: TestServer
let browser: Browser
let owner: BrowserContext
let page: Page
const watched: Array<ReturnType<typeof watch>> = []
const clock = new Clock()

async function newPage(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage()
  watched.push(watch(p))
  return p
}

beforeAll(async () => {
  server = await startTestServer({ now: clock.now })
  const admin = await setupAdmin(server)
  for (const domain of [DOMAIN, SPARE]) {
    const r = await admin.post('/api/sites', { domain, timezone: 'Europe/Berlin' })
    if (r.status !== 201) throw new Error(`site: ${r.status}`)
  }
  await seed(server.url, DOMAIN, clock)
  await server.flush()
  browser = await launchBrowser()
  owner = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  page = await newPage(owner)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** The path of a URL the server printed with its PUBLIC_URL, on the test server. */
const local = (url: string) => `${server.url}${new URL(url).pathname}`

describe('dashboard access in a real browser', () => {
  it('sends a logged-out visitor to the login page and back after logging in', async () => {
    await page.goto(`${server.url}/sites/${DOMAIN}/settings`)
    await page.waitForURL('**/login?next=**')
    expect(await shoot(page, 'login')).toBeLessThanOrEqual(0)
    await page.getByLabel('Email').fill(ADMIN.email)
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`**/sites/${DOMAIN}/settings`)
    await page.getByRole('heading', { name: 'Tracking snippet' }).waitFor()
  })

  it('lets the owner change settings, create share links, invite members and create an API key', async () => {
    await page.getByLabel('Minimum clicks per heatmap cell (k)').fill('2')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByText('Saved.').waitFor()
    const site = await page.evaluate(
      async (d) => (await (await fetch(`/api/sites/${d}`)).json()) as { site: { kHeatmap: number } },
      DOMAIN,
    )
    expect(site.site.kHeatmap).toBe(2)

    await page.getByRole('button', { name: 'Create link' }).click()
    await page.locator('#s-shares ~ .item-list .item').first().waitFor()
    await page.getByLabel('Password (optional)').fill('share-password-1')
    await page.getByRole('button', { name: 'Create link' }).click()
    await expect.poll(() => page.locator('#s-shares ~ .item-list .item').count(), WAIT).toBe(2)

    await page.locator('#s-members ~ form').getByLabel('Email').fill('viewer@example.com')
    await page.getByRole('button', { name: 'Invite' }).click()
    await page.locator('#s-members ~ .secret code').waitFor()
    await expect
      .poll(() => page.locator('#s-members ~ .item-list').textContent(), WAIT)
      .toContain('viewer@example.com')

    await page.getByLabel('Key name').fill('reporting')
    await page.getByRole('button', { name: 'Create key' }).click()
    const secret = (await page.getByTestId('api-secret').textContent()) ?? ''
    expect(secret.length).toBeGreaterThan(16)
    const res = await fetch(`${server.url}/api/v1/stats/aggregate?site_id=${DOMAIN}&metrics=visitors`, {
      headers: { authorization: `Bearer ${secret}` },
    })
    expect(res.status).toBe(200)
    expect(await shoot(page, 'settings')).toBeLessThanOrEqual(0)
  })

  it('opens a share link logged out: read-only dashboard with the site name, no way into settings', async () => {
    const urls = await page.locator('#s-shares ~ .item-list code').allTextContents()
    const open = await page
      .locator('#s-shares ~ .item-list .item')
      .filter({ hasNotText: 'password' })
      .locator('code')
      .textContent()
    const guest = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const g = await newPage(guest)
    await g.goto(local(open ?? ''))
    await g.getByRole('heading', { name: DOMAIN }).waitFor()
    await g.locator('[data-testid="stat-visitors"]').waitFor()
    expect(Number(await g.getByTestId('stat-visitors').getAttribute('data-value'))).toBeGreaterThan(0)
    expect(await g.getByText('Shared, read-only view').count()).toBe(1)
    expect(await g.getByTestId('settings-link').count()).toBe(0)
    expect(await g.getByRole('link', { name: 'Account' }).count()).toBe(0)
    expect(await shoot(g, 'share')).toBeLessThanOrEqual(0)
    await g.getByRole('link', { name: 'Heatmaps' }).click()
    await g.getByTestId('heat-canvas').waitFor()
    await g.goto(`${server.url}/sites/${DOMAIN}/settings`)
    await g.waitForURL('**/login?next=**')
    // The share grant is no session: the settings API refuses it too.
    const cookies = (await guest.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
    const settings = await fetch(`${server.url}/api/sites/${DOMAIN}/shares`, { headers: { cookie: cookies } })
    expect(settings.status).toBe(401)

    const locked = urls.find((u) => u !== open) ?? ''
    await g.goto(local(locked))
    await g.getByLabel('Password').fill('share-password-1')
    await g.getByRole('button', { name: 'View dashboard' }).click()
    await g.locator('[data-testid="stat-visitors"]').waitFor()
    await guest.close()
  })

  it('shows a viewer the dashboard without settings', async () => {
    const inviteUrl = (await page.locator('#s-members ~ .secret code').textContent()) ?? ''
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const v = await newPage(ctx)
    await v.goto(local(inviteUrl))
    await v.getByLabel('Password').fill('viewer-password-1')
    await v.getByRole('button', { name: 'Set password' }).click()
    await v.waitForURL('**/sites')
    await v.getByRole('link', { name: new RegExp(DOMAIN) }).click()
    await v.locator('[data-testid="stat-visitors"]').waitFor()
    expect(await v.getByTestId('settings-link').count()).toBe(0)
    await v.goto(`${server.url}/sites/${DOMAIN}/settings`)
    await v.getByText('Only owners of this site can change its settings.').waitFor()
    expect(await v.getByRole('button', { name: 'Save settings' }).count()).toBe(0)
    await ctx.close()
  })

  it('shows empty states, not blank panels, for a site without data', async () => {
    await page.goto(`${server.url}/sites/${SPARE}`)
    await expect.poll(() => page.getByTestId('stat-visitors').getAttribute('data-value'), WAIT).toBe('0')
    await expect.poll(() => page.getByText('No data yet.').count(), WAIT).toBeGreaterThanOrEqual(4)
    expect(await shoot(page, 'dashboard-empty')).toBeLessThanOrEqual(0)
  })

  it('changes the password and deletes a site after typing its name', async () => {
    await page.goto(`${server.url}/settings`)
    await page.getByLabel('Current password').fill(ADMIN.password)
    await page.getByLabel('New password').fill('owner-password-2')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Password changed.').waitFor()
    await page.goto(`${server.url}/sites/${SPARE}/settings`)
    await page.getByLabel(`Type ${SPARE} to confirm`).fill('nope.test')
    await page.getByRole('button', { name: 'Delete site and all data' }).click()
    await page.getByText(`Type ${SPARE} to confirm.`, { exact: true }).waitFor()
    await page.getByLabel(`Type ${SPARE} to confirm`).fill(SPARE)
    await page.getByRole('button', { name: 'Delete site and all data' }).click()
    await page.waitForURL('**/sites')
    await page.locator('.site-card').first().waitFor()
    expect(await page.locator('.site-card', { hasText: SPARE }).count()).toBe(0)
  })

  it('serves the app with a strict CSP and no caching, and hashed assets for a year', async () => {
    const res = await fetch(`${server.url}/sites/${DOMAIN}`)
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    const js = /src="(\/ui\/app\.[0-9a-f]+\.js)"/.exec(html)?.[1] ?? ''
    const asset = await fetch(`${server.url}${js}`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await fetch(`${server.url}/ui/app.0000000000.js`)).status).toBe(404)
  })

  it('shows a readable error for an unknown site and the live page behind the heatmap when framing is on', async () => {
    // Unwatched page: the 404 and the framed page (not served in the test) are expected failures.
    const p = await owner.newPage()
    await p.goto(`${server.url}/sites/missing.test`)
    expect(await p.getByRole('alert').textContent()).toMatch(/site/i)
    expect(await p.locator('body').textContent()).not.toMatch(/at \w+ \(|Error:/)
    await p.goto(`${server.url}/sites/${DOMAIN}/settings`)
    await p.getByLabel(/Allow framing/).check()
    await p.getByRole('button', { name: 'Save settings' }).click()
    await p.getByText('Saved.').waitFor()
    await p.goto(`${server.url}/sites/${DOMAIN}/heatmap?page=/pricing&period=7d`)
    const frame = p.locator('iframe.heat-frame')
    await frame.waitFor({ state: 'attached' })
    expect(await frame.getAttribute('src')).toBe(`https://${DOMAIN}/pricing`)
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin')
    expect(Number(await p.getByTestId('heat-canvas').getAttribute('data-cells'))).toBeGreaterThan(0)
    await p.close()
  })

  it('reports no console errors or dialogs on any screen', () => {
    expect(watched.flatMap((w) => w.errors)).toEqual([])
    expect(watched.flatMap((w) => w.dialogs)).toEqual([])
  })
})
