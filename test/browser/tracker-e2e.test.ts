import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTracker } from '../../scripts/build-tracker.ts'
import { launchBrowser } from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { html, startTrackerFixture, type TrackerFixture } from '../support/tracker-fixture.ts'

// The real server drops headless user agents as bots. The UA is set for the whole browser: a
// context's override does not reach keepalive requests that outlive their page.
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
const SITE = 'example.test'

let browser: Browser
let server: TestServer
let fx: TrackerFixture
let stats: string

/** Polls ClickHouse (after asking the writer to flush) until `ok` accepts the rows. */
async function until<T>(sql: string, ok: (rows: T[]) => boolean): Promise<T[]> {
  const end = Date.now() + 10_000
  for (;;) {
    await server.flush()
    const rows = await server.ch.query<T>(sql, { site: SITE })
    if (ok(rows) || Date.now() > end) return rows
    await new Promise((r) => setTimeout(r, 100))
  }
}

beforeAll(async () => {
  // the server reads `tracker/dist/` once at start
  await buildTracker()
  ;[browser, server, fx] = await Promise.all([
    launchBrowser({ args: [`--user-agent=${DESKTOP_UA}`] }),
    startTestServer(),
    startTrackerFixture(),
  ])
  await server.addSite(SITE)
  // stats.test and example.test both resolve to loopback in the browser; the page loads the script
  // from the real server, which also receives the events
  stats = server.url.replace('127.0.0.1', 'stats.test')
  fx.page(
    '/article',
    html({ src: `${stats}/js/script.js`, style: 'html{scrollbar-width:none} body{height:4000px}' }),
  )
  fx.page('/away', '<!doctype html><title>away</title>elsewhere')
})

afterAll(async () => {
  await browser?.close()
  await fx?.close()
  await server?.close()
})

describe('tracker + real server + embedded ClickHouse', () => {
  it('serves the script with caching and CORS headers', async () => {
    const res = await fetch(`${server.url}/js/script.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/javascript/)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/)
    expect((await res.text()).length).toBeGreaterThan(500)
  })

  it('stores the pageview, the engagement and the click cells of a real visit', async () => {
    const context = await browser.newContext({
      userAgent: DESKTOP_UA,
      viewport: { width: 1280, height: 800 },
    })
    const page = await context.newPage()
    const statuses: string[] = []
    page.on('response', (r) => {
      if (r.url().endsWith('/api/event'))
        statuses.push(`${r.status()} ${r.headers()['x-crumbless-dropped'] ?? ''}`)
    })
    await page.goto(`${fx.url()}/article?utm_source=newsletter&secret=1`)
    await until<{ n: number }>(
      "SELECT count() n FROM events WHERE site_id = {site:String} AND name = 'pageview'",
      (r) => (r[0]?.n ?? 0) > 0,
    )
    // 640 / 1280 -> x 50; 205 -> y 200; then three quick clicks: the third is a rage click
    await page.mouse.click(640, 205)
    await page.mouse.click(128, 400)
    await page.mouse.click(132, 405)
    await page.mouse.click(130, 402)
    await page.evaluate(() => scrollTo(0, 1200))
    await page.evaluate(() => new Promise(requestAnimationFrame))
    await new Promise((r) => setTimeout(r, 1500))
    await page.goto(`${fx.url()}/away`)

    const events = await until<{
      name: string
      path: string
      utm_source: string
      engaged_ms: number
      scroll_depth: number
      width: number
    }>(
      'SELECT name, path, utm_source, engaged_ms, scroll_depth, width FROM events WHERE site_id = {site:String} ORDER BY ts',
      (r) => r.some((e) => e.name === 'engagement'),
    )
    expect(statuses.every((s) => s === '202 ')).toBe(true)
    expect(events.map((e) => [e.name, e.path])).toEqual([
      ['pageview', '/article'],
      ['engagement', '/article'],
    ])
    expect(events[0]).toMatchObject({ utm_source: 'newsletter', width: 1280 })
    const engagement = events[1]!
    expect(engagement.engaged_ms).toBeGreaterThanOrEqual(1000)
    expect(engagement.engaged_ms).toBeLessThan(30_000)
    // (1200 + 800) / 4000
    expect(engagement.scroll_depth).toBe(50)

    const cells = await until<{
      path: string
      width_bucket: string
      x: number
      y: number
      rage: number
      n: number
    }>(
      `SELECT path, width_bucket, x, y, rage, sum(clicks) n FROM clicks WHERE site_id = {site:String}
       GROUP BY path, width_bucket, x, y, rage ORDER BY y, x, rage`,
      (r) => r.length > 0,
    )
    expect(cells).toEqual([
      { path: '/article', width_bucket: 'desktop', x: 50, y: 200, rage: 0, n: 1 },
      { path: '/article', width_bucket: 'desktop', x: 10, y: 400, rage: 0, n: 2 },
      { path: '/article', width_bucket: 'desktop', x: 10, y: 400, rage: 1, n: 1 },
    ])
    await context.close()
  })
})
