import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSetupToken } from '../../server/auth/setup.ts'
import { launchBrowser } from '../support/browser.ts'
import { pageview, post } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { apiStats, Clock, seed, shoot, shownStats, watch, XSS } from './dashboard-support.ts'

/** expect.poll gives up after 1 s by default; the server needs longer on a busy machine. */
const WAIT = { timeout: 15_000 }
const DOMAIN = 'shop.test'
const ADMIN = { email: 'owner@example.com', password: 'owner-password-1' }
const METRICS =
  'visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,time_on_page,scroll_depth'

let server: TestServer
let browser: Browser
let context: BrowserContext
let page: Page
let seen: ReturnType<typeof watch>
const clock = new Clock()

beforeAll(async () => {
  server = await startTestServer({ now: clock.now })
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  page = await context.newPage()
  seen = watch(page)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const dash = (query = '') => `${server.url}/sites/${DOMAIN}${query ? `?${query}` : ''}`

async function statsMatch(query: string): Promise<void> {
  const expected = await apiStats(page, `site_id=${DOMAIN}&metrics=${METRICS}&${query}`)
  expect(expected.visitors).toBeGreaterThan(0)
  await expect.poll(() => shownStats(page), WAIT).toEqual(expected)
}

describe('dashboard in a real browser', () => {
  it('creates the first admin through the one-time setup link', async () => {
    const token = await ensureSetupToken(server.server.services)
    await page.goto(`${server.url}/setup?token=${token}`)
    await page.getByLabel('Email').waitFor()
    expect(await page.getByLabel('Setup token').inputValue()).toBe(token)
    expect(await shoot(page, 'setup')).toBeLessThanOrEqual(0)
    await page.getByLabel('Email').fill(ADMIN.email)
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL('**/sites/new')
    expect(await page.getByRole('heading', { name: 'Add a site' }).isVisible()).toBe(true)
  })

  it('adds a site, shows the exact snippet and turns green on the first pageview', async () => {
    await page.getByLabel('Domain').fill(DOMAIN)
    await page.getByLabel('Time zone').fill('UTC')
    await page.getByRole('button', { name: 'Add site' }).click()
    const snippet = `<script defer data-domain="${DOMAIN}" src="${server.server.config.publicUrl}/js/script.js"></script>`
    await expect.poll(() => page.locator('.snippet code').textContent(), WAIT).toBe(snippet)
    expect(await page.getByTestId('first-pageview').textContent()).toContain('Waiting')
    expect(await shoot(page, 'add-site')).toBeLessThanOrEqual(0)
    expect((await post(server.url, pageview(DOMAIN, '/'), { ip: '198.51.100.99' })).status).toBe(202)
    await server.flush()
    await expect.poll(() => page.getByTestId('first-pageview').textContent(), WAIT).toContain('received')
    await seed(server.url, DOMAIN, clock)
    await server.flush()
  })

  it('logs out and back in, and lists the site with its 7-day visitors', async () => {
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL('**/login')
    await page.getByLabel('Email').fill(ADMIN.email)
    await page.getByLabel('Password').fill('wrong-password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('wrong')
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/sites')
    const total = await page.evaluate(async (d) => {
      const r = await fetch(`/api/v1/stats/aggregate?site_id=${d}&period=7d&metrics=visitors`)
      return ((await r.json()) as { results: { visitors: { value: number } } }).results.visitors.value
    }, DOMAIN)
    await expect.poll(() => page.getByTestId('site-visitors').textContent(), WAIT).toContain(String(total))
    expect(await page.locator('svg.sparkline polyline').count()).toBe(1)
    expect(await shoot(page, 'sites')).toBeLessThanOrEqual(0)
  })

  it('shows the top stats the Stats API returns, and switches the period', async () => {
    await page.goto(dash('period=7d'))
    await statsMatch('period=7d&compare=previous_period')
    expect(await page.getByTestId('realtime').textContent()).toMatch(/^[1-9]\d* current visitors?$/)
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0)
    expect(await shoot(page, 'dashboard')).toBeLessThanOrEqual(0)
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(17, 20, 24)')
    expect(await shoot(page, 'dashboard-dark')).toBeLessThanOrEqual(0)
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByTestId('date-picker').click()
    await page.getByRole('button', { name: 'Today', exact: true }).click()
    await page.waitForURL(/period=day/)
    await statsMatch('period=day')
    const yesterday = new Date(clock.now() - 86_400_000).toISOString().slice(0, 10)
    await page.getByTestId('date-picker').click()
    await page.getByRole('button', { name: 'Yesterday' }).click()
    await page.waitForURL(new RegExp(`date=${yesterday}`))
    await statsMatch(`period=day&date=${yesterday}`)
  })

  it('adds a filter from a row, then removes the chip (URL and numbers follow)', async () => {
    await page.goto(dash('period=7d'))
    await statsMatch('period=7d')
    const before = (await shownStats(page)).visitors
    await page.locator('[data-panel="sources"] .row-name', { hasText: /^Google$/ }).click()
    await page.waitForURL(/filters=visit(:|%3A)source(==|%3D%3D)Google/)
    expect(await page.getByTestId('filter-chip').textContent()).toContain('Source is Google')
    await statsMatch('period=7d&filters=visit:source==Google')
    expect((await shownStats(page)).visitors).not.toBe(before)
    await page.getByRole('button', { name: /Remove filter Source Google/ }).click()
    await expect.poll(() => page.url(), WAIT).not.toContain('filters=')
    await statsMatch('period=7d')
    expect(await page.getByTestId('filter-chip').count()).toBe(0)
    // Keyboard only: a focused row and Enter filter as a click does.
    await page.locator('[data-panel="devices"] .row-name', { hasText: /^Firefox$/ }).focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(/filters=visit(:|%3A)browser(==|%3D%3D)Firefox/)
    await statsMatch('period=7d&filters=visit:browser==Firefox')
  })

  it('toggles compare: the URL says so and the chart adds the previous period', async () => {
    await page.goto(dash('period=7d'))
    await page.locator('.chart canvas').first().waitFor()
    expect(await page.locator('.u-legend', { hasText: 'Previous period' }).count()).toBe(0)
    await page.getByTestId('compare').check()
    await page.waitForURL(/compare=previous_period/)
    await page.locator('.u-legend', { hasText: 'Previous period' }).waitFor()
    await page.getByTestId('compare').uncheck()
    await expect.poll(() => page.url(), WAIT).not.toContain('compare=')
  })

  it('exports the current view as CSV rows', async () => {
    await page.goto(dash('period=7d'))
    await statsMatch('period=7d')
    await page.locator('[data-panel="pages"] .row-name').first().waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()])
    const csv = readFileSync(await download.path(), 'utf8')
    const rows = csv.trim().split('\r\n')
    expect(rows[0]).toBe('section,name,metric,value')
    const visitors = (await shownStats(page)).visitors
    expect(rows).toContain(`Summary,Unique visitors,visitors,${visitors}`)
    expect(rows.some((r) => r.startsWith('Top pages,/pricing,visitors,'))).toBe(true)
    expect(rows.some((r) => r.startsWith('Timeseries,'))).toBe(true)
    expect(download.suggestedFilename()).toMatch(/^shop\.test-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/)
  })

  it('draws the heatmap of a page as a canvas with cells, with the rage layer and scroll bands', async () => {
    await page.goto(dash('period=7d'))
    await page.getByRole('link', { name: 'Heatmaps' }).click()
    await page.waitForURL('**/heatmap**')
    await page.getByTestId('heat-page').selectOption('/pricing')
    const canvas = page.getByTestId('heat-canvas')
    await canvas.waitFor()
    expect(Number(await canvas.getAttribute('data-cells'))).toBeGreaterThan(0)
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray()
      let n = 0
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++
      return n
    })
    expect(painted).toBeGreaterThan(100)
    expect(await page.getByTestId('suppressed').textContent()).toMatch(/fewer than \d+ clicks/)
    expect(await page.locator('.band').count()).toBeGreaterThan(0)
    expect(await shoot(page, 'heatmap')).toBeLessThanOrEqual(0)
  })

  it('renders hostile tracked text as text: no dialog, no injected element', async () => {
    await page.goto(dash('period=day'))
    await page.locator('[data-panel="sources"] .row-name', { hasText: XSS.utm }).waitFor()
    await page.locator('[data-panel="pages"] .row-name', { hasText: 'onerror' }).first().waitFor()
    await page.locator('[data-panel="goals"] .row-name', { hasText: XSS.event }).waitFor()
    await page.locator('[data-panel="goals"]').getByRole('tab', { name: 'Properties' }).click()
    // The keys sent in the period are offered (as text), the most used one shown without typing.
    await page.locator('.prop-keys button', { hasText: XSS.propKey }).waitFor()
    expect(await page.locator('.prop-keys button[aria-pressed="true"]').textContent()).toBe('plan')
    await page.locator('[data-panel="goals"] .row-name', { hasText: XSS.propValue }).waitFor()
    await page.getByPlaceholder(/Property name/).fill('plan')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.locator('[data-panel="goals"] .row-name', { hasText: XSS.propValue }).waitFor()
    await page.locator('[data-panel="goals"] .row-name', { hasText: XSS.event }).count()
    await page.locator('[data-panel="sources"] .row-name', { hasText: XSS.utm }).click()
    await page.getByTestId('filter-chip').waitFor()
    expect(await page.getByTestId('filter-chip').textContent()).toContain(XSS.utm)
    expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0)
    expect(seen.dialogs).toEqual([])
  })

  it('reports no console errors on any screen', () => {
    expect(seen.errors).toEqual([])
    expect(seen.dialogs).toEqual([])
  })
})
