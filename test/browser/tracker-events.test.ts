import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import {
  html,
  QUEUE_SNIPPET,
  type Received,
  startTrackerFixture,
  type TrackerFixture,
} from '../support/tracker-fixture.ts'

let browser: Browser
let fx: TrackerFixture
let context: BrowserContext
let page: Page

const isPageview = (e: Received) => e.n === 'pageview'
const named = (n: string) => (e: Received) => e.n === n
const settle = () => new Promise((r) => setTimeout(r, 400))
const flag = (name: string) =>
  page.waitForFunction((n) => (window as unknown as Record<string, unknown>)[n], name)

beforeAll(async () => {
  ;[browser, fx] = await Promise.all([launchBrowser(), startTrackerFixture()])
  const other = fx.url('other.test')
  fx.page(
    '/links',
    html({
      body: `<a id="out" href="${other}/landing?secret=1#x"><span id="inner">out</span></a>
<a id="file" href="/files/report.pdf?token=abc">report</a>
<a id="inside" href="/about">about</a>
<a id="mail" href="mailto:someone@example.test">mail</a>`,
    }),
  )
  fx.page('/landing', '<!doctype html><title>landing</title>landed')
  fx.page('/files/report.pdf', '<!doctype html><title>pdf</title>file')
  fx.page('/about', '<!doctype html><title>about</title>about')
  fx.page('/custom', html({ body: 'custom events' }))
  fx.page(
    '/queued',
    html({
      before: `${QUEUE_SNIPPET}
crumbless('Early', { props: { step: 1 } })
crumbless('Early callback', { callback: () => { window.earlyDone = true } })`,
      body: 'queued',
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

describe('outbound links and downloads', () => {
  it('reports an outbound click with host and path only, and the navigation happens', async () => {
    await page.goto(`${fx.url()}/links`)
    await fx.waitFor(isPageview)
    await page.click('#inner')
    await page.waitForURL(`${fx.url('other.test')}/landing?secret=1#x`)
    const [out] = await fx.waitFor(named('Outbound Link: Click'))
    expect(out!.p).toEqual({ url: `other.test:${new URL(fx.url()).port}/landing` })
    expect(out!.u).toBe(`${fx.url()}/links`)
  })

  it('reports a file download with its path, and the navigation happens', async () => {
    await page.goto(`${fx.url()}/links`)
    await fx.waitFor(isPageview)
    await page.click('#file')
    await page.waitForURL('**/files/report.pdf?token=abc')
    const [file] = await fx.waitFor(named('File Download'))
    expect(file!.p).toEqual({ url: `example.test:${new URL(fx.url()).port}/files/report.pdf` })
  })

  it('reports a middle click on an outbound link', async () => {
    await page.goto(`${fx.url()}/links`)
    await fx.waitFor(isPageview)
    const popup = context.waitForEvent('page')
    await page.click('#out', { button: 'middle' })
    await popup
    await fx.waitFor(named('Outbound Link: Click'))
  })

  it('ignores same-site links and non-http links', async () => {
    await page.goto(`${fx.url()}/links`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => {
      // keep the page: only the tracker's reaction matters here
      for (const id of ['inside', 'mail']) {
        document.getElementById(id)!.addEventListener('click', (e) => e.preventDefault())
        document.getElementById(id)!.click()
      }
    })
    await page.click('#inside')
    await settle()
    expect(fx.events.map((e) => e.n).filter((n) => n !== 'pageview' && n !== 'engagement')).toEqual([])
  })
})

describe('custom events', () => {
  it('sends name, props as strings, interactivity and runs the callback', async () => {
    await page.goto(`${fx.url()}/custom`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => {
      const w = window as unknown as {
        crumbless: (n: string, o?: object) => void
        done?: boolean
      }
      w.crumbless('Signup', {
        props: { plan: 'pro', seats: 3, trial: true, nested: { no: 1 }, missing: undefined },
        callback: () => {
          w.done = true
        },
      })
      w.crumbless('Background sync', { interactive: false })
    })
    await flag('done')
    const [signup] = await fx.waitFor(named('Signup'))
    expect(signup).toMatchObject({ u: `${fx.url()}/custom`, d: 'example.test' })
    expect(signup!.p).toEqual({ plan: 'pro', seats: '3', trial: 'true' })
    expect(signup!.contentType).toMatch(/^text\/plain/)
    const [bg] = await fx.waitFor(named('Background sync'))
    expect(bg!.i).toBe(false)
  })

  it('keeps custom events within the wire limits', async () => {
    await page.goto(`${fx.url()}/custom`)
    await fx.waitFor(isPageview)
    await page.evaluate(() => {
      const props: Record<string, string> = {}
      for (let i = 0; i < 40; i++) props[`k${i}`] = 'v'
      props['x'.repeat(400)] = 'y'.repeat(3000)
      const w = window as unknown as { crumbless: (n: string, o?: object) => void }
      w.crumbless('N'.repeat(200), { props })
      w.crumbless('Huge', {
        props: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'z'.repeat(2000)])),
      })
    })
    const [long] = await fx.waitFor((e) => e.n.startsWith('NNN'))
    expect(long!.n).toHaveLength(120)
    expect(Object.keys(long!.p!)).toHaveLength(30)
    const [huge] = await fx.waitFor(named('Huge'))
    // 30 props x 2,000 chars would exceed the 16 KB body limit: the event goes out without them
    expect(huge!.p).toEqual({})
  })

  it('sends calls queued before the script loaded', async () => {
    await page.goto(`${fx.url()}/queued`)
    const [early] = await fx.waitFor(named('Early'))
    expect(early!.p).toEqual({ step: '1' })
    await flag('earlyDone')
    await fx.waitFor(named('Early callback'))
  })
})
