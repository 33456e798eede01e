import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Metrics } from '../../server/metrics.ts'
import { AsyncInsertSink } from '../../server/store/async-insert-sink.ts'
import type { Ch } from '../../server/store/client.ts'
import { failingInserts, freshEngine } from '../support/engine.ts'
import { clickRow, eventRow } from '../support/rows.ts'

let engine: Ch
let dir: string
let faulty: ReturnType<typeof failingInserts>

beforeAll(async () => {
  ;({ ch: engine, dir } = await freshEngine())
  faulty = failingInserts(engine)
})
afterAll(async () => {
  await engine.close()
  rmSync(dir, { recursive: true, force: true })
})

async function countPath(path: string): Promise<number> {
  const [row] = await engine.query<{ n: number }>('SELECT count() AS n FROM events WHERE path = {p:String}', {
    p: path,
  })
  return row?.n ?? -1
}

const usedSettings: unknown[] = []

function sinkWith(over: Partial<ConstructorParameters<typeof AsyncInsertSink>[2]> = {}) {
  const metrics = new Metrics()
  const recording: Ch = {
    ...faulty.ch,
    insert: (table, rows, settings, columns) => {
      usedSettings.push(settings)
      return faulty.ch.insert(table, rows, settings, columns)
    },
  }
  const handed: Promise<unknown>[] = []
  const logs: string[] = []
  const sink = new AsyncInsertSink(recording, metrics, {
    maxInFlightRows: 100,
    waitUntil: (p) => handed.push(p),
    sleep: () => Promise.resolve(),
    log: (m) => logs.push(m),
    ...over,
  })
  return { sink, metrics, handed, logs }
}

describe('AsyncInsertSink (edge)', () => {
  it('accepts at once and hands the running insert to waitUntil; the rows are stored when it settles', async () => {
    const { sink, metrics, handed } = sinkWith()
    const row = eventRow({ path: '/edge-once' })
    expect(sink.add([row], [clickRow({ path: '/edge-once', clicks: 3 })])).toBe(true)
    expect(sink.depth()).toBe(2)
    expect(handed).toHaveLength(1)
    await Promise.all(handed)
    expect(await countPath('/edge-once')).toBe(1)
    const [cells] = await engine.query<{ n: number }>(
      "SELECT sum(clicks) AS n FROM clicks WHERE path = '/edge-once'",
    )
    expect(cells?.n).toBe(3)
    expect(sink.depth()).toBe(0)
    expect(metrics.inserted.get('events')).toBe(1)
    expect(metrics.inserted.get('clicks')).toBe(1)
    expect(usedSettings).toEqual([
      { async_insert: 1, wait_for_async_insert: 1 },
      { async_insert: 1, wait_for_async_insert: 1 },
    ])
  })

  it('retries a failed insert inside the same promise and counts the retries', async () => {
    const { sink, metrics, handed } = sinkWith()
    faulty.failNext(2)
    expect(sink.add([eventRow({ path: '/edge-retry' })], [])).toBe(true)
    await Promise.all(handed)
    expect(await countPath('/edge-retry')).toBe(1)
    expect(metrics.insertFailures).toBe(2)
    expect(metrics.insertRetries).toBe(2)
  })

  it('gives up after the last attempt: the rows are counted as lost and logged without their content, never thrown', async () => {
    const { sink, metrics, handed, logs } = sinkWith({ attempts: 3 })
    faulty.failNext(3)
    expect(sink.add([eventRow({ path: '/edge-lost', country: 'ZZ' })], [])).toBe(true)
    await expect(Promise.all(handed)).resolves.toBeDefined()
    expect(await countPath('/edge-lost')).toBe(0)
    expect(metrics.insertFailures).toBe(3)
    expect(metrics.dropped.get('insert-failed')).toBe(1)
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatch(/insert into events failed after 3 attempts, 1 rows lost/)
    expect(logs[0]).not.toMatch(/edge-lost|ZZ/)
  })

  it('refuses rows beyond maxInFlightRows until the inserts in flight have ended', async () => {
    const { sink, handed } = sinkWith({ maxInFlightRows: 2 })
    expect(sink.add([eventRow(), eventRow(), eventRow()], [])).toBe(false)
    expect(sink.add([eventRow({ path: '/edge-bound' }), eventRow({ path: '/edge-bound' })], [])).toBe(true)
    expect(sink.add([eventRow()], [])).toBe(false)
    await sink.flush()
    expect(handed).toHaveLength(1)
    expect(await countPath('/edge-bound')).toBe(2)
    expect(sink.add([eventRow()], [])).toBe(true)
    await sink.flush()
  })

  it('waits for inserts in flight on close and accepts nothing after', async () => {
    const { sink } = sinkWith()
    expect(sink.add([eventRow({ path: '/edge-close' })], [])).toBe(true)
    await sink.close()
    expect(await countPath('/edge-close')).toBe(1)
    expect(sink.add([eventRow()], [])).toBe(false)
  })
})
