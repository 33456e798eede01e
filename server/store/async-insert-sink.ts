import { type EncodedEvent, EVENT_COLUMNS, encodeEvent } from '../collect/event-values.ts'
import type { ClickRow, EventRow } from '../collect/types.ts'
import type { Metrics } from '../metrics.ts'
import type { Ch, Settings } from './client.ts'
import type { EventSink } from './writer.ts'

/**
 * ClickHouse batches these inserts server-side (`async_insert`) and acknowledges only once the
 * batch is durable (`wait_for_async_insert`), so a resolved insert means the rows are stored.
 */
export const ASYNC_INSERT_SETTINGS: Settings = { async_insert: 1, wait_for_async_insert: 1 }

export interface AsyncInsertOptions {
  /**
   * Keeps the runtime alive for a promise after the response is sent: `ctx.waitUntil` on
   * Workers; on long-lived servers a no-op is enough (the sink tracks its own promises).
   */
  waitUntil: (promise: Promise<unknown>) => void
  /** Rows in flight before `add` refuses (-> 503); bounds memory during an outage. */
  maxInFlightRows: number
  /** Attempts per insert, including the first (default 4). */
  attempts?: number
  /** First backoff delay; doubles per retry (default 200 ms: 200, 400, 800). */
  retryBaseMs?: number
  log?: (message: string) => void
  /** Injected for tests; `setTimeout` by default. */
  sleep?: (ms: number) => Promise<void>
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The edge sink: each accepted request becomes one insert per table with ClickHouse async
 * inserts, started at once and handed to `waitUntil`, so the visitor's 202 does not wait for it.
 * A failed insert is retried a few times with exponential backoff inside that same promise;
 * after the last attempt the rows are counted as failed (`crumbless_insert_failures_total`) and
 * logged without their content, never thrown at the visitor.
 *
 * Unlike the Node {@link BatchWriter}, this sink holds rows only for the few seconds of its
 * retries: an edge isolate may be frozen or evicted at any time after the response, so there
 * is nowhere durable to keep a buffer. A ClickHouse outage longer than the retry window (4 attempts,
 * 1.4 s of backoff plus the request timeouts; the edge client keeps the whole inside Workers' 30 s
 * `waitUntil` budget) loses the events that arrive during it; they are counted as
 * `crumbless_events_dropped_total{reason="insert-failed"}`. Where losing them is not acceptable, run
 * the collector on Node or Bun, whose batching writer buffers up to `BUFFER_MAX_ROWS` and then answers 503.
 *
 * @example
 * const sink = new AsyncInsertSink(ch, metrics, { waitUntil: (p) => ctx.waitUntil(p), maxInFlightRows: 10_000 })
 * sink.add([row], []) // true: accepted, insert running in the background
 */
export class AsyncInsertSink implements EventSink {
  private readonly pending = new Set<Promise<void>>()
  private inFlight = 0
  private closed = false

  constructor(
    private readonly ch: Ch,
    private readonly metrics: Metrics,
    private readonly opts: AsyncInsertOptions,
  ) {}

  depth(): number {
    return this.inFlight
  }

  add(events: ReadonlyArray<EventRow | EncodedEvent>, clicks: readonly ClickRow[]): boolean {
    const rows = events.length + clicks.length
    if (this.closed || this.inFlight + rows > this.opts.maxInFlightRows) return false
    if (rows === 0) return true
    this.inFlight += rows
    this.metrics.bufferSize = this.inFlight
    const values = events.map(encodeEvent)
    const job = Promise.all([this.write('events', values, EVENT_COLUMNS), this.write('clicks', clicks)]).then(
      () => {
        this.inFlight -= rows
        this.metrics.bufferSize = this.inFlight
      },
    )
    this.pending.add(job)
    void job.finally(() => this.pending.delete(job))
    this.opts.waitUntil(job)
    return true
  }

  /** Inserts with retries; resolves either way (a failure is counted and logged, not thrown). */
  private async write(
    table: 'events' | 'clicks',
    rows: ReadonlyArray<object | string>,
    columns?: readonly string[],
  ): Promise<void> {
    if (rows.length === 0) return
    const attempts = Math.max(1, this.opts.attempts ?? 4)
    const base = this.opts.retryBaseMs ?? 200
    const sleep = this.opts.sleep ?? defaultSleep
    const started = Date.now()
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ch.insert(table, rows, ASYNC_INSERT_SETTINGS, columns)
        this.metrics.insertedRows(table, rows.length)
        this.metrics.batchLatency(Date.now() - started)
        return
      } catch (err) {
        this.metrics.insertFailures += 1
        // Error text comes from ClickHouse or the network layer: it may quote SQL, never row values.
        const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
        if (attempt >= attempts) {
          this.metrics.drop('insert-failed', rows.length)
          this.opts.log?.(
            `insert into ${table} failed after ${attempt} attempts, ${rows.length} rows lost: ${reason}`,
          )
          return
        }
        this.metrics.insertRetries += 1
        await sleep(base * 2 ** (attempt - 1))
      }
    }
  }

  /** Resolves when every insert started so far has landed or given up. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  async close(): Promise<void> {
    this.closed = true
    await this.flush()
  }
}
