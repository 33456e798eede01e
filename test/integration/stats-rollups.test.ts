import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Site } from '../../server/collect/types.ts'
import type { Metric } from '../../server/stats/metrics.ts'
import type { Interval } from '../../server/stats/period.ts'
import { propertyDef } from '../../server/stats/properties.ts'
import { aggregate, breakdown, timeseries } from '../../server/stats/reports.ts'
import { resessioniseDays, sessioniseClosedDays } from '../../server/stats/sessions.ts'
import type { Ch } from '../../server/store/client.ts'
import { newSite } from '../../server/store/sites.ts'
import { freshEngine } from '../support/engine.ts'

/**
 * Daily rollups answer whole UTC days: every report they can serve must give exactly what the
 * live computation from events gives, in UTC and in a zone whose days straddle UTC midnight.
 */
const SITE = 'rollups.example'
let ch: Ch

const seed = `INSERT INTO events SELECT
  {site:String} AS site_id,
  toDateTime64('2026-10-20 00:00:00', 3, 'UTC') + toIntervalSecond((intDiv(number, 6) % 20) * 86400
    + cityHash64(intDiv(number, 6)) % 82000 + (number % 6) * 90 + if(number % 6 >= 4 AND intDiv(number, 6) % 3 = 0, 3600, 0)) AS ts,
  cityHash64(intDiv(number, 6), 'v') AS visitor,
  multiIf(number % 6 = 5, 'engagement', number % 6 = 4 AND intDiv(number, 6) % 10 = 0, 'Signup', 'pageview') AS name,
  if(number % 7 = 0, 'blog.rollups.example', {site:String}) AS hostname,
  concat('/p/', toString(cityHash64(number) % 25)) AS path,
  ['', 'google.com', 't.co', 'bing.com', ''][intDiv(number, 6) % 5 + 1] AS referrer,
  ['', 'Google', 'Twitter', 'Bing', 'Newsletter'][intDiv(number, 6) % 5 + 1] AS source,
  if(intDiv(number, 6) % 5 = 4, 'newsletter', '') AS utm_source, if(intDiv(number, 6) % 5 = 4, 'email', '') AS utm_medium,
  if(intDiv(number, 6) % 5 = 4, 'fall', '') AS utm_campaign, '' AS utm_term, '' AS utm_content,
  ['NL', 'US', 'DE', 'FR', 'BE', 'GB', 'JP'][intDiv(number, 6) % 7 + 1] AS country,
  ['desktop', 'mobile', 'tablet', ''][intDiv(number, 6) % 4 + 1] AS device,
  ['Firefox', 'Chrome', 'Safari', 'Edge'][intDiv(number, 6) % 4 + 1] AS browser, '140' AS browser_version,
  ['Linux', 'Windows', 'macOS', 'iOS', 'Android'][intDiv(number, 6) % 5 + 1] AS os, '' AS os_version,
  1280 AS width, if(number % 6 = 5, 0, 1) AS interactive, if(number % 6 = 5, 20000, 0) AS engaged_ms,
  if(number % 6 = 5, toUInt8(number % 101), 0) AS scroll_depth,
  if(number % 6 = 4 AND intDiv(number, 6) % 10 = 0, map('plan', 'pro'), map()) AS props,
  762 AS retention_days
FROM numbers({n:UInt64})`

beforeAll(async () => {
  ch = (await freshEngine()).ch
  await ch.command(seed, { site: SITE, n: 36_000 })
})
afterAll(() => ch.close())

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
const VISIT: Metric[] = ['visitors', 'visits', 'views_per_visit', 'bounce_rate', 'visit_duration']
const PROPS = [
  'visit:source',
  'visit:referrer',
  'visit:utm_source',
  'visit:utm_medium',
  'visit:utm_campaign',
  'visit:entry_page',
  'visit:exit_page',
  'visit:country',
  'visit:device',
  'visit:browser',
  'visit:os',
]

/** Every report shape the dashboard overview asks for, plus the other metric mixes rollups serve. */
async function reports(site: Site, first: string, last: string, via: Ch = ch): Promise<unknown[]> {
  const ch = via
  const q = (metrics: Metric[]) => ({ site, range: { first, last }, filters: [], metrics })
  const out: unknown[] = [await aggregate(ch, q(ALL), true)]
  out.push(await aggregate(ch, q([...VISIT, 'pageviews', 'events', 'time_on_page']), true))
  for (const interval of ['date', 'week', 'month'] as Interval[])
    out.push(await timeseries(ch, q(['visitors', 'visits', 'pageviews', 'bounce_rate']), interval))
  for (const p of PROPS) out.push(await breakdown(ch, q(VISIT), propertyDef(p, 'property'), 100, 1))
  out.push(
    await breakdown(
      ch,
      q(['visitors', 'pageviews', 'scroll_depth', 'time_on_page', 'bounce_rate']),
      propertyDef('event:page', 'property'),
      100,
      1,
    ),
  )
  out.push(await breakdown(ch, q(['visitors', 'events']), propertyDef('event:name', 'property'), 100, 1))
  out.push(
    await breakdown(ch, q(['visitors', 'pageviews']), propertyDef('event:hostname', 'property'), 100, 1),
  )
  return out
}

const SITES = [
  newSite(SITE),
  newSite(SITE, { timezone: 'Europe/Amsterdam' }),
  newSite(SITE, { timezone: 'America/Los_Angeles' }),
]
const RANGES: Array<[string, string]> = [
  ['2026-10-21', '2026-11-05'],
  ['2026-10-19', '2026-11-09'],
  ['2026-10-25', '2026-10-25'],
]

// The reference: every day sessionised inline, no snapshots (they need the live tables).
// Computed once; each step below must reproduce it exactly. Three passes of 171 queries are
// split across tests so a slow, shared CI machine does not hit one test's time limit.
let live: unknown[][] = []
async function expectLiveNumbers(): Promise<void> {
  let i = 0
  for (const site of SITES) for (const [a, z] of RANGES) expect(await reports(site, a, z)).toEqual(live[i++])
}

describe('daily rollups', () => {
  beforeAll(async () => {
    const inline: Ch = {
      ...ch,
      query: (sql, params, settings) =>
        sql.includes('system.tables') ? Promise.resolve([]) : ch.query(sql, params, settings),
    }
    live = []
    for (const site of SITES) for (const [a, z] of RANGES) live.push(await reports(site, a, z, inline))
  })

  it('give exactly the live numbers before any day is sessionised, from the live event rollup', async () => {
    expect(live).toHaveLength(SITES.length * RANGES.length)
    await expectLiveNumbers()
    expect(
      (await ch.query<{ n: number }>('SELECT count() AS n FROM live_event_rollup'))[0]?.n,
    ).toBeGreaterThan(0)
  })

  it('give exactly the live numbers in UTC and in zones that straddle UTC midnight once days are rolled up', async () => {
    const days = await sessioniseClosedDays(ch, Date.parse('2026-11-20T00:00:00Z'))
    expect(days).toHaveLength(20)
    const [rolled] = await ch.query<{ n: number }>('SELECT count() AS n FROM rollup_days FINAL')
    expect(rolled?.n).toBe(20)
    const [quartered] = await ch.query<{ n: number }>('SELECT count() AS n FROM quarter_days FINAL')
    expect(quartered?.n).toBe(20)
    await expectLiveNumbers()
  })

  it('are rebuilt when a day is sessionised again, so late events count', async () => {
    const site = newSite(SITE)
    const q = { site, range: { first: '2026-10-22', last: '2026-10-22' }, filters: [], metrics: ALL }
    const before = await aggregate(ch, q, false)
    await ch.command(
      `INSERT INTO events (site_id, ts, visitor, name, hostname, path, interactive, retention_days)
       VALUES ({site:String}, toDateTime64('2026-10-22 12:00:00', 3, 'UTC'), 42, 'pageview', {site:String}, '/late', 1, 762)`,
      { site: SITE },
    )
    expect(await aggregate(ch, q, false)).toEqual(before)
    await resessioniseDays(ch, ['2026-10-22'])
    const after = await aggregate(ch, q, false)
    expect(after.visitors?.value).toBe((before.visitors?.value ?? 0) + 1)
    expect(after.pageviews?.value).toBe((before.pageviews?.value ?? 0) + 1)
    const [rolled] = await ch.query<{ n: number }>(
      "SELECT count() AS n FROM rollup_days FINAL WHERE day = '2026-10-22'",
    )
    expect(rolled?.n).toBe(1)
  })

  it('are backfilled for days sessionised before rollups existed', async () => {
    await ch.command("ALTER TABLE rollup_days DELETE WHERE day = '2026-10-23'", {}, { mutations_sync: 2 })
    await ch.command("ALTER TABLE visit_rollup DELETE WHERE day = '2026-10-23'", {}, { mutations_sync: 2 })
    await ch.command("ALTER TABLE event_rollup DELETE WHERE day = '2026-10-23'", {}, { mutations_sync: 2 })
    const site = newSite(SITE)
    const q = { site, range: { first: '2026-10-23', last: '2026-10-23' }, filters: [], metrics: ALL }
    const fromVisits = await aggregate(ch, q, false)
    expect(await sessioniseClosedDays(ch, Date.parse('2026-11-20T00:00:00Z'))).toEqual([])
    const [rolled] = await ch.query<{ n: number }>(
      "SELECT count() AS n FROM rollup_days FINAL WHERE day = '2026-10-23'",
    )
    expect(rolled?.n).toBe(1)
    expect(await aggregate(ch, q, false)).toEqual(fromVisits)
  })
})
