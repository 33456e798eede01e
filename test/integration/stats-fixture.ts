/**
 * A known event log for the Stats API tests, written through the real ingest endpoint with an
 * injected clock, and an API client that uses a real API key. Expectations in the tests are
 * computed by hand from the log below.
 *
 * Site `stats.example` (Europe/Amsterdam, UTC+1 in November). Visitors are (IP, UA) pairs:
 * A NL Firefox, B BE iPhone, C US Firefox, D FR Firefox, E DE Firefox, F NL(2) Firefox, G NL(3).
 *
 * Local 2026-11-16: E 10:00Z `/` (bounce, 0 s); F 11:00Z `/blog/post-1`, 11:05Z `/` (300 s).
 * Local 2026-11-17 (UTC 11-16 23:00 .. 11-17 23:00):
 *   A 09:00Z `/` from google, 09:01Z `/blog/post-1`, 09:02Z engagement post-1 (60 s, 80 %, 7 clicks)
 *     -> visit 1 (120 s, 2 pv); 09:40Z `/pricing` (38 min gap: visit 2), 09:40:30Z engagement
 *     (30 s, 40 %) -> visit 2 bounces (30 s);
 *   B 12:00Z `/blog/post-2?utm_source=newsletter&utm_campaign=fall`, 12:00:20Z Signup {plan: pro},
 *     12:01Z engagement (20 s, 100 %) -> 60 s, not a bounce (interactive custom event);
 *   C 22:30Z `/` (23:30 local), 22:35Z Outbound i:false -> 300 s, a bounce (non-interactive).
 * Local 2026-11-18: D 11-17 23:30Z `/about` (00:30 local: the next local day), 23:50Z `/about/team`
 *   (one visit, 20 min); 11-18 00:10Z `/about` (UTC midnight: new visitor id, new visit, bounce).
 * Local 2026-11-19: G 10:00Z `/café/日本` and `/search?q=1` stripped to `/search`.
 */
import { expect } from 'vitest'
import { FIREFOX_UA, IPHONE_UA, post } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { setupAdmin } from './auth-support.ts'

export const SITE = 'stats.example'
export const K_SITE = 'k.example'

export interface Fixture {
  t: TestServer
  clock: { now: number }
  key: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  api(path: string, params?: Record<string, string>, key?: string): Promise<{ status: number; body: any }>
}

const IPS = {
  A: '185.107.56.1',
  B: '81.246.0.1',
  C: '8.8.8.8',
  D: '62.4.0.1',
  E: '80.156.0.1',
  F: '185.107.56.2',
  G: '185.107.56.3',
} as const

type Who = keyof typeof IPS

/** Posts one event as visitor `who` at instant `at` (ISO, UTC) and checks it was accepted. */
export async function send(
  f: Pick<Fixture, 't' | 'clock'>,
  who: Who,
  at: string,
  body: Record<string, unknown>,
) {
  f.clock.now = Date.parse(at)
  const mobile = who === 'B'
  const res = await post(
    f.t.url,
    { w: mobile ? 390 : 1280, ...body },
    { ip: IPS[who], ua: mobile ? IPHONE_UA : FIREFOX_UA },
  )
  expect(res.status).toBe(202)
  expect(res.headers.get('x-crumbless-dropped')).toBeNull()
}

const pv = (path: string, over: Record<string, unknown> = {}) => ({
  n: 'pageview',
  u: `https://${SITE}${path}`,
  d: SITE,
  r: null,
  ...over,
})
const ev = (name: string, path: string, over: Record<string, unknown> = {}) => ({
  n: name,
  u: `https://${SITE}${path}`,
  d: SITE,
  ...over,
})

export async function writeLog(f: Pick<Fixture, 't' | 'clock'>): Promise<void> {
  await send(f, 'E', '2026-11-16T10:00:00Z', pv('/'))
  await send(f, 'F', '2026-11-16T11:00:00Z', pv('/blog/post-1'))
  await send(f, 'F', '2026-11-16T11:05:00Z', pv('/'))

  await send(f, 'A', '2026-11-17T09:00:00Z', pv('/', { r: 'https://www.google.com/search?q=crumbless' }))
  await send(f, 'A', '2026-11-17T09:01:00Z', pv('/blog/post-1'))
  const clicks = [
    [10, 100, 0],
    [10, 100, 0],
    [10, 100, 0],
    [50, 200, 1],
    [50, 200, 1],
    [50, 200, 1],
    [70, 300, 0],
  ]
  await send(
    f,
    'A',
    '2026-11-17T09:02:00Z',
    ev('engagement', '/blog/post-1', { e: 60_000, sd: 80, c: clicks }),
  )
  await send(f, 'A', '2026-11-17T09:40:00Z', pv('/pricing'))
  await send(f, 'A', '2026-11-17T09:40:30Z', ev('engagement', '/pricing', { e: 30_000, sd: 40 }))
  await writeKLog(f)
  await send(f, 'B', '2026-11-17T12:00:00Z', pv('/blog/post-2?utm_source=newsletter&utm_campaign=fall'))
  await send(f, 'B', '2026-11-17T12:00:20Z', ev('Signup', '/blog/post-2', { p: { plan: 'pro' } }))
  await send(f, 'B', '2026-11-17T12:01:00Z', ev('engagement', '/blog/post-2', { e: 20_000, sd: 100 }))
  await send(f, 'C', '2026-11-17T22:30:00Z', pv('/'))
  await send(
    f,
    'C',
    '2026-11-17T22:35:00Z',
    ev('Outbound', '/', { i: false, p: { url: 'https://elsewhere.example' } }),
  )

  await send(f, 'D', '2026-11-17T23:30:00Z', pv('/about'))
  await send(f, 'D', '2026-11-17T23:50:00Z', pv('/about/team'))
  await send(f, 'D', '2026-11-18T00:10:00Z', pv('/about'))

  await send(f, 'G', '2026-11-19T10:00:00Z', pv('/café/日本'))
  await send(f, 'G', '2026-11-19T10:01:00Z', pv('/search?q=1'))
}

/**
 * `k.example` (UTC, k_breakdown 2) on 2026-11-17 10:01-10:05Z (written between A and B): `/a` by A, C, D; `/b` by E; `/c` by F.
 */
export async function writeKLog(f: Pick<Fixture, 't' | 'clock'>): Promise<void> {
  const at = (who: Who, path: string, minute: number) =>
    send(f, who, `2026-11-17T10:${String(minute).padStart(2, '0')}:00Z`, {
      n: 'pageview',
      u: `https://${K_SITE}${path}`,
      d: K_SITE,
    })
  await at('A', '/a', 1)
  await at('C', '/a', 2)
  await at('D', '/a', 3)
  await at('E', '/b', 4)
  await at('F', '/c', 5)
}

/** Starts the server, registers the sites, writes the logs, and creates an API key for both sites. */
export async function startFixture(): Promise<Fixture> {
  // Auth tables expire rows by ClickHouse TTL on real time, so the admin and key are made "now".
  const clock = { now: Date.now() }
  const t = await startTestServer({ now: () => clock.now })
  await t.addSite(SITE, { timezone: 'Europe/Amsterdam' })
  await t.addSite(K_SITE, { timezone: 'UTC', kBreakdown: 2 })
  const admin = await setupAdmin(t)
  const created = await admin.post('/api/keys', { name: 'stats tests', sites: [SITE, K_SITE] })
  expect(created.status).toBe(201)
  const key = String(created.body.secret)
  const f = { t, clock }
  await writeLog(f)
  await t.flush()
  clock.now = Date.parse('2026-11-20T12:00:00Z')
  const api: Fixture['api'] = async (path, params = {}, k = key) => {
    const qs = new URLSearchParams({ site_id: SITE, ...params })
    const res = await fetch(`${t.url}${path}?${qs}`, { headers: { authorization: `Bearer ${k}` } })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {}
    return { status: res.status, body }
  }
  return { t, clock, key, api }
}
