/**
 * ClickHouse unreachable under the Workers bundle (workerd): the visitor still gets 202, the
 * failed async insert is retried in the background (ctx.waitUntil), then counted as lost — the
 * documented edge trade-off — and ingest works again once ClickHouse is back.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRuntimes } from '../../scripts/build-runtimes.ts'
import type { Ch } from '../../server/store/client.ts'
import { newSite, SiteStore } from '../../server/store/sites.ts'
import { type ClickHouseHttp, spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { FIREFOX_UA } from '../support/ingest.ts'
import {
  BIN,
  eventually,
  freePort,
  migrateOver,
  type RuntimeProcess,
  startRuntime,
  workerdConfig,
} from './runtime-process.ts'

const SITE = 'edge-outage.example'

let clickhouse: ClickHouseHttp
let ch: Ch
let worker: RuntimeProcess
let workDir: string

const send = (path: string) =>
  fetch(`${worker.url}/api/event`, {
    method: 'POST',
    headers: { 'user-agent': FIREFOX_UA, 'cf-connecting-ip': '198.51.100.7', 'content-type': 'text/plain' },
    body: JSON.stringify({ n: 'pageview', u: `https://${SITE}${path}`, d: SITE }),
  })

const stored = async (path: string) =>
  (await ch.query<{ n: number }>('SELECT count() AS n FROM events WHERE path = {p:String}', { p: path }))[0]
    ?.n ?? 0

async function metric(line: RegExp): Promise<number> {
  const text = await (await fetch(`${worker.url}/metrics`)).text()
  const m = text.split('\n').find((l) => line.test(l))
  return m ? Number(m.split(' ').pop()) : 0
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'crumbless-edge-outage-'))
  const [[bundle], server] = await Promise.all([
    buildRuntimes(['workers'], join(workDir, 'dist')),
    spawnClickHouseHttp(),
  ])
  clickhouse = server
  ch = await migrateOver(clickhouse.url)
  await new SiteStore(ch, Date.now, 0).save(newSite(SITE))
  const port = await freePort()
  const config = workerdConfig(workDir, bundle!.file, port, {
    CLICKHOUSE_URL: clickhouse.url,
  })
  worker = await startRuntime('workerd', BIN('workerd'), ['serve', config], {
    env: {},
    url: `http://127.0.0.1:${port}`,
  })
  // A running collector has its site list and today's salt cached when an outage starts.
  expect((await send('/warm')).status).toBe(202)
  expect(
    await eventually(
      () => stored('/warm'),
      (n) => n === 1,
    ),
  ).toBe(1)
}, 120_000)

afterAll(async () => {
  await clickhouse?.setDown(false)
  await worker?.stop()
  await ch?.close()
  await clickhouse?.stop()
  rmSync(workDir, { recursive: true, force: true })
})

describe('Workers bundle with ClickHouse unreachable', () => {
  it('still answers 202; after the retries the event is counted as lost, not thrown at the visitor', async () => {
    await clickhouse.setDown(true)
    const res = await send('/lost')
    expect(res.status).toBe(202)
    const lost = await eventually(
      () => metric(/^crumbless_events_dropped_total\{reason="insert-failed"\}/),
      (n) => n === 1,
    )
    expect(lost).toBe(1)
    expect(await metric(/^crumbless_insert_failures_total /)).toBe(4)
    expect(await metric(/^crumbless_insert_retries_total /)).toBe(3)
  })

  it('stores events again once ClickHouse is back (the lost one stays lost)', async () => {
    await clickhouse.setDown(false)
    expect((await send('/back')).status).toBe(202)
    expect(
      await eventually(
        () => stored('/back'),
        (n) => n === 1,
      ),
    ).toBe(1)
    expect(await stored('/lost')).toBe(0)
  })
})
