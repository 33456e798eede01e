import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { html, type Received, startTrackerFixture, type TrackerFixture } from '../support/tracker-fixture.ts'

let browser: Browser
let fx: TrackerFixture
let context: BrowserContext
let page: Page

const pageviews = (): string[] =>
  fx.events.filter((e) => e.n === 'pageview').map((e) => e.u.replace(fx.url(), ''))
const isPageview = (e: Received) => e.n === 'pageview'
const settle = () => new Promise((r) => setTimeout(r, 400))

beforeAll(async () => {
  ;[browser, fx] = await Promise.all([launchBrowser(), startTrackerFixture()])
  const link = (href: string, text: string) => `<a id="${text}" href="${href}">${text}</a>`
  fx.page('/hello', html({ body: '<h1>hello</h1>' }))
  fx.page('/app/*', html({ body: '<h1>app</h1>' }))
  fx.page('/hash', html({ hash: true, body: '<h1>hash routing</h1>' }))
  fx.page('/nohash', html({ body: '<h1>no hash routing</h1>' }))
  fx.page(
    '/bf/a',
    html({
      before: "addEventListener('pageshow', (e) => { if (e.persisted) window.restored = true })",
      body: link('/bf/b', 'next'),
    }),
  )
  fx.page('/bf/b', html({ body: 'b' }))
  fx.page(
    '/hidden',
    html({
      // Test-only stand-in for a prerendered or background tab: the page reports itself hidden
      // until the test shows it.
      before: `let hidden = true
        Object.defineProperty(document, 'hidden', { get: () => hidden })
        Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') })
        window.show = () => { hidden = false; document.dispatchEvent(new Event('visibilitychange')) }`,
      body: 'hidden at first',
    }),
  )
})

afterAll(async () => {
  await browser?.close()
  await fx?.close()
})

beforeEach(async () => {
  await context?.close()
  context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
  page = await context.newPage()
  fx.events.length = 0
})

describe('pageviews', () => {
  it('sends one pageview on load with the wire fields, as text/plain', async () => {
    await page.goto(`${fx.url()}/hello?utm_source=news#top`, { referer: 'https://ref.example/some/path' })
    const [pv] = await fx.waitFor(isPageview)
    expect(pv).toMatchObject({
      n: 'pageview',
      u: `${fx.url()}/hello?utm_source=news#top`,
      d: 'example.test',
      r: 'https://ref.example/some/path',
      w: 1000,
      h: false,
    })
    expect(pv!.contentType).toMatch(/^text\/plain/)
    expect(Object.keys(pv!).sort()).toEqual(['contentType', 'd', 'h', 'n', 'r', 'u', 'w'])
    await settle()
    expect(pageviews()).toEqual(['/hello?utm_source=news#top'])
  })

  it('follows pushState and back/forward, one pageview per new path', async () => {
    await page.goto(`${fx.url()}/app/one`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => history.pushState({}, '', '/app/two'))
    await fx.waitFor(isPageview, 2)
    // same path, new query: the same page
    await page.evaluate(() => history.pushState({}, '', '/app/two?tab=2'))
    await page.evaluate(() => history.back())
    await page.waitForFunction(() => location.search === '')
    await page.evaluate(() => history.back())
    await page.waitForFunction(() => location.pathname === '/app/one')
    await fx.waitFor(isPageview, 3)
    await page.evaluate(() => history.forward())
    await fx.waitFor(isPageview, 4)
    await settle()
    expect(pageviews()).toEqual(['/app/one', '/app/two', '/app/one', '/app/two'])
  })

  it('closes the previous page with an engagement event before each SPA pageview', async () => {
    await page.goto(`${fx.url()}/app/first`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => history.pushState({}, '', '/app/second'))
    await fx.waitFor(isPageview, 2)
    const names = fx.events.map((e) => `${e.n} ${e.u.replace(fx.url(), '')}`)
    expect(names).toEqual(['pageview /app/first', 'engagement /app/first', 'pageview /app/second'])
  })

  it('counts fragment changes as pages in hash mode only', async () => {
    await page.goto(`${fx.url()}/hash#/a`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => {
      location.hash = '#/b'
    })
    await fx.waitFor(isPageview, 2)
    expect(fx.events.filter(isPageview).map((e) => [e.u.replace(fx.url(), ''), e.h])).toEqual([
      ['/hash#/a', true],
      ['/hash#/b', true],
    ])

    fx.events.length = 0
    await page.goto(`${fx.url()}/nohash#/a`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => {
      location.hash = '#/b'
    })
    await settle()
    expect(pageviews()).toEqual(['/nohash#/a'])
  })

  it('sends a new pageview when the page is restored from the back/forward cache', async () => {
    await page.goto(`${fx.url()}/bf/a`)
    await fx.waitFor(isPageview)
    await page.click('#next')
    await page.waitForURL('**/bf/b')
    await fx.waitFor(isPageview, 2)
    await page.goBack({ waitUntil: 'commit' })
    await page.waitForFunction(() => (window as unknown as { restored?: boolean }).restored === true)
    await fx.waitFor(isPageview, 3)
    expect(pageviews()).toEqual(['/bf/a', '/bf/b', '/bf/a'])
  })

  it('waits for a hidden page to become visible before counting it', async () => {
    await page.goto(`${fx.url()}/hidden`)
    await page.waitForFunction(() => 'crumbless' in window)
    await settle()
    expect(pageviews()).toEqual([])
    await page.evaluate(() => (window as unknown as { show: () => void }).show())
    await fx.waitFor(isPageview)
    expect(pageviews()).toEqual(['/hidden'])
  })
})
