import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { liveSnapshot } from '../../server/stats/live.ts'
import type { Metric } from '../../server/stats/metrics.ts'
import { propertyDef } from '../../server/stats/properties.ts'
import { aggregate, breakdown } from '../../server/stats/reports.ts'
import type { Ch } from '../../server/store/client.ts'
import { newSite } from '../../server/store/sites.ts'
import { freshEngine } from '../support/engine.ts'

/**
 * Visits of days not stored yet are sessionised once per change of those days' events and shared
 * by every query: a new event must show in the very next query, and queries fired together must
 * share one snapshot.
 */
const SITE = 'live.example'
const DAY = '2026-11-25'
let ch: Ch

async function event(visitor: number, at: string, name = 'pageview', source = '', day = DAY): Promise<void> {
  await ch.insert('events', [
    {
      site_id: SITE,
      ts: `${day} ${at}.000`,
      visitor,
      name,
      hostname: SITE,
      path: `/p${visitor}`,
      source,
      interactive: 1,
      retention_days: 762,
    },
  ])
}

const snapshots = async () =>
  (await ch.query<{ n: number }>('SELECT uniqExact(snapshot) AS n FROM live_visits'))[0]?.n ?? 0

beforeAll(async () => {
  ch = (await freshEngine()).ch
})
afterAll(() => ch.close())

const site = newSite(SITE)
const q = {
  site,
  range: { first: DAY, last: DAY },
  filters: [],
  metrics: ['visitors' as const, 'visits' as const, 'pageviews' as const],
}

describe('live visit snapshots', () => {
  it('are not taken for days without events', async () => {
    expect(await liveSnapshot(ch, SITE, [DAY])).toBeNull()
    expect((await aggregate(ch, q, false)).visits?.value).toBe(0)
    expect(await snapshots()).toBe(0)
  })

  it('show a new event in the very next query', async () => {
    await event(1, '10:00:00', 'pageview', 'Google')
    await event(1, '10:05:00')
    expect((await aggregate(ch, q, false)).visits?.value).toBe(1)
    await event(1, '11:00:00')
    await event(2, '11:00:00', 'pageview', 'Twitter')
    const after = await aggregate(ch, q, false)
    expect(after.visitors?.value).toBe(2)
    expect(after.visits?.value).toBe(3)
    expect(after.pageviews?.value).toBe(4)
  })

  it('are shared by queries fired together, and reused while no event arrives', async () => {
    await event(3, '12:00:00', 'pageview', 'Google')
    const before = await snapshots()
    const [agg, sources] = await Promise.all([
      aggregate(ch, q, false),
      breakdown(ch, { ...q, metrics: ['visitors'] }, propertyDef('visit:source', 'property'), 10, 1),
    ])
    expect(agg.visits?.value).toBe(4)
    expect(sources).toEqual([
      { source: 'Google', visitors: 2 },
      { source: 'Direct / None', visitors: 1 },
      { source: 'Twitter', visitors: 1 },
    ])
    expect(await snapshots()).toBe(before + 1)
    const id = await liveSnapshot(ch, SITE, [DAY])
    expect(await liveSnapshot(ch, SITE, [DAY])).toBe(id)
    expect(await snapshots()).toBe(before + 1)
  })
})

describe('a live day the range cuts (today, east of UTC)', () => {
  // The reference: no snapshots (they need the live tables), so every live day is computed inline.
  const inline = (): Ch => ({
    ...ch,
    query: (sql, params, settings) =>
      sql.includes('system.tables') ? Promise.resolve([]) : ch.query(sql, params, settings),
  })
  const tokyo = newSite(SITE, { timezone: 'Asia/Tokyo' })
  // A local day still to come, so no event can be stamped past its end.
  const FUTURE = '2030-01-15'
  const fq = (metrics: Metric[]) => ({
    site: tokyo,
    range: { first: FUTURE, last: FUTURE },
    filters: [],
    metrics,
  })
  const all = async (via: Ch) => [
    await aggregate(via, fq(['visitors', 'visits', 'pageviews', 'events', 'scroll_depth']), false),
    await breakdown(via, fq(['visitors', 'pageviews']), propertyDef('event:page', 'property'), 10, 1),
    await breakdown(via, fq(['visitors', 'events']), propertyDef('event:name', 'property'), 10, 1),
  ]

  it('counts as whole while all its events lie in the range, and is cut once one does not', async () => {
    await event(10, '01:00:00', 'pageview', 'Google', FUTURE)
    await event(10, '01:10:00', 'engagement', '', FUTURE)
    await event(11, '09:00:00', 'Signup', '', FUTURE)
    const first = await all(ch)
    expect(first).toEqual(await all(inline()))
    expect((first[0] as Record<string, { value: number }>).visitors?.value).toBe(2)
    const rolled = await ch.query<{ n: number }>(
      'SELECT count() AS n FROM live_event_rollup WHERE day = {d:Date}',
      { d: FUTURE },
    )
    expect(rolled[0]?.n).toBeGreaterThan(0)
    // 16:00 UTC is the next day in Tokyo: outside the range, so the day is cut again.
    await event(12, '16:00:00', 'pageview', '', FUTURE)
    const second = await all(ch)
    expect(second).toEqual(first)
    expect(second).toEqual(await all(inline()))
  })
})
