import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessioniser, resessioniseDays } from '../../server/stats/sessions.ts'
import { type Fixture, K_SITE, SITE, send, startFixture } from './stats-fixture.ts'

// Expectations are computed by hand from the event log in stats-fixture.ts.
let f: Fixture
beforeAll(async () => {
  f = await startFixture()
})
afterAll(() => f.t.close())

const DAY = { period: 'day', date: '2026-11-17' }

describe('bounce rate', () => {
  it('a non-interactive custom event keeps a bounce; an interactive one cancels it', async () => {
    const us = await f.api('/api/v1/stats/aggregate', {
      ...DAY,
      metrics: 'visits,bounce_rate',
      filters: 'visit:country==US',
    })
    expect(us.body.results).toEqual({ visits: { value: 1 }, bounce_rate: { value: 100 } })
    const be = await f.api('/api/v1/stats/aggregate', {
      ...DAY,
      metrics: 'visits,bounce_rate',
      filters: 'visit:country==BE',
    })
    expect(be.body.results).toEqual({ visits: { value: 1 }, bounce_rate: { value: 0 } })
    // A's second visit: one pageview plus engagement (never interactive) is a bounce.
    const nl = await f.api('/api/v1/stats/breakdown', {
      ...DAY,
      property: 'visit:entry_page',
      metrics: 'visits,bounce_rate',
      filters: 'visit:country==NL',
    })
    expect(nl.body.results).toEqual([
      { entry_page: '/', visits: 1, bounce_rate: 0 },
      { entry_page: '/pricing', visits: 1, bounce_rate: 100 },
    ])
  })
})

describe('small-count protection', () => {
  it('folds breakdown rows under k_breakdown visitors into (other), keeping totals', async () => {
    const r = await f.api('/api/v1/stats/breakdown', {
      site_id: K_SITE,
      ...DAY,
      property: 'event:page',
      metrics: 'visitors,pageviews',
    })
    expect(r.status).toBe(200)
    expect(r.body.results).toEqual([
      { page: '/a', visitors: 3, pageviews: 3 },
      { page: '(other)', visitors: 2, pageviews: 2 },
    ])
    const total = await f.api('/api/v1/stats/aggregate', {
      site_id: K_SITE,
      ...DAY,
      metrics: 'visitors,pageviews',
    })
    expect(total.body.results).toEqual({ visitors: { value: 5 }, pageviews: { value: 5 } })
  })

  it('heatmap: cells under k_heatmap clicks are withheld and counted; rage cells; scroll bands', async () => {
    const r = await f.api('/api/v1/stats/heatmap', { ...DAY, page: '/blog/post-1', width: 'desktop' })
    expect(r.status).toBe(200)
    expect(r.body.results).toEqual({
      cells: [
        [10, 100, 3],
        [50, 200, 3],
      ],
      rage: [[50, 200, 3]],
      pageviews: 1,
      scroll: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((depth) => ({
        depth,
        visitors: depth <= 80 ? 1 : 0,
      })),
      suppressed: 1,
      k: 3,
    })
    const mobile = await f.api('/api/v1/stats/heatmap', { ...DAY, page: '/blog/post-1', width: 'mobile' })
    expect(mobile.body.results).toMatchObject({ cells: [], rage: [], pageviews: 0, suppressed: 0 })
  })

  it('pages-with-clicks lists pages with click data, most clicked first', async () => {
    const r = await f.api('/api/v1/stats/pages-with-clicks', { period: '7d', date: '2026-11-20' })
    expect(r.body).toEqual({ results: [{ page: '/blog/post-1', clicks: 7 }] })
  })
})

describe('realtime', () => {
  it('counts distinct visitors of the last 5 minutes as a bare number', async () => {
    f.clock.now = Date.parse('2026-11-17T12:03:00Z')
    const r = await f.api('/api/v1/stats/realtime/visitors')
    f.clock.now = Date.parse('2026-11-20T12:00:00Z')
    expect(r).toEqual({ status: 200, body: 1 })
    expect((await f.api('/api/v1/stats/realtime/visitors')).body).toBe(0)
  })
})

describe('export', () => {
  it('returns a zip with the timeseries and one CSV per breakdown', async () => {
    const res = await fetch(
      `${f.t.url}/api/v1/stats/export?site_id=${SITE}&period=day&date=2026-11-17&interval=date`,
      {
        headers: { authorization: `Bearer ${f.key}` },
      },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toContain(
      'crumbless-stats.example-2026-11-17-2026-11-17.zip',
    )
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    expect(Object.keys(files).sort()).toEqual(
      [
        'visitors.csv',
        'pages.csv',
        'entry_pages.csv',
        'exit_pages.csv',
        'sources.csv',
        'referrers.csv',
        'utm_sources.csv',
        'utm_mediums.csv',
        'utm_campaigns.csv',
        'utm_terms.csv',
        'utm_contents.csv',
        'countries.csv',
        'devices.csv',
        'browsers.csv',
        'operating_systems.csv',
        'custom_events.csv',
      ].sort(),
    )
    const csv = (name: string) => strFromU8(files[name] ?? new Uint8Array())
    expect(csv('visitors.csv')).toBe(
      'date,visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration\r\n2026-11-17,3,4,5,1.25,50,128\r\n',
    )
    expect(csv('sources.csv')).toBe(
      'name,visitors,visits,bounce_rate,visit_duration\r\nDirect / None,2,2,100,165\r\nGoogle,1,1,0,120\r\nNewsletter,1,1,0,60\r\n',
    )
    expect(csv('pages.csv').split('\r\n')[1]).toBe('/,2,2,,')
    expect(csv('custom_events.csv')).toBe(
      'name,visitors,events\r\npageview,3,5\r\nOutbound,1,1\r\nSignup,1,1\r\n',
    )
    expect(csv('utm_mediums.csv')).toBe('name,visitors,visits,bounce_rate,visit_duration\r\n')
  })
})

describe('bad parameters answer 400 naming the parameter', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['/api/v1/stats/aggregate', { period: 'week' }, 'period'],
    ['/api/v1/stats/aggregate', { period: 'custom' }, 'date'],
    ['/api/v1/stats/aggregate', { period: 'custom', date: '2026-11-20,2026-11-01' }, 'date'],
    ['/api/v1/stats/aggregate', { period: 'day', date: '2026-02-30' }, 'date'],
    ['/api/v1/stats/aggregate', { metrics: 'visitors,revenue' }, 'metrics'],
    ['/api/v1/stats/aggregate', { filters: 'event:page/x' }, 'filters'],
    ['/api/v1/stats/aggregate', { filters: 'visit:city==Amsterdam' }, 'filters'],
    ['/api/v1/stats/aggregate', { filters: 'event:page==' }, 'filters'],
    ['/api/v1/stats/aggregate', { compare: 'last_year' }, 'compare'],
    ['/api/v1/stats/timeseries', { interval: 'minute' }, 'interval'],
    ['/api/v1/stats/timeseries', { period: '12mo', interval: 'hour' }, 'interval'],
    ['/api/v1/stats/timeseries', { metrics: 'nope' }, 'metrics'],
    ['/api/v1/stats/breakdown', {}, 'property'],
    ['/api/v1/stats/breakdown', { property: 'visit:city' }, 'property'],
    ['/api/v1/stats/breakdown', { property: 'event:page', limit: '1001' }, 'limit'],
    ['/api/v1/stats/breakdown', { property: 'event:page', limit: '0' }, 'limit'],
    ['/api/v1/stats/breakdown', { property: 'event:page', page: '-1' }, 'page'],
    ['/api/v1/stats/breakdown', { property: 'event:props:' }, 'property'],
    ['/api/v1/stats/heatmap', {}, 'page'],
    ['/api/v1/stats/heatmap', { page: '/', width: 'huge' }, 'width'],
    ['/api/v1/stats/heatmap', { page: '/', period: 'forever' }, 'period'],
    ['/api/v1/stats/pages-with-clicks', { period: 'x' }, 'period'],
    ['/api/v1/stats/pages-with-clicks', { limit: 'ten' }, 'limit'],
    ['/api/v1/stats/export', { period: 'x' }, 'period'],
    ['/api/v1/stats/export', { filters: 'visit:nope==1' }, 'filters'],
  ]
  it.each(cases)('%s %j -> 400 about %s', async (path, params, param) => {
    const r = await f.api(path, params)
    expect(r.status).toBe(400)
    expect(typeof r.body.error).toBe('string')
    expect(r.body.error.startsWith(`${param}:`)).toBe(true)
  })

  it('lists the allowed values in the message', async () => {
    const r = await f.api('/api/v1/stats/aggregate', { period: 'week' })
    expect(r.body.error).toContain('day, 7d, 30d, month, 6mo, 12mo, custom')
    const m = await f.api('/api/v1/stats/aggregate', { metrics: 'revenue' })
    expect(m.body.error).toContain('visitors, visits, pageviews')
  })
})

describe('access control (readAccess; its own cases are covered by the auth tests)', () => {
  it('needs a credential, a valid key, and a key scoped to the site', async () => {
    const none = await fetch(`${f.t.url}/api/v1/stats/aggregate?site_id=${SITE}`)
    expect(none.status).toBe(401)
    const wrong = await f.api('/api/v1/stats/aggregate', {}, 'cl_not-a-real-key')
    expect(wrong.status).toBe(401)
    await f.t.addSite('other.example')
    const other = await f.api('/api/v1/stats/aggregate', { site_id: 'other.example' })
    expect(other.status).toBe(403)
    const unknown = await f.api('/api/v1/stats/aggregate', { site_id: 'nowhere.example' })
    expect(unknown.status).toBe(404)
    for (const path of [
      'realtime/visitors',
      'timeseries',
      'breakdown',
      'heatmap',
      'pages-with-clicks',
      'export',
    ]) {
      expect((await fetch(`${f.t.url}/api/v1/stats/${path}?site_id=${SITE}`)).status).toBe(401)
    }
  })
})

describe('sessioniser', () => {
  it('runs once at a time, stores each closed day once, and leaves the numbers unchanged', async () => {
    const before = await f.api('/api/v1/stats/aggregate', {
      period: '7d',
      date: '2026-11-19',
      metrics: 'visitors,visits',
    })
    const lines: string[] = []
    const s = createSessioniser(f.t.ch, () => Date.parse('2026-11-24T00:30:00Z'), {
      info: (m) => lines.push(m),
      warn: (m) => lines.push(m),
    })
    await Promise.all([s.run(), s.run()])
    await s.run()
    expect(lines).toEqual(['sessionised 4 day(s): 2026-11-16 .. 2026-11-19'])
    const [stored] = await f.t.ch.query<{ n: number; recorded: number }>(
      'SELECT (SELECT count() FROM sessions) AS n, (SELECT sum(visits) FROM sessionised_days FINAL) AS recorded',
    )
    // Visits of both sites: stats.example 2 + 4 + 2 + 1, k.example 5.
    expect(stored).toEqual({ n: 14, recorded: 14 })
    const after = await f.api('/api/v1/stats/aggregate', {
      period: '7d',
      date: '2026-11-19',
      metrics: 'visitors,visits',
    })
    expect(after.body).toEqual(before.body)
  })
})

describe('backfill into a stored day', () => {
  it('is invisible until the day is sessionised again, then counted', async () => {
    const visitors = async () =>
      (await f.api('/api/v1/stats/aggregate', { period: 'day', date: '2026-11-17' })).body.results.visitors
        .value
    expect(await visitors()).toBe(3)
    await send(f, 'G', '2026-11-17T15:00:00Z', { n: 'pageview', u: `https://${SITE}/late`, d: SITE, r: null })
    await f.t.flush()
    f.clock.now = Date.parse('2026-11-20T12:00:00Z')
    expect(await visitors()).toBe(3)
    await resessioniseDays(f.t.ch, ['2026-11-17'])
    expect(await visitors()).toBe(4)
  })
})
