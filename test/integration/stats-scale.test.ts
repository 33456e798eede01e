import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFilters } from '../../server/stats/filters.ts'
import type { Metric } from '../../server/stats/metrics.ts'
import { propertyDef } from '../../server/stats/properties.ts'
import { aggregate, breakdown, timeseries } from '../../server/stats/reports.ts'
import { sessioniseClosedDays } from '../../server/stats/sessions.ts'
import { newSite } from '../../server/store/sites.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

/**
 * A synthetic month of 120k events, shaped like ingested rows (6 events per visitor id, a third
 * of them with a second visit after an hour, engagement rows, a custom event, UTM-tagged
 * sources), checks that stored visits give exactly the numbers the live computation gives, and
 * prints each overview query's latency for both (printed only: timings are never asserted).
 */
const N = 120_000
const SITE = 'scale.example'
let t: TestServer

const seed = `INSERT INTO events SELECT
  {site:String} AS site_id,
  toDateTime64('2026-10-20 00:00:00', 3, 'UTC') + toIntervalSecond((intDiv(number, 6) % 30) * 86400
    + cityHash64(intDiv(number, 6)) % 80000 + (number % 6) * 90 + if(number % 6 >= 4 AND intDiv(number, 6) % 3 = 0, 3600, 0)) AS ts,
  cityHash64(intDiv(number, 6), 'v') AS visitor,
  multiIf(number % 6 = 5, 'engagement', number % 6 = 4 AND intDiv(number, 6) % 10 = 0, 'Signup', 'pageview') AS name,
  {site:String} AS hostname,
  concat('/p/', toString(cityHash64(number) % 40)) AS path,
  ['', 'google.com', 't.co', 'bing.com', ''][intDiv(number, 6) % 5 + 1] AS referrer,
  ['', 'Google', 'Twitter', 'Bing', 'Newsletter'][intDiv(number, 6) % 5 + 1] AS source,
  if(intDiv(number, 6) % 5 = 4, 'newsletter', '') AS utm_source, '' AS utm_medium,
  if(intDiv(number, 6) % 5 = 4, 'fall', '') AS utm_campaign, '' AS utm_term, '' AS utm_content,
  ['NL', 'US', 'DE', 'FR', 'BE', 'GB', 'JP'][intDiv(number, 6) % 7 + 1] AS country,
  ['desktop', 'mobile', 'tablet'][intDiv(number, 6) % 3 + 1] AS device,
  ['Firefox', 'Chrome', 'Safari', 'Edge'][intDiv(number, 6) % 4 + 1] AS browser, '140' AS browser_version,
  ['Linux', 'Windows', 'macOS', 'iOS', 'Android'][intDiv(number, 6) % 5 + 1] AS os, '' AS os_version,
  1280 AS width, if(number % 6 = 5, 0, 1) AS interactive, if(number % 6 = 5, 20000, 0) AS engaged_ms,
  if(number % 6 = 5, toUInt8(number % 101), 0) AS scroll_depth,
  if(number % 6 = 4 AND intDiv(number, 6) % 10 = 0, map('plan', 'pro'), map()) AS props,
  762 AS retention_days
FROM numbers({n:UInt64})`

beforeAll(async () => {
  // No background sessionising: the server's start-up run could store these days before the live
  // pass (or take the days the explicit run below should store), depending on timing.
  t = await startTestServer({ env: { SESSIONISE: 'off' } })
  await t.ch.command(seed, { site: SITE, n: N })
})
afterAll(() => t.close())

const site = newSite(SITE, { timezone: 'Europe/Amsterdam' })
const range = { first: '2026-10-21', last: '2026-11-18' }
const ALL: Metric[] = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
  'scroll_depth',
  'time_on_page',
]
const PROPS = [
  'event:page',
  'event:name',
  'visit:entry_page',
  'visit:exit_page',
  'visit:source',
  'visit:utm_source',
  'visit:country',
  'visit:device',
  'visit:browser',
  'visit:os',
]

async function overview(filters: string, label: string): Promise<unknown[]> {
  const q = { site, range, filters: parseFilters(filters), metrics: ALL }
  const out: unknown[] = []
  const timed = async (name: string, fn: () => Promise<unknown>) => {
    const start = performance.now()
    out.push(await fn())
    console.log(`[${label}] ${name.padEnd(28)} ${(performance.now() - start).toFixed(0).padStart(6)} ms`)
  }
  await timed('aggregate + compare', () => aggregate(t.ch, q, true))
  await timed('timeseries by date', () => timeseries(t.ch, q, 'date'))
  for (const p of PROPS)
    await timed(`breakdown ${p}`, () => breakdown(t.ch, q, propertyDef(p, 'property'), 10, 1))
  return out
}

const FILTERS = ['', 'event:page==/p/1*;visit:country==NL|DE', 'visit:source==Google', 'event:name==Signup']

// The live numbers are computed once and each step below must reproduce them; split across tests
// so a slow, shared CI machine does not hit one test's time limit.
describe(`${N.toLocaleString('en-US')} synthetic events`, () => {
  const live: unknown[][] = []
  beforeAll(async () => {
    for (const f of FILTERS) live.push(await overview(f, `live ${f}`))
  })

  it('the live computation counts visits and visitors', () => {
    expect(live).toHaveLength(FILTERS.length)
    const agg = live[0]?.[0] as Record<string, { value: number }>
    expect(agg.visitors?.value).toBeGreaterThan(15_000)
    expect(agg.visits?.value).toBeGreaterThan(agg.visitors?.value ?? 0)
  })

  it('sessionises every closed day', async () => {
    const days = await sessioniseClosedDays(t.ch, Date.parse('2026-12-01T00:00:00Z'))
    expect(days).toHaveLength(30)
  })

  it.each(FILTERS.map((f, i) => [f || '(none)', i] as const))(
    'stored visits give the same numbers as the live computation, filter %s',
    async (_, i) => {
      const f = FILTERS[i] ?? ''
      expect(await overview(f, `stored ${f}`)).toEqual(live[i])
    },
  )
})
