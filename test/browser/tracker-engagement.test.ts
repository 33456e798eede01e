import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { html, type Received, startTrackerFixture, type TrackerFixture } from '../support/tracker-fixture.ts'

let browser: Browser
let fx: TrackerFixture
let context: BrowserContext
let page: Page

const isPageview = (e: Received) => e.n === 'pageview'
const isEngagement = (e: Received) => e.n === 'engagement'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Test-only visibility switch. Headless Chromium keeps every tab visible, so the page's own
 * `document.hidden` is overridden and `visibilitychange` dispatched as a real tab switch would.
 */
const VISIBILITY = `let hidden = false
Object.defineProperty(document, 'hidden', { get: () => hidden })
Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') })
window.setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')) }
let focused = true
document.hasFocus = () => focused
window.setFocused = (f) => { focused = f; window.dispatchEvent(new FocusEvent(f ? 'focus' : 'blur')) }`
const setFocused = (f: boolean) =>
  page.evaluate((v) => (window as unknown as { setFocused: (f: boolean) => void }).setFocused(v), f)
const setHidden = (h: boolean) =>
  page.evaluate((v) => (window as unknown as { setHidden: (h: boolean) => void }).setHidden(v), h)

// No scrollbars: the document is exactly as wide as the viewport, so cells are easy to predict.
const NO_SCROLLBAR = 'html{scrollbar-width:none}'

beforeAll(async () => {
  ;[browser, fx] = await Promise.all([launchBrowser(), startTrackerFixture()])
  fx.page('/tall', html({ before: VISIBILITY, style: `${NO_SCROLLBAR} body{height:5000px}` }))
  fx.page(
    '/grows',
    html({
      style: `${NO_SCROLLBAR} #box{height:2000px}`,
      body: '<div id="box"></div>',
    }),
  )
  fx.page(
    '/clicks',
    html({
      before: VISIBILITY,
      style: `${NO_SCROLLBAR} body{height:3000px}`,
      body: '<button id="b">b</button>',
    }),
  )
  fx.page('/away', '<!doctype html><title>away</title>elsewhere')
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

/** Loads `path` and resolves when its pageview has arrived, with the local time it did. */
async function open(path: string): Promise<number> {
  await page.goto(`${fx.url()}${path}`)
  await fx.waitFor(isPageview)
  return Date.now()
}

describe('engaged time', () => {
  it('reports the time the page was visible and focused when it is left', async () => {
    const start = await open('/tall')
    await sleep(2000)
    const left = Date.now()
    await page.goto(`${fx.url()}/away`)
    const [eng] = await fx.waitFor(isEngagement)
    expect(eng!.u).toBe(`${fx.url()}/tall`)
    // the page became visible a little before its pageview arrived, and was left a little after `left`
    expect(eng!.e).toBeGreaterThanOrEqual(left - start - 300)
    expect(eng!.e).toBeLessThanOrEqual(left - start + 1000)
  })

  it('does not count time while the page is hidden, and reports on hide', async () => {
    const start = await open('/tall')
    await sleep(1200)
    const hiddenAt = Date.now()
    await setHidden(true)
    const [first] = await fx.waitFor(isEngagement)
    expect(first!.e).toBeGreaterThanOrEqual(hiddenAt - start - 300)
    expect(first!.e).toBeLessThanOrEqual(hiddenAt - start + 1000)

    await sleep(2000)
    const shownAt = Date.now()
    await setHidden(false)
    await sleep(1200)
    const left = Date.now()
    await page.goto(`${fx.url()}/away`)
    const [, second] = await fx.waitFor(isEngagement, 2)
    // 2 s hidden are not in it
    expect(second!.e).toBeGreaterThanOrEqual(left - shownAt - 300)
    expect(second!.e).toBeLessThanOrEqual(left - shownAt + 1000)
  })

  it('does not count time while the window has lost focus', async () => {
    const start = await open('/tall')
    await sleep(1000)
    const blurredAt = Date.now()
    await setFocused(false)
    await sleep(2000)
    const focusedAt = Date.now()
    await setFocused(true)
    await sleep(1000)
    const left = Date.now()
    await page.goto(`${fx.url()}/away`)
    const [eng] = await fx.waitFor(isEngagement)
    const visibleAndFocused = blurredAt - start + (left - focusedAt)
    expect(eng!.e).toBeGreaterThanOrEqual(visibleAndFocused - 300)
    // the 2 s without focus would push it well past this
    expect(eng!.e).toBeLessThanOrEqual(visibleAndFocused + 1000)
  })

  it('sends nothing when there is nothing new since the last engagement event', async () => {
    await open('/tall')
    await setHidden(true)
    await fx.waitFor(isEngagement)
    await setHidden(false)
    await setHidden(true)
    await sleep(400)
    expect(fx.events.filter(isEngagement)).toHaveLength(1)
  })
})

describe('scroll depth', () => {
  it('reports the deepest scroll as % of document height', async () => {
    await open('/tall')
    await page.evaluate(() => scrollTo(0, 2000))
    await page.evaluate(() => new Promise(requestAnimationFrame))
    await page.evaluate(() => scrollTo(0, 500))
    await page.evaluate(() => new Promise(requestAnimationFrame))
    await setHidden(true)
    const [eng] = await fx.waitFor(isEngagement)
    // (2000 + 700) / 5000
    expect(eng!.sd).toBe(54)
  })

  it('re-measures the document as it grows', async () => {
    await open('/grows')
    await page.evaluate(() => scrollTo(0, 600))
    await page.evaluate(() => new Promise(requestAnimationFrame))
    await page.evaluate(() => {
      document.getElementById('box')!.style.height = '4000px'
    })
    await page.evaluate(() => scrollTo(0, 2300))
    await page.evaluate(() => new Promise(requestAnimationFrame))
    await page.goto(`${fx.url()}/away`)
    const [eng] = await fx.waitFor(isEngagement)
    // (2300 + 700) / 4000; a height measured once at load (2000) would give 100
    expect(eng!.sd).toBe(75)
  })
})

describe('clicks', () => {
  it('sends clicks as rounded cells with the engagement event', async () => {
    await open('/clicks')
    await page.mouse.click(250, 105)
    await page.evaluate(() => scrollTo(0, 500))
    await page.evaluate(() => new Promise(requestAnimationFrame))
    await page.mouse.click(995, 208)
    await setHidden(true)
    const [eng] = await fx.waitFor(isEngagement)
    // x: 250 / 1000 -> 25 %, y: 105 -> 100; x: 995 / 1000 -> 99 %, y: 500 + 208 -> 700
    expect(eng!.c).toEqual([
      [25, 100, 0],
      [99, 700, 0],
    ])
  })

  it('flags the third click within 1 s and 30 px as a rage click', async () => {
    await open('/clicks')
    await page.mouse.click(500, 300)
    await page.mouse.click(505, 310)
    await page.mouse.click(510, 305)
    await page.mouse.click(800, 300)
    await setHidden(true)
    const [eng] = await fx.waitFor(isEngagement)
    expect(eng!.c).toEqual([
      [50, 300, 0],
      [50, 310, 0],
      [51, 300, 1],
      [80, 300, 0],
    ])
  })

  it('does not flag clicks spread over more than 1 s', async () => {
    await open('/clicks')
    await page.mouse.click(500, 300)
    await page.mouse.click(500, 300)
    await sleep(1100)
    await page.mouse.click(500, 300)
    await setHidden(true)
    const [eng] = await fx.waitFor(isEngagement)
    expect(eng!.c).toEqual([
      [50, 300, 0],
      [50, 300, 0],
      [50, 300, 0],
    ])
  })

  it('sends at most 100 cells per event, early rather than dropping any', async () => {
    await open('/clicks')
    for (let i = 0; i < 120; i++) await page.mouse.click(40 * (i % 20) + 20, 40 * Math.floor(i / 20) + 20)
    const [full] = await fx.waitFor(isEngagement)
    expect(full!.c).toHaveLength(100)
    await setHidden(true)
    const [, rest] = await fx.waitFor(isEngagement, 2)
    expect(rest!.c).toHaveLength(20)
    expect([...full!.c!, ...rest!.c!].every(([, , flags]) => flags === 0)).toBe(true)
  })

  it('ignores clicks without a position (keyboard)', async () => {
    await open('/clicks')
    await page.focus('#b')
    await page.keyboard.press('Enter')
    await page.mouse.click(100, 100)
    await setHidden(true)
    const [eng] = await fx.waitFor(isEngagement)
    expect(eng!.c).toEqual([[10, 100, 0]])
  })
})
