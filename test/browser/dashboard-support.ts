/** Shared pieces of the dashboard browser tests: seeding through the real ingest endpoint, screenshots. */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { FIREFOX_UA, IPHONE_UA, pageview, post } from '../support/ingest.ts'

export const DAY = 86_400_000
export const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url))
export const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36'

/** XSS payloads that must come back as plain text wherever the dashboard shows tracked data. */
export const XSS = {
  utm: '<script>alert("utm")</script>',
  event: '"><img src=x onerror=alert("event")>',
  propKey: 'plan<svg onload=alert(1)>',
  propValue: '<img src=x onerror=alert("prop")>',
  path: '/"><img src=x onerror=alert("path")>',
}

/** A clock the test moves: the server stamps events with `now()`. */
export class Clock {
  offset = 0
  now = (): number => Date.now() + this.offset
  daysAgo(days: number): void {
    this.offset = -days * DAY
  }
}

async function send(url: string, body: unknown, ip: string, ua = FIREFOX_UA): Promise<void> {
  const res = await post(url, body, { ip, ua })
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
  if (res.headers.get('x-crumbless-dropped'))
    throw new Error(`dropped: ${res.headers.get('x-crumbless-dropped')}`)
}

/**
 * Traffic over three days: Google and Hacker News referrals, a newsletter campaign, iPhone and
 * desktop browsers, a Signup goal with a plan prop, clicks (one rage cell) on /pricing, and every
 * XSS payload in a path, a UTM source, an event name and a prop.
 */
export async function seed(url: string, domain: string, clock: Clock): Promise<void> {
  const google = 'https://www.google.com/search?q=crumbs'
  const hn = 'https://news.ycombinator.com/item?id=1'
  clock.daysAgo(2)
  await send(url, pageview(domain, '/', { r: google }), '198.51.100.1')
  await send(url, pageview(domain, '/', { r: google }), '198.51.100.2', CHROME_UA)
  clock.daysAgo(1)
  await send(url, pageview(domain, '/pricing', { r: hn }), '198.51.100.3')
  await send(url, pageview(domain, '/pricing', { r: hn, w: 390 }), '198.51.100.4', IPHONE_UA)
  await send(
    url,
    pageview(domain, '/?utm_source=newsletter&utm_medium=email&utm_campaign=launch'),
    '198.51.100.5',
  )
  clock.daysAgo(0)
  const heavy = [
    [50, 100, 0],
    [50, 100, 0],
    [50, 110, 0],
    [20, 300, 1],
    [20, 300, 1],
    [20, 300, 1],
    [80, 40, 0],
  ]
  for (const [i, ip] of ['198.51.100.6', '198.51.100.7', '198.51.100.8'].entries()) {
    await send(url, pageview(domain, '/', { r: google }), ip, CHROME_UA)
    await send(url, pageview(domain, '/pricing', { r: `https://${domain}/` }), ip, CHROME_UA)
    const clicks = i === 0 ? [...heavy, [5, 900, 0]] : heavy
    await send(
      url,
      {
        n: 'engagement',
        u: `https://${domain}/pricing`,
        d: domain,
        w: 1280,
        sd: 40 + i * 20,
        e: 20_000,
        c: clicks,
      },
      ip,
      CHROME_UA,
    )
  }
  await send(
    url,
    { n: 'Signup', u: `https://${domain}/pricing`, d: domain, p: { plan: 'pro' } },
    '198.51.100.6',
    CHROME_UA,
  )
  await send(
    url,
    { n: 'Signup', u: `https://${domain}/pricing`, d: domain, p: { plan: 'team' } },
    '198.51.100.7',
    CHROME_UA,
  )
  await send(url, pageview(domain, `/?utm_source=${encodeURIComponent(XSS.utm)}`), '198.51.100.9')
  await send(url, pageview(domain, XSS.path), '198.51.100.9')
  await send(
    url,
    {
      n: XSS.event,
      u: `https://${domain}/`,
      d: domain,
      p: { [XSS.propKey]: XSS.propValue, plan: XSS.propValue },
    },
    '198.51.100.9',
  )
}

/** Full-page screenshots at desktop and 375 px; also asserts nothing overflows sideways on the phone. */
export async function shoot(page: Page, name: string): Promise<number> {
  mkdirSync(SHOTS, { recursive: true })
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.waitForTimeout(250)
  await page.screenshot({ path: `${SHOTS}${name}-desktop.png`, fullPage: true })
  await page.setViewportSize({ width: 375, height: 812 })
  await page.waitForTimeout(250)
  await page.screenshot({ path: `${SHOTS}${name}-375.png`, fullPage: true })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  await page.setViewportSize({ width: 1280, height: 900 })
  return overflow
}

/** Console errors and dialogs a page produced; the only allowed error is the logged-out session probe. */
export function watch(page: Page): { errors: string[]; dialogs: string[] } {
  const seen = { errors: [] as string[], dialogs: [] as string[] }
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const at = msg.location().url
    // The logged-out session probe and the test's deliberate wrong password answer 401 by design.
    if (/status of 401/.test(msg.text()) && /\/api\/auth\/(me|login)$/.test(at)) return
    seen.errors.push(`${msg.text()} @ ${at}`)
  })
  page.on('pageerror', (err) => seen.errors.push(`pageerror: ${err.message}`))
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message())
    void d.dismiss()
  })
  return seen
}

/** Raw top-stat values as the dashboard shows them (`data-value`). */
export async function shownStats(page: Page): Promise<Record<string, number | null>> {
  return page.$$eval('[data-testid^="stat-"]', (els) =>
    Object.fromEntries(
      els.map((el) => {
        const v = el.getAttribute('data-value') ?? ''
        return [el.getAttribute('data-testid')?.slice(5) ?? '', v === '' ? null : Number(v)]
      }),
    ),
  )
}

/** The Stats API's answer for the same view, fetched with the page's own credentials. */
export async function apiStats(page: Page, query: string): Promise<Record<string, number | null>> {
  const body = await page.evaluate(async (q) => {
    const res = await fetch(`/api/v1/stats/aggregate?${q}`)
    return (await res.json()) as { results: Record<string, { value: number | null }> }
  }, query)
  return Object.fromEntries(Object.entries(body.results).map(([k, v]) => [k, v.value]))
}
