import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IPHONE_UA, pageview, post } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let t: TestServer
const SITE = 'shop.example'

async function rows<T = Record<string, unknown>>(
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  await t.flush()
  return t.ch.query<T>(sql, { site: SITE, ...params })
}
const eventCount = async () =>
  (await rows<{ n: number }>('SELECT count() n FROM events WHERE site_id = {site:String}'))[0]?.n ?? -1

beforeAll(async () => {
  t = await startTestServer()
  await t.addSite(SITE, { timezone: 'Europe/Amsterdam' })
  await t.addSite('locked.example', { allowedHostnames: ['locked.example', '*.locked.example'] })
})
afterAll(() => t.close())

describe('POST /api/event stores anonymous rows', () => {
  it('stores a pageview with path, source, utm, country, device and a visitor id', async () => {
    const res = await post(
      t.url,
      pageview(SITE, '/pricing?utm_source=newsletter&utm_campaign=fall&secret=1#top', {
        r: 'https://www.google.com/search?q=crumbless',
      }),
      { ip: '185.107.56.1', ua: IPHONE_UA, contentType: 'application/json' },
    )
    expect(res.status).toBe(202)
    expect(res.headers.get('x-crumbless-dropped')).toBeNull()
    const [row] = await rows<Record<string, string | number>>(
      `SELECT path, referrer, source, utm_source, utm_campaign, country, device, browser, os, toString(visitor) v,
              hostname, name FROM events WHERE site_id = {site:String} AND path = '/pricing'`,
    )
    expect(row).toMatchObject({
      path: '/pricing',
      referrer: 'google.com',
      source: 'Newsletter',
      utm_source: 'newsletter',
      utm_campaign: 'fall',
      device: 'mobile',
      browser: 'Safari',
      os: 'iOS',
      hostname: SITE,
      name: 'pageview',
    })
    expect(row?.country).toBe('NL')
    expect(String(row?.v)).toMatch(/^\d+$/)
  })

  it('stores engagement time, scroll depth and summed click cells', async () => {
    const engagement = { n: 'engagement', u: `https://${SITE}/long`, d: SITE, e: 4200, sd: 73, w: 390 }
    const clicks = [
      [10, 120, 0],
      [10, 120, 0],
      [55, 3000, 1],
    ]
    expect((await post(t.url, { ...engagement, c: clicks })).status).toBe(202)
    const [e] = await rows(
      'SELECT engaged_ms, scroll_depth, interactive FROM events WHERE path = {p:String}',
      {
        p: '/long',
      },
    )
    expect(e).toEqual({ engaged_ms: 4200, scroll_depth: 73, interactive: 0 })
    const cells = await rows(
      `SELECT width_bucket, x, y, rage, sum(clicks) clicks FROM clicks WHERE site_id = {site:String} AND path = '/long'
       GROUP BY width_bucket, x, y, rage ORDER BY x`,
    )
    expect(cells).toEqual([
      { width_bucket: 'mobile', x: 10, y: 120, rage: 0, clicks: 2 },
      { width_bucket: 'mobile', x: 55, y: 3000, rage: 1, clicks: 1 },
    ])
  })

  it('stores custom events with props and the interactive flag, from an array body', async () => {
    const res = await post(t.url, [
      { n: 'Signup', u: `https://${SITE}/join`, d: SITE, p: { plan: 'pro', seats: 3, trial: true } },
      { n: 'Video: Play', u: `https://${SITE}/join`, d: SITE, i: false },
    ])
    expect(res.status).toBe(202)
    const got = await rows(
      `SELECT name, interactive, props FROM events WHERE site_id = {site:String} AND path = '/join' ORDER BY name`,
    )
    expect(got).toEqual([
      { name: 'Signup', interactive: 1, props: { plan: 'pro', seats: '3', trial: 'true' } },
      { name: 'Video: Play', interactive: 0, props: {} },
    ])
  })

  it('names the source from the referrer when the link is not tagged', async () => {
    await post(t.url, pageview(SITE, '/from-ddg', { r: 'https://duckduckgo.com/' }))
    const [row] = await rows('SELECT referrer, source FROM events WHERE path = {p:String}', {
      p: '/from-ddg',
    })
    expect(row).toEqual({ referrer: 'duckduckgo.com', source: 'DuckDuckGo' })
  })

  it('gives the same visitor id to the same IP and user agent, another to another IP', async () => {
    await post(t.url, pageview(SITE, '/same-a'), { ip: '198.51.100.1' })
    await post(t.url, pageview(SITE, '/same-b'), { ip: '198.51.100.1' })
    await post(t.url, pageview(SITE, '/same-c'), { ip: '198.51.100.2' })
    const ids = await rows<{ path: string; v: string }>(
      `SELECT path, toString(visitor) v FROM events WHERE path LIKE '/same-%' ORDER BY path`,
    )
    expect(ids[0]?.v).toBe(ids[1]?.v)
    expect(ids[2]?.v).not.toBe(ids[0]?.v)
  })

  it('stores control characters and SQL-looking text verbatim and harmlessly', async () => {
    const nasty = "'; DROP TABLE events; --\u0001\u0007"
    const res = await post(t.url, {
      n: nasty,
      u: `https://${SITE}/x?q=1' OR '1'='1`,
      d: SITE,
      p: { q: nasty },
    })
    expect(res.status).toBe(202)
    const got = await rows('SELECT name, path, props FROM events WHERE name = {n:String}', { n: nasty })
    expect(got).toEqual([{ name: nasty, path: '/x', props: { q: nasty } }])
  })
})

describe('deliberate drops answer 202 with a reason and store nothing', () => {
  const cases: [string, () => Promise<Response>, string][] = [
    ['unknown site', () => post(t.url, pageview('nobody.example')), 'unknown-site'],
    [
      'bot user agent',
      () => post(t.url, pageview(SITE, '/bot'), { ua: 'Googlebot/2.1 (+http://www.google.com/bot.html)' }),
      'bot',
    ],
    [
      'headless browser',
      () =>
        post(t.url, pageview(SITE, '/bot'), {
          ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
        }),
      'bot',
    ],
    ['Sec-GPC: 1', () => post(t.url, pageview(SITE, '/gpc'), { headers: { 'sec-gpc': '1' } }), 'gpc'],
    [
      'hostname not allowed',
      () => post(t.url, { n: 'pageview', u: 'https://evil.example/', d: 'locked.example' }),
      'hostname',
    ],
    ['referrer spam', () => post(t.url, pageview(SITE, '/spam', { r: 'http://semalt.com/' })), 'spam'],
  ]
  for (const [name, send, reason] of cases) {
    it(name, async () => {
      const before = await eventCount()
      const res = await send()
      expect(res.status).toBe(202)
      expect(res.headers.get('x-crumbless-dropped')).toBe(reason)
      expect(await eventCount()).toBe(before)
    })
  }

  it('accepts allowed subdomains of a locked site', async () => {
    const res = await post(t.url, { n: 'pageview', u: 'https://blog.locked.example/', d: 'locked.example' })
    expect(res.headers.get('x-crumbless-dropped')).toBeNull()
  })
})

describe('bad input gets a clear 4xx and writes nothing', () => {
  const big = 'x'.repeat(1990)
  const props31 = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v']))
  const cases: [string, unknown, number, RegExp][] = [
    ['invalid JSON', '{"n":"pageview",', 400, /json/i],
    ['wrong types', { n: 5, u: `https://${SITE}/`, d: SITE }, 400, /"n"/],
    ['missing u', { n: 'pageview', d: SITE }, 400, /"u"/],
    ['missing d', { n: 'pageview', u: `https://${SITE}/` }, 400, /"d"/],
    ['non-http URL', { n: 'pageview', u: 'javascript:alert(1)', d: SITE }, 400, /"u"/],
    ['2,001-char URL', { n: 'pageview', u: `https://${SITE}/${big}`.padEnd(2001, 'y'), d: SITE }, 400, /"u"/],
    ['31 props', { n: 'x', u: `https://${SITE}/`, d: SITE, p: props31 }, 400, /"p"/],
    ['nested props', { n: 'x', u: `https://${SITE}/`, d: SITE, p: { a: { b: 1 } } }, 400, /"p"/],
    ['51-element array', Array.from({ length: 51 }, () => pageview(SITE)), 400, /50/],
    ['empty array', [], 400, /./],
    [
      'negative click cell',
      { n: 'engagement', u: `https://${SITE}/`, d: SITE, c: [[-1, 10, 0]] },
      400,
      /"c"/,
    ],
    ['oversized click x', { n: 'engagement', u: `https://${SITE}/`, d: SITE, c: [[100, 10, 0]] }, 400, /"c"/],
    [
      'click y not a multiple of 10',
      { n: 'engagement', u: `https://${SITE}/`, d: SITE, c: [[5, 15, 0]] },
      400,
      /"c"/,
    ],
    [
      '101 click cells',
      { n: 'engagement', u: `https://${SITE}/`, d: SITE, c: Array.from({ length: 101 }, () => [1, 10, 0]) },
      400,
      /"c"/,
    ],
  ]
  for (const [name, body, status, message] of cases) {
    it(`${name} -> ${status}`, async () => {
      const before = await eventCount()
      const res = await post(t.url, body)
      expect(res.status).toBe(status)
      const json = (await res.json()) as { error: string }
      expect(json.error).toMatch(message)
      expect(await eventCount()).toBe(before)
    })
  }

  it('17 KB body -> 413', async () => {
    const before = await eventCount()
    const res = await post(t.url, {
      ...pageview(SITE),
      p: { pad: 'x'.repeat(1900) },
      pad: 'y'.repeat(17 * 1024),
    })
    expect(res.status).toBe(413)
    expect(await eventCount()).toBe(before)
  })
})

describe('body size without a Content-Length', () => {
  it('counts a chunked body as it streams and answers 413 past 16 KB', async () => {
    const before = await eventCount()
    const chunk = new TextEncoder().encode(`${JSON.stringify(pageview(SITE)).slice(0, -1)},"pad":"`)
    const pad = new TextEncoder().encode('x'.repeat(1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        if (sent === 0) ctrl.enqueue(chunk)
        else if (sent < 20) ctrl.enqueue(pad)
        else {
          ctrl.enqueue(new TextEncoder().encode('"}'))
          ctrl.close()
        }
        sent += 1
      },
    })
    const res = await fetch(`${t.url}/api/event`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': IPHONE_UA },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(await eventCount()).toBe(before)
  })
})

describe('HTTP surface', () => {
  it('answers the CORS preflight and sets CORS on the response', async () => {
    const pre = await fetch(`${t.url}/api/event`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    })
    expect(pre.status).toBeLessThan(300)
    expect(pre.headers.get('access-control-allow-origin')).toBe('*')
    const res = await post(t.url, pageview(SITE, '/cors'), { headers: { origin: 'https://shop.example' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('reports health and Prometheus metrics', async () => {
    const health = await fetch(`${t.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true, engine: true })
    const text = await (await fetch(`${t.url}/metrics`)).text()
    expect(text).toMatch(/^crumbless_events_accepted_total [1-9]\d*$/m)
    expect(text).toMatch(/^crumbless_events_dropped_total\{reason="bot"\} [1-9]/m)
    expect(text).toMatch(/^crumbless_rows_inserted_total\{table="events"\} [1-9]/m)
    expect(text).toMatch(/^crumbless_buffer_rows \d+$/m)
    expect(text).toMatch(/^crumbless_batch_latency_ms_count [1-9]/m)
  })
})
