/**
 * ClickHouse goes away under a running Node collector: ingest keeps answering 202 while the
 * bounded buffer has room, answers 503 + Retry-After once it is full, and everything accepted
 * lands after ClickHouse returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NodeServer, startNodeServer } from '../../server/adapters/node.ts'
import type { Logger } from '../../server/services.ts'
import { newSite } from '../../server/store/sites.ts'
import { type ClickHouseHttp, spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { pageview, post } from '../support/ingest.ts'
import { eventually } from './runtime-process.ts'

const SITE = 'outage.example'
const BUFFER_MAX_ROWS = 20

let clickhouse: ClickHouseHttp
let server: NodeServer
const warnings: string[] = []
const log: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) }

async function storedPaths(): Promise<string[]> {
  const rows = await server.ch.query<{ path: string }>(
    'SELECT path FROM events WHERE site_id = {s:String} ORDER BY path',
    { s: SITE },
  )
  return rows.map((r) => r.path)
}

beforeAll(async () => {
  clickhouse = await spawnClickHouseHttp()
  server = await startNodeServer({
    env: {
      CLICKHOUSE_URL: clickhouse.url,
      PORT: '0',
      HOST: '127.0.0.1',
      TRUSTED_PROXIES: 'loopback',
      FLUSH_INTERVAL_MS: '100',
      BUFFER_MAX_ROWS: String(BUFFER_MAX_ROWS),
    },
    log,
  })
  await server.services.sites.save(newSite(SITE))
  // Warm the site and salt caches, as a running collector has them when an outage starts.
  expect((await post(server.url, pageview(SITE, '/before'))).status).toBe(202)
  await server.services.sink.flush()
}, 60_000)

afterAll(async () => {
  await clickhouse?.setDown(false)
  await server?.close()
  await clickhouse?.stop()
})

describe('ClickHouse unreachable', () => {
  const accepted: string[] = []

  it(`keeps answering 202 while up to BUFFER_MAX_ROWS (${BUFFER_MAX_ROWS}) rows wait in memory`, async () => {
    await clickhouse.setDown(true)
    for (let i = 0; i < BUFFER_MAX_ROWS; i++) {
      const path = `/during-${String(i).padStart(2, '0')}`
      const res = await post(server.url, pageview(SITE, path), { ip: `203.0.113.${i + 1}` })
      expect(res.status).toBe(202)
      accepted.push(path)
    }
    expect(server.services.sink.depth()).toBe(BUFFER_MAX_ROWS)
    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ ok: false, buffer: BUFFER_MAX_ROWS })
  })

  it('answers 503 with Retry-After once the buffer is full, without storing that request', async () => {
    const res = await post(server.url, pageview(SITE, '/refused'), { ip: '203.0.113.200' })
    expect(res.status).toBe(503)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await res.json()).toEqual({ error: 'collector is busy, retry later' })
    expect(server.services.metrics.rejectedFull).toBe(1)
  })

  it('writes every accepted event once ClickHouse is back, and nothing it refused', async () => {
    // The writer's timer tries every 100 ms; on a loaded machine the first failure may still be on its way.
    const failures = await eventually(
      async () => server.services.metrics.insertFailures,
      (n) => n > 0,
    )
    expect(failures).toBeGreaterThan(0)
    await clickhouse.setDown(false)
    const expected = ['/before', ...accepted].sort()
    const paths = await eventually(storedPaths, (p) => p.length >= expected.length, 30_000)
    expect(paths).toEqual(expected)
    expect(server.services.sink.depth()).toBe(0)
    // Failure logs name the table and the row count, never row content.
    expect(warnings.some((w) => w.includes('insert into events failed'))).toBe(true)
    expect(warnings.join('\n')).not.toMatch(/203\.0\.113|during-/)
  })

  it('accepts new events again after the outage', async () => {
    expect((await post(server.url, pageview(SITE, '/after'))).status).toBe(202)
    const paths = await eventually(storedPaths, (p) => p.includes('/after'))
    expect(paths).toContain('/after')
  })
})
