import { describe, expect, it } from 'vitest'
import { collect, type RequestFacts } from '../../server/collect/pipeline.ts'
import type { Site, WireEvent } from '../../server/collect/types.ts'
import { newSite } from '../../server/store/sites.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36'
const sites = new Map<string, Site>([
  ['a.example', newSite('a.example')],
  ['b.example', newSite('b.example', { gpcPolicy: 'keep', retentionDays: 30 })],
])

function facts(headers: Record<string, string> = {}, over: Partial<RequestFacts> = {}): RequestFacts {
  const h = new Headers({ 'user-agent': CHROME, ...headers })
  return {
    ip: '203.0.113.9',
    userAgent: h.get('user-agent') ?? '',
    header: (n) => h.get(n),
    country: 'BE',
    now: Date.parse('2026-11-25T08:00:00Z'),
    salt: new Uint8Array(32).fill(7),
    ...over,
  }
}
const policy = { gpc: 'drop', dnt: 'keep' } as const
const pv = (d: string, u = `https://${d}/`): WireEvent => ({ n: 'pageview', u, d })

describe('collect()', () => {
  it('resolves www. and comma-listed domains to registered sites', () => {
    const out = collect(
      [pv('www.a.example'), pv('nope.example,b.example', 'https://b.example/x')],
      sites,
      facts(),
      policy,
    )
    expect(out.events.map((e) => e.site_id)).toEqual(['a.example', 'b.example'])
    expect(out.dropped).toEqual([])
  })

  it('hashes per site: one visitor has different ids on different sites', () => {
    const out = collect([pv('a.example'), pv('b.example')], sites, facts(), policy)
    expect(out.events[0]?.visitor).not.toBe(out.events[1]?.visitor)
  })

  it('applies the per-site GPC policy over the default', () => {
    const out = collect([pv('a.example'), pv('b.example')], sites, facts({ 'sec-gpc': '1' }), policy)
    expect(out.dropped).toEqual(['gpc'])
    expect(out.events.map((e) => e.site_id)).toEqual(['b.example'])
  })

  it('stamps retention from the site and the time from the injected clock', () => {
    const [row] = collect([pv('b.example')], sites, facts(), policy).events
    expect(row).toMatchObject({ retention_days: 30, ts: Date.parse('2026-11-25T08:00:00Z'), country: 'BE' })
  })

  it('turns engagement clicks into cells of the UTC day and width bucket; nothing else about them', () => {
    const e: WireEvent = {
      n: 'engagement',
      u: 'https://a.example/p?x=1',
      d: 'a.example',
      w: 800,
      c: [[3, 40, 1]],
    }
    const out = collect([e], sites, facts(), policy)
    expect(out.clicks).toEqual([
      {
        site_id: 'a.example',
        day: '2026-11-25',
        path: '/p',
        width_bucket: 'tablet',
        x: 3,
        y: 40,
        rage: 1,
        clicks: 1,
        retention_days: 762,
      },
    ])
  })

  it('drops every event of a bot request', () => {
    const out = collect(
      [pv('a.example'), pv('b.example')],
      sites,
      facts({ 'user-agent': 'curl/8.5.0' }, { userAgent: 'curl/8.5.0' }),
      policy,
    )
    expect(out.events).toEqual([])
    expect(out.dropped).toEqual(['bot', 'bot'])
  })
})
