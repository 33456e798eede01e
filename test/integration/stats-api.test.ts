import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessioniseClosedDays } from '../../server/stats/sessions.ts'
import { type Fixture, send, startFixture } from './stats-fixture.ts'

// Every expectation below is computed by hand from the event log in stats-fixture.ts.
let f: Fixture
beforeAll(async () => {
  f = await startFixture()
})
afterAll(() => f.t.close())

const ALL =
  'visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,events,scroll_depth,time_on_page'
const DAY = { period: 'day', date: '2026-11-17' }

async function ok(path: string, params: Record<string, string>) {
  const r = await f.api(path, params)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.results
}

const values = (results: Record<string, { value: unknown }>) =>
  Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.value]))

async function totals(filters: string, metrics = 'visitors,visits,pageviews', range = DAY) {
  return values(await ok('/api/v1/stats/aggregate', { ...range, metrics, filters }))
}

function checks(mode: 'live' | 'stored') {
  it(`[${mode}] every metric of local 2026-11-17 (Amsterdam)`, async () => {
    expect(await totals('', ALL)).toEqual({
      visitors: 3,
      visits: 4,
      pageviews: 5,
      views_per_visit: 1.25,
      bounce_rate: 50,
      visit_duration: 128,
      events: 7,
      scroll_depth: 73,
      time_on_page: 22,
    })
  })

  it(`[${mode}] compare=previous_period gives change and comparison_value`, async () => {
    const r = await ok('/api/v1/stats/aggregate', { ...DAY, metrics: ALL, compare: 'previous_period' })
    expect(r).toEqual({
      visitors: { value: 3, comparison_value: 2, change: 50 },
      visits: { value: 4, comparison_value: 2, change: 100 },
      pageviews: { value: 5, comparison_value: 3, change: 67 },
      views_per_visit: { value: 1.25, comparison_value: 1.5, change: -17 },
      bounce_rate: { value: 50, comparison_value: 50, change: 0 },
      visit_duration: { value: 128, comparison_value: 150, change: -15 },
      events: { value: 7, comparison_value: 3, change: 133 },
      scroll_depth: { value: 73, comparison_value: null, change: null },
      time_on_page: { value: 22, comparison_value: null, change: null },
    })
  })

  it(`[${mode}] 23:30 UTC counts on the next Amsterdam day; visits split at UTC midnight`, async () => {
    expect(
      await totals('', 'visitors,visits,pageviews,bounce_rate,visit_duration', {
        period: 'day',
        date: '2026-11-18',
      }),
    ).toEqual({
      visitors: 2,
      visits: 2,
      pageviews: 3,
      bounce_rate: 50,
      visit_duration: 600,
    })
  })

  it(`[${mode}] breakdowns: order and values of every property`, async () => {
    const bd = async (property: string, metrics = 'visitors') =>
      ok('/api/v1/stats/breakdown', { ...DAY, property, metrics })
    expect(await bd('event:page', 'visitors,pageviews')).toEqual([
      { page: '/', visitors: 2, pageviews: 2 },
      { page: '/blog/post-1', visitors: 1, pageviews: 1 },
      { page: '/blog/post-2', visitors: 1, pageviews: 1 },
      { page: '/pricing', visitors: 1, pageviews: 1 },
    ])
    expect(await bd('event:page', 'time_on_page,scroll_depth')).toEqual([
      { page: '/blog/post-1', time_on_page: 60, scroll_depth: 80 },
      { page: '/pricing', time_on_page: 30, scroll_depth: 40 },
      { page: '/blog/post-2', time_on_page: 20, scroll_depth: 100 },
      { page: '/', time_on_page: null, scroll_depth: null },
    ])
    // Visit metrics of pages describe the visits that entered there (as Plausible's do).
    expect(await bd('event:page', 'visits,bounce_rate')).toEqual([
      { page: '/', visits: 2, bounce_rate: 50 },
      { page: '/blog/post-2', visits: 1, bounce_rate: 0 },
      { page: '/pricing', visits: 1, bounce_rate: 100 },
      { page: '/blog/post-1', visits: 0, bounce_rate: 0 },
    ])
    // Other event properties: the visits that hold an event with that value.
    expect(await bd('event:name', 'visits,bounce_rate,visit_duration')).toEqual([
      { name: 'pageview', visits: 4, bounce_rate: 50, visit_duration: 128 },
      { name: 'Outbound', visits: 1, bounce_rate: 100, visit_duration: 300 },
      { name: 'Signup', visits: 1, bounce_rate: 0, visit_duration: 60 },
    ])
    expect(await bd('visit:source', 'pageviews,events')).toEqual([
      { source: 'Direct / None', pageviews: 2, events: 3 },
      { source: 'Google', pageviews: 2, events: 2 },
      { source: 'Newsletter', pageviews: 1, events: 2 },
    ])
    expect(await bd('visit:source', 'visitors,visits,bounce_rate,visit_duration')).toEqual([
      { source: 'Direct / None', visitors: 2, visits: 2, bounce_rate: 100, visit_duration: 165 },
      { source: 'Google', visitors: 1, visits: 1, bounce_rate: 0, visit_duration: 120 },
      { source: 'Newsletter', visitors: 1, visits: 1, bounce_rate: 0, visit_duration: 60 },
    ])
    expect(await bd('visit:referrer')).toEqual([
      { referrer: 'Direct / None', visitors: 3 },
      { referrer: 'google.com', visitors: 1 },
    ])
    expect(await bd('visit:country')).toEqual([
      { country: 'BE', visitors: 1 },
      { country: 'NL', visitors: 1 },
      { country: 'US', visitors: 1 },
    ])
    expect(await bd('visit:device')).toEqual([
      { device: 'Desktop', visitors: 2 },
      { device: 'Mobile', visitors: 1 },
    ])
    expect(await bd('visit:browser')).toEqual([
      { browser: 'Firefox', visitors: 2 },
      { browser: 'Safari', visitors: 1 },
    ])
    expect(await bd('visit:os')).toEqual([
      { os: 'Linux', visitors: 2 },
      { os: 'iOS', visitors: 1 },
    ])
    expect(await bd('visit:entry_page', 'visitors,visits')).toEqual([
      { entry_page: '/', visitors: 2, visits: 2 },
      { entry_page: '/blog/post-2', visitors: 1, visits: 1 },
      { entry_page: '/pricing', visitors: 1, visits: 1 },
    ])
    expect(await bd('visit:exit_page')).toEqual([
      { exit_page: '/', visitors: 1 },
      { exit_page: '/blog/post-1', visitors: 1 },
      { exit_page: '/blog/post-2', visitors: 1 },
      { exit_page: '/pricing', visitors: 1 },
    ])
    expect(await bd('visit:utm_source')).toEqual([{ utm_source: 'newsletter', visitors: 1 }])
    expect(await bd('visit:utm_campaign')).toEqual([{ utm_campaign: 'fall', visitors: 1 }])
    expect(await bd('visit:utm_medium')).toEqual([])
    expect(await bd('event:name', 'visitors,events')).toEqual([
      { name: 'pageview', visitors: 3, events: 5 },
      { name: 'Outbound', visitors: 1, events: 1 },
      { name: 'Signup', visitors: 1, events: 1 },
    ])
    expect(await bd('event:props:plan')).toEqual([
      { plan: '(none)', visitors: 3 },
      { plan: 'pro', visitors: 1 },
    ])
    expect(await bd('event:hostname')).toEqual([{ hostname: 'stats.example', visitors: 3 }])
    const versions = await bd('visit:browser_version')
    expect(versions.map((r: { visitors: number }) => r.visitors).sort()).toEqual([1, 2])
  })

  it(`[${mode}] limit and page paginate a breakdown`, async () => {
    const p = { ...DAY, property: 'event:page', limit: '2' }
    expect(await ok('/api/v1/stats/breakdown', p)).toEqual([
      { page: '/', visitors: 2 },
      { page: '/blog/post-1', visitors: 1 },
    ])
    expect(await ok('/api/v1/stats/breakdown', { ...p, page: '2' })).toEqual([
      { page: '/blog/post-2', visitors: 1 },
      { page: '/pricing', visitors: 1 },
    ])
    expect(await ok('/api/v1/stats/breakdown', { ...p, page: '3' })).toEqual([])
  })

  it(`[${mode}] filters: ==, !=, wildcards, OR, AND, contains`, async () => {
    expect(await totals('event:page==/blog/**')).toEqual({ visitors: 2, visits: 2, pageviews: 2 })
    expect(await totals('event:page==/blog/*')).toEqual({ visitors: 2, visits: 2, pageviews: 2 })
    expect(await totals('event:page==/blog*')).toEqual({ visitors: 0, visits: 0, pageviews: 0 })
    expect(await totals('event:page!=/')).toEqual({ visitors: 2, visits: 3, pageviews: 3 })
    expect(await totals('event:page==/blog/post-1|/pricing')).toEqual({
      visitors: 1,
      visits: 2,
      pageviews: 2,
    })
    expect(await totals('visit:country==NL|BE')).toEqual({ visitors: 2, visits: 3, pageviews: 4 })
    expect(await totals('visit:country!=NL')).toEqual({ visitors: 2, visits: 2, pageviews: 2 })
    expect(await totals('event:page==/blog/**;visit:country==NL')).toEqual({
      visitors: 1,
      visits: 1,
      pageviews: 1,
    })
    expect(await totals('visit:source~oog')).toEqual({ visitors: 1, visits: 1, pageviews: 2 })
    expect(await totals('visit:browser~FIRE')).toEqual({ visitors: 2, visits: 3, pageviews: 4 })
    expect(await totals('visit:device==Mobile')).toEqual({ visitors: 1, visits: 1, pageviews: 1 })
    expect(await totals('visit:source==Direct / None')).toEqual({ visitors: 2, visits: 2, pageviews: 2 })
    expect(await totals('event:name==Signup', 'visitors,visits,pageviews,events')).toEqual({
      visitors: 1,
      visits: 1,
      pageviews: 0,
      events: 1,
    })
    expect(await totals('event:props:plan==pro')).toEqual({ visitors: 1, visits: 1, pageviews: 0 })
  })

  it(`[${mode}] a breakdown row equals the aggregate filtered by that value`, async () => {
    const rows = await ok('/api/v1/stats/breakdown', {
      ...DAY,
      property: 'visit:source',
      metrics: 'visitors,visits,pageviews',
    })
    for (const row of rows) {
      expect(await totals(`visit:source==${row.source}`)).toEqual({
        visitors: row.visitors,
        visits: row.visits,
        pageviews: row.pageviews,
      })
    }
  })

  it(`[${mode}] SQL-looking, unicode and escaped values are plain values`, async () => {
    expect(await totals("event:page==' OR 1=1 --")).toEqual({ visitors: 0, visits: 0, pageviews: 0 })
    expect(await totals("visit:country==NL') OR ('1'='1")).toEqual({ visitors: 0, visits: 0, pageviews: 0 })
    expect(await totals('event:page==/a\\|b;event:props:x==") UNION ALL SELECT * FROM events --')).toEqual({
      visitors: 0,
      visits: 0,
      pageviews: 0,
    })
    expect(await totals('visit:source~%_\\')).toEqual({ visitors: 0, visits: 0, pageviews: 0 })
    const d19 = { period: 'day', date: '2026-11-19' }
    expect(await totals('event:page==/café/日本', 'visitors,pageviews', d19)).toEqual({
      visitors: 1,
      pageviews: 1,
    })
    expect(await totals('event:page~日本', 'visitors,pageviews', d19)).toEqual({ visitors: 1, pageviews: 1 })
    expect(await ok('/api/v1/stats/breakdown', { ...d19, property: 'event:page' })).toEqual([
      { page: '/café/日本', visitors: 1 },
      { page: '/search', visitors: 1 },
    ])
    expect(await totals('', 'visitors', DAY)).toEqual({ visitors: 3 })
  })

  it(`[${mode}] timeseries by date, hour (site zone), week and month`, async () => {
    const byDate = await ok('/api/v1/stats/timeseries', { period: '7d', date: '2026-11-17' })
    expect(byDate).toEqual([
      { date: '2026-11-11', visitors: 0 },
      { date: '2026-11-12', visitors: 0 },
      { date: '2026-11-13', visitors: 0 },
      { date: '2026-11-14', visitors: 0 },
      { date: '2026-11-15', visitors: 0 },
      { date: '2026-11-16', visitors: 2 },
      { date: '2026-11-17', visitors: 3 },
    ])
    const hours = await ok('/api/v1/stats/timeseries', { ...DAY, metrics: 'visitors,visits,pageviews' })
    expect(hours).toHaveLength(24)
    expect(hours[0]).toEqual({ date: '2026-11-17 00:00:00', visitors: 0, visits: 0, pageviews: 0 })
    expect(hours.filter((h: { visitors: number }) => h.visitors > 0)).toEqual([
      { date: '2026-11-17 10:00:00', visitors: 1, visits: 2, pageviews: 3 },
      { date: '2026-11-17 13:00:00', visitors: 1, visits: 1, pageviews: 1 },
      { date: '2026-11-17 23:00:00', visitors: 1, visits: 1, pageviews: 1 },
    ])
    // A person counts once per UTC day (the visitor id changes daily): D counts twice on 11-18.
    const weeks = await ok('/api/v1/stats/timeseries', {
      period: 'custom',
      date: '2026-11-10,2026-11-23',
      interval: 'week',
    })
    expect(weeks).toEqual([
      { date: '2026-11-09', visitors: 0 },
      { date: '2026-11-16', visitors: 8 },
      { date: '2026-11-23', visitors: 0 },
    ])
    const months = await ok('/api/v1/stats/timeseries', {
      period: 'custom',
      date: '2026-10-01,2026-11-30',
      interval: 'month',
      metrics: 'visitors,pageviews',
    })
    expect(months).toEqual([
      { date: '2026-10-01', visitors: 0, pageviews: 0 },
      { date: '2026-11-01', visitors: 8, pageviews: 13 },
    ])
  })

  it(`[${mode}] periods month, 6mo and 12mo cover the month of date`, async () => {
    for (const period of ['month', '6mo', '12mo']) {
      expect(await totals('', 'visitors', { period, date: '2026-11-17' })).toEqual({ visitors: 8 })
    }
    expect(await totals('', 'visitors', { period: '30d', date: '2026-11-16' })).toEqual({ visitors: 2 })
  })
}

describe('computed live from events', () => {
  checks('live')
})

describe('read from the sessions table after sessionising closed days', () => {
  beforeAll(async () => {
    f.clock.now = Date.parse('2026-11-24T12:00:00Z')
    // Two calls at once queue behind each other: the second finds nothing left to do.
    const [first, second] = await Promise.all([
      sessioniseClosedDays(f.t.ch, f.clock.now),
      sessioniseClosedDays(f.t.ch, f.clock.now),
    ])
    expect(first).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19'])
    expect(second).toEqual([])
    const [n] = await f.t.ch.query<{ n: number }>('SELECT count() AS n FROM sessions')
    expect(n?.n).toBe(14)
  })
  checks('stored')

  it('unions stored days with today computed live', async () => {
    await send(f, 'E', '2026-11-24T11:00:00Z', {
      n: 'pageview',
      u: 'https://stats.example/',
      d: 'stats.example',
      r: null,
    })
    await f.t.flush()
    f.clock.now = Date.parse('2026-11-24T12:00:00Z')
    const series = await ok('/api/v1/stats/timeseries', { period: '7d' })
    expect(series.map((r: { visitors: number }) => r.visitors)).toEqual([2, 1, 0, 0, 0, 0, 1])
    expect(series[6].date).toBe('2026-11-24')
  })
})

describe('custom property keys', () => {
  it('lists the keys sent in the range, most used first, for the goals panel', async () => {
    expect(await ok('/api/v1/stats/prop-keys', DAY)).toEqual([
      { key: 'plan', events: 1 },
      { key: 'url', events: 1 },
    ])
    expect(await ok('/api/v1/stats/prop-keys', { period: 'day', date: '2026-11-19' })).toEqual([])
  })
})
