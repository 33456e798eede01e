import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Metrics } from '../../server/metrics.ts'
import type { Ch } from '../../server/store/client.ts'
import { BatchWriter } from '../../server/store/writer.ts'
import { beforeInserts, failingInserts, freshEngine } from '../support/engine.ts'
import { clickRow, eventRow } from '../support/rows.ts'

let ch: Ch
const count = async (table: string, site: string) =>
  (await ch.query<{ n: number }>(`SELECT count() n FROM ${table} WHERE site_id = {s:String}`, { s: site }))[0]
    ?.n

beforeAll(async () => {
  ch = (await freshEngine()).ch
})
afterAll(() => ch.close())

describe('BatchWriter', () => {
  it('writes buffered rows on flush and sums clicks per cell before inserting', async () => {
    const writer = new BatchWriter(ch, new Metrics(), {
      flushIntervalMs: 60_000,
      flushMaxRows: 1000,
      bufferMaxRows: 100,
    })
    const site = 'sum.test'
    expect(writer.add([eventRow({ site_id: site }), eventRow({ site_id: site })], [])).toBe(true)
    writer.add(
      [],
      [clickRow({ site_id: site }), clickRow({ site_id: site }), clickRow({ site_id: site, rage: 1 })],
    )
    expect(writer.depth()).toBe(4)
    await writer.close()
    expect(await count('events', site)).toBe(2)
    const cells = await ch.query<{ rage: number; clicks: number }>(
      'SELECT rage, sum(clicks) clicks FROM clicks WHERE site_id = {s:String} GROUP BY rage ORDER BY rage',
      { s: site },
    )
    expect(cells).toEqual([
      { rage: 0, clicks: 2 },
      { rage: 1, clicks: 1 },
    ])
  })

  it('stores events byte for byte, through raw lines (chDB) and through row inserts (engines without them)', async () => {
    expect(ch.insertLines).toBeTypeOf('function')
    const { insertLines: _raw, ...rowsOnly } = ch
    const paths = ['/plain', '/ü/€/😀', '/quote"and\\backslash', '/line\u2028sep', `/${'long-'.repeat(400)}`]
    for (const [engine, site] of [
      [ch, 'bytes-raw.test'],
      [rowsOnly, 'bytes-rows.test'],
    ] as const) {
      const writer = new BatchWriter(engine, new Metrics(), {
        flushIntervalMs: 60_000,
        flushMaxRows: 3,
        bufferMaxRows: 1000,
      })
      for (let i = 0; i < 40; i++)
        writer.add([eventRow({ site_id: site, path: paths[i % paths.length] ?? '' })], [])
      await writer.close()
      const stored = await ch.query<{ path: string; n: number }>(
        'SELECT path, count() n FROM events WHERE site_id = {s:String} GROUP BY path ORDER BY path',
        { s: site },
      )
      expect(stored).toEqual([...paths].sort().map((path) => ({ path, n: 8 })))
    }
  })

  it('refuses rows beyond the buffer bound instead of growing', async () => {
    const metrics = new Metrics()
    const writer = new BatchWriter(ch, metrics, {
      flushIntervalMs: 60_000,
      flushMaxRows: 1000,
      bufferMaxRows: 3,
    })
    const site = 'bound.test'
    expect(writer.add([eventRow({ site_id: site }), eventRow({ site_id: site })], [])).toBe(true)
    expect(writer.add([eventRow({ site_id: site }), eventRow({ site_id: site })], [])).toBe(false)
    expect(writer.depth()).toBe(2)
    expect(writer.add([eventRow({ site_id: site })], [])).toBe(true)
    await writer.close()
    expect(await count('events', site)).toBe(3)
  })

  it('keeps rows of a failed insert and retries until they land', async () => {
    const failing = failingInserts(ch)
    const metrics = new Metrics()
    const writer = new BatchWriter(failing.ch, metrics, {
      flushIntervalMs: 20,
      flushMaxRows: 1000,
      bufferMaxRows: 100,
      retryBaseMs: 10,
    })
    const site = 'retry.test'
    failing.failNext(3)
    writer.add([eventRow({ site_id: site }), eventRow({ site_id: site })], [clickRow({ site_id: site })])
    await expect.poll(() => count('events', site), { timeout: 10_000 }).toBe(2)
    await expect.poll(() => count('clicks', site), { timeout: 10_000 }).toBe(1)
    expect(metrics.insertFailures).toBe(3)
    expect(metrics.insertRetries).toBeGreaterThanOrEqual(2)
    expect(metrics.inserted.get('events')).toBe(2)
    await writer.close()
  })

  it('flushes on close even while the engine fails at first', async () => {
    const failing = failingInserts(ch)
    const writer = new BatchWriter(failing.ch, new Metrics(), {
      flushIntervalMs: 60_000,
      flushMaxRows: 1000,
      bufferMaxRows: 100,
      retryBaseMs: 10,
    })
    const site = 'close.test'
    writer.add([eventRow({ site_id: site })], [])
    failing.failNext(2)
    await writer.close()
    expect(await count('events', site)).toBe(1)
    expect(writer.depth()).toBe(0)
  })
  it('starts one size-triggered insert at a time while an insert is slow, then writes the backlog at once', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const tables: string[] = []
    const slow = beforeInserts(ch, async (table) => {
      tables.push(table)
      await gate
    })
    const writer = new BatchWriter(slow, new Metrics(), {
      flushIntervalMs: 60_000,
      flushMaxRows: 10,
      bufferMaxRows: 10_000,
    })
    const site = 'slow.test'
    for (let i = 0; i < 500; i++) writer.add([eventRow({ site_id: site })], [])
    // The first batch of 10 is held at the gate; the other 490 rows wait for it instead of each add()
    // queueing another flush.
    expect(tables).toEqual(['events'])
    release()
    await expect.poll(() => count('events', site), { timeout: 10_000 }).toBe(500)
    expect(tables.filter((t) => t === 'events').length).toBe(2)
    await writer.close()
  })
})
