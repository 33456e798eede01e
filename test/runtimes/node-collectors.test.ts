/**
 * Two Node collectors sharing one ClickHouse over HTTP, started at the same moment on a fresh
 * database: they must agree on the day's salt (so on visitor ids) and see each other's sites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NodeServer, startNodeServer } from '../../server/adapters/node.ts'
import type { Logger } from '../../server/services.ts'
import { newSite } from '../../server/store/sites.ts'
import { type ClickHouseHttp, spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { IPHONE_UA, pageview, post } from '../support/ingest.ts'
import { eventually } from './runtime-process.ts'

const SITE = 'shared.example'
/** Short, so the test can wait it out; the default is 10 s. */
const SITE_CACHE_MS = 1000

let clickhouse: ClickHouseHttp
let a: NodeServer
let b: NodeServer
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }

beforeAll(async () => {
  clickhouse = await spawnClickHouseHttp()
  const env = {
    CLICKHOUSE_URL: clickhouse.url,
    PORT: '0',
    HOST: '127.0.0.1',
    TRUSTED_PROXIES: 'loopback',
    FLUSH_INTERVAL_MS: '100',
    SITE_CACHE_MS: String(SITE_CACHE_MS),
  }
  // Both at once, on an empty database: both migrate, neither has a salt yet.
  ;[a, b] = await Promise.all([startNodeServer({ env, log: quiet }), startNodeServer({ env, log: quiet })])
  await a.services.sites.save(newSite(SITE))
}, 60_000)

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()])
  await clickhouse?.stop()
})

async function visitorsOf(path: string): Promise<string[]> {
  await Promise.all([a.services.sink.flush(), b.services.sink.flush()])
  const rows = await a.ch.query<{ v: string }>(
    'SELECT toString(visitor) AS v FROM events WHERE site_id = {s:String} AND path = {p:String} ORDER BY ts',
    { s: SITE, p: path },
  )
  return rows.map((r) => r.v)
}

describe('two Node collectors on one ClickHouse', () => {
  it('give the same visitor id for the same IP and user agent, even when their first requests race for the salt', async () => {
    await b.services.sites.refresh()
    const [ra, rb] = await Promise.all([
      post(a.url, pageview(SITE, '/race'), { ip: '198.51.100.23', ua: IPHONE_UA }),
      post(b.url, pageview(SITE, '/race'), { ip: '198.51.100.23', ua: IPHONE_UA }),
    ])
    expect([ra.status, rb.status]).toEqual([202, 202])
    const ids = await eventually(
      () => visitorsOf('/race'),
      (v) => v.length === 2,
    )
    expect(ids).toHaveLength(2)
    expect(ids[0]).toBe(ids[1])
    expect(Buffer.from(await a.services.salts.today())).toEqual(Buffer.from(await b.services.salts.today()))
  })

  it('tell different visitors apart across instances', async () => {
    await Promise.all([
      post(a.url, pageview(SITE, '/two'), { ip: '198.51.100.23', ua: IPHONE_UA }),
      post(b.url, pageview(SITE, '/two'), { ip: '198.51.100.99', ua: IPHONE_UA }),
    ])
    const ids = await eventually(
      () => visitorsOf('/two'),
      (v) => v.length === 2,
    )
    expect(new Set(ids).size).toBe(2)
  })

  it(`accept a site added through the other instance once their site cache (SITE_CACHE_MS=${SITE_CACHE_MS}) has expired`, async () => {
    await b.services.sites.refresh()
    await a.services.sites.save(newSite('late.example'))
    // B still answers from its cached site list: the new domain is unknown to it for now.
    const first = await post(b.url, pageview('late.example', '/'))
    expect(first.status).toBe(202)
    expect(first.headers.get('x-crumbless-dropped')).toBe('unknown-site')
    const later = await eventually(
      async () => (await post(b.url, pageview('late.example', '/'))).headers.get('x-crumbless-dropped'),
      (dropped) => dropped === null,
      SITE_CACHE_MS + 10_000,
    )
    expect(later).toBeNull()
  })
})
