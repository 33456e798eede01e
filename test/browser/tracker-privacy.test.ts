import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { html, type Received, startTrackerFixture, type TrackerFixture } from '../support/tracker-fixture.ts'

let browser: Browser
let fx: TrackerFixture
let context: BrowserContext
let page: Page
let pageErrors: Error[]

const isPageview = (e: Received) => e.n === 'pageview'
const named = (n: string) => (e: Received) => e.n === n
const settle = () => new Promise((r) => setTimeout(r, 500))
const crumbless = (name: string, o?: object) =>
  page.evaluate(
    ([n, opts]) =>
      (window as unknown as { crumbless: (n: string, o?: object) => void }).crumbless(
        n as string,
        opts as object,
      ),
    [name, o] as const,
  )

/**
 * Counts every use of cookies, Web Storage and IndexedDB, installed before any page script runs.
 * Page code in these fixtures touches none of them, so any count is the tracker's.
 */
const INSTRUMENT = () => {
  const w = window as unknown as { __storage: string[] }
  w.__storage = []
  const note = (what: string) => w.__storage.push(what)
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!
  Object.defineProperty(Document.prototype, 'cookie', {
    get() {
      note('cookie get')
      return cookie.get!.call(this)
    },
    set(v) {
      note('cookie set')
      cookie.set!.call(this, v)
    },
  })
  for (const m of ['getItem', 'setItem', 'removeItem', 'clear', 'key'] as const) {
    const orig = Storage.prototype[m] as (...a: unknown[]) => unknown
    Storage.prototype[m] = function (this: Storage, ...a: unknown[]) {
      note(`Storage.${m}`)
      return orig.apply(this, a)
    } as never
  }
  for (const name of ['localStorage', 'sessionStorage', 'indexedDB', 'caches'] as const) {
    const d = Object.getOwnPropertyDescriptor(window, name)
    if (d?.get) {
      Object.defineProperty(window, name, {
        get() {
          note(name)
          return d.get!.call(window)
        },
      })
    }
  }
}

beforeAll(async () => {
  ;[browser, fx] = await Promise.all([launchBrowser(), startTrackerFixture()])
  fx.page(
    '/plain',
    html({ style: 'body{height:3000px}', body: '<a id="out" href="https://other.test/x">x</a>' }),
  )
  fx.page('/local', html({ local: true }))
  fx.page('/no-automation', html({ automation: false }))
})

afterAll(async () => {
  await browser?.close()
  await fx?.close()
})

beforeEach(async () => {
  await context?.close()
  context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
  page = await context.newPage()
  pageErrors = []
  page.on('pageerror', (e) => pageErrors.push(e))
  fx.events.length = 0
})

describe('pages that are not tracked', () => {
  it('skips localhost unless data-local, and still runs callbacks', async () => {
    await page.goto(`${fx.url('127.0.0.1')}/plain`)
    await page.waitForFunction(() => 'crumbless' in window)
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          (window as unknown as { crumbless: (n: string, o?: object) => void }).crumbless('Signup', {
            callback: resolve,
          }),
        ),
    )
    await settle()
    expect(fx.events).toEqual([])

    await page.goto(`${fx.url('127.0.0.1')}/local`)
    const [pv] = await fx.waitFor(isPageview)
    expect(pv!.u).toBe(`${fx.url('127.0.0.1')}/local`)
  })

  it('skips browsers under automation (navigator.webdriver) unless data-automation', async () => {
    expect(await page.evaluate(() => navigator.webdriver)).toBe(true)
    await page.goto(`${fx.url()}/no-automation`)
    await page.waitForFunction(() => 'crumbless' in window)
    await crumbless('Signup')
    await settle()
    expect(fx.events).toEqual([])

    await page.goto(`${fx.url()}/plain`)
    await fx.waitFor(isPageview)
  })
})

describe('privacy and safety', () => {
  it('never uses cookies, Web Storage or IndexedDB', async () => {
    await page.addInitScript(INSTRUMENT)
    await page.goto(`${fx.url()}/plain`)
    await fx.waitFor(isPageview)
    await page.mouse.click(100, 100)
    await page.evaluate(() => scrollTo(0, 1000))
    await crumbless('Signup', { props: { plan: 'pro' } })
    await page.evaluate(() => history.pushState({}, '', '/plain/next'))
    await fx.waitFor(isPageview, 2)
    await page.evaluate(() => history.back())
    await fx.waitFor(isPageview, 3)
    expect(fx.events.map((e) => e.n)).toContain('Signup')
    expect(await page.evaluate(() => (window as unknown as { __storage: string[] }).__storage)).toEqual([])
    expect(await context.cookies()).toEqual([])
    expect(fx.cookieHeaders).toEqual([])
    expect(pageErrors).toEqual([])
  })

  it('posts with fetch keepalive, and falls back to sendBeacon when fetch fails', async () => {
    await page.addInitScript(() => {
      const w = window as unknown as { calls: string[]; failFetch?: boolean }
      w.calls = []
      const realFetch = window.fetch
      window.fetch = (input, init) => {
        w.calls.push(`fetch keepalive=${init?.keepalive} ${typeof init?.body}`)
        return w.failFetch ? Promise.reject(new TypeError('Failed to fetch')) : realFetch(input, init)
      }
      const realBeacon = navigator.sendBeacon.bind(navigator)
      navigator.sendBeacon = (url, data) => {
        w.calls.push('beacon')
        return realBeacon(url, data)
      }
    })
    await page.goto(`${fx.url()}/plain`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => {
      ;(window as unknown as { failFetch: boolean }).failFetch = true
    })
    await crumbless('Via beacon')
    const [viaBeacon] = await fx.waitFor(named('Via beacon'))
    expect(viaBeacon!.contentType).toMatch(/^text\/plain/)
    expect(await page.evaluate(() => (window as unknown as { calls: string[] }).calls)).toEqual([
      'fetch keepalive=true string',
      'fetch keepalive=true string',
      'beacon',
    ])
    expect(pageErrors).toEqual([])
  })

  it('never throws into the page, even when its own machinery breaks', async () => {
    await page.addInitScript(() => {
      // Everything the tracker sends with fails synchronously.
      window.fetch = () => {
        throw new Error('fetch is broken')
      }
      navigator.sendBeacon = () => {
        throw new Error('sendBeacon is broken')
      }
    })
    await page.goto(`${fx.url()}/plain`)
    await page.waitForFunction(() => 'crumbless' in window)
    await page.mouse.click(100, 100)
    await page.evaluate(() => scrollTo(0, 800))
    // a props getter that throws, and a callback that throws
    await page.evaluate(() => {
      const w = window as unknown as { crumbless: (n: string, o?: object) => void }
      w.crumbless('Bad props', {
        props: {
          get boom() {
            throw new Error('getter')
          },
        },
      })
      w.crumbless('Bad callback', {
        callback: () => {
          throw new Error('callback')
        },
      })
    })
    // SPA navigation still works for the app, though the tracker fails inside pushState
    await page.evaluate(() => history.pushState({}, '', '/plain/next'))
    expect(new URL(page.url()).pathname).toBe('/plain/next')
    await page.click('#out', { modifiers: ['Control'] })
    await page.goto(`${fx.url()}/plain`)
    await settle()
    expect(pageErrors).toEqual([])
    expect(fx.events).toEqual([])
  })
})
