import { type EncodedEvent, EVENT_COLUMNS, encodeEvent } from '../collect/event-values.ts'
import type { ClickRow, EventRow } from '../collect/types.ts'
import type { Config } from '../config.ts'
import type { Metrics } from '../metrics.ts'
import type { Ch } from './client.ts'
import { joinLines, LineBuffer, type Lines, splitLines } from './line-buffer.ts'

/** Where accepted rows go. The Node writer batches; edge sinks hand rows to async inserts. */
export interface EventSink {
  /**
   * Queues rows (events as objects, or already as {@link EncodedEvent}); `false` when the buffer is
   * full and the caller must answer 503.
   */
  add(events: ReadonlyArray<EventRow | EncodedEvent>, clicks: readonly ClickRow[]): boolean
  /** Rows accepted but not yet written. */
  depth(): number
  flush(): Promise<void>
  close(): Promise<void>
}

export interface WriterOptions {
  flushIntervalMs: number
  flushMaxRows: number
  bufferMaxRows: number
  retryBaseMs?: number
  retryMaxMs?: number
  log?: (message: string) => void
}

/** The writer options an adapter takes from its config. */
export function writerOptions(config: Config, log: (message: string) => void): WriterOptions {
  return {
    flushIntervalMs: config.flushIntervalMs,
    flushMaxRows: config.flushMaxRows,
    bufferMaxRows: config.bufferMaxRows,
    log,
  }
}

/** The cell key of the click aggregate; clicks are pre-summed in memory before they are written. */
function clickKey(c: ClickRow): string {
  return `${c.site_id}\u0000${c.day}\u0000${c.path}\u0000${c.width_bucket}\u0000${c.x}\u0000${c.y}\u0000${c.rage}`
}

type Timer = ReturnType<typeof setInterval>

/**
 * Batching writer: flushes every `flushIntervalMs` or at `flushMaxRows`, one insert per table
 * per flush. A failed insert keeps its rows at the head of the buffer and is retried with
 * exponential backoff; the buffer is bounded, so a long outage turns into 503s, not memory growth.
 *
 * @example
 * const writer = new BatchWriter(ch, metrics, { flushIntervalMs: 1000, flushMaxRows: 5000, bufferMaxRows: 200_000 })
 * writer.add([row], [])
 * await writer.close()
 */
export class BatchWriter implements EventSink {
  /** Encoded events waiting for the next flush. */
  private lines = new LineBuffer()
  /** Events of a failed insert: written first, before newer ones. */
  private retained: Lines | null = null
  private clicks = new Map<string, ClickRow>()
  private inflight = 0
  private running: Promise<void> | null = null
  private failures = 0
  private retryAt = 0
  private timer: Timer | null
  private closed = false

  constructor(
    private readonly ch: Ch,
    private readonly metrics: Metrics,
    private readonly opts: WriterOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.tick(), opts.flushIntervalMs)
    // Node keeps the process alive for a pending interval; the writer should not.
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  depth(): number {
    return this.queuedEvents() + this.clicks.size + this.inflight
  }

  private queuedEvents(): number {
    return this.lines.rows + (this.retained?.rows ?? 0)
  }

  add(events: ReadonlyArray<EventRow | EncodedEvent>, clicks: readonly ClickRow[]): boolean {
    if (this.closed) return false
    if (this.depth() + events.length + clicks.length > this.opts.bufferMaxRows) return false
    // Encoded now rather than at flush: the work is spread over requests, not one long pause, and a
    // buffered event is bytes outside the JS heap.
    for (const e of events) this.lines.push(encodeEvent(e))
    for (const c of clicks) this.addClick(c)
    this.metrics.bufferSize = this.depth()
    // One size-triggered flush at a time: chaining one per add() while an insert is slow piles up
    // promises (each chained flush re-chains on the next), which grows without bound under load.
    if (this.queuedEvents() >= this.opts.flushMaxRows && this.failures === 0 && !this.running)
      void this.flush()
    return true
  }

  private addClick(c: ClickRow): void {
    const key = clickKey(c)
    const prev = this.clicks.get(key)
    if (prev) prev.clicks += c.clicks
    else this.clicks.set(key, { ...c })
  }

  private tick(): void {
    if (this.running || this.now() < this.retryAt) return
    if (this.queuedEvents() === 0 && this.clicks.size === 0) return
    void this.flush()
  }

  /** Writes what is buffered now; resolves when that attempt ends (failed rows stay queued). */
  flush(): Promise<void> {
    if (this.running) return this.running.then(() => this.flush())
    this.running = this.writeOnce().finally(() => {
      this.running = null
      // Rows that arrived during a slow insert go out at once instead of waiting for the timer.
      if (this.queuedEvents() >= this.opts.flushMaxRows && this.failures === 0 && !this.closed)
        void this.flush()
      this.metrics.bufferSize = this.depth()
    })
    return this.running
  }

  private async writeOnce(): Promise<void> {
    const fresh = this.lines.take()
    const events = this.retained ? joinLines(this.retained, fresh) : fresh
    const clicks = [...this.clicks.values()]
    this.retained = null
    this.clicks = new Map()
    this.inflight = events.rows + clicks.length
    const started = this.now()
    let ok = true
    try {
      await this.insertEvents(events)
      this.metrics.insertedRows('events', events.rows)
      this.lines.recycle(events.body)
    } catch (err) {
      ok = false
      this.retained = events
      this.fail('events', events.rows, err)
    }
    this.inflight = clicks.length
    try {
      await this.ch.insert('clicks', clicks)
      this.metrics.insertedRows('clicks', clicks.length)
    } catch (err) {
      ok = false
      for (const c of clicks) this.addClick(c)
      this.fail('clicks', clicks.length, err)
    }
    this.inflight = 0
    if (ok) {
      this.failures = 0
      this.retryAt = 0
      if (events.rows + clicks.length > 0) this.metrics.batchLatency(this.now() - started)
    }
  }

  private async insertEvents(events: Lines): Promise<void> {
    if (events.rows === 0) return
    if (this.ch.insertLines) await this.ch.insertLines('events', EVENT_COLUMNS, events.body)
    else await this.ch.insert('events', splitLines(events), undefined, EVENT_COLUMNS)
  }

  private fail(table: string, rows: number, err: unknown): void {
    this.metrics.insertFailures += 1
    if (this.failures > 0) this.metrics.insertRetries += 1
    this.failures += 1
    const base = this.opts.retryBaseMs ?? 250
    const delay = Math.min(this.opts.retryMaxMs ?? 30_000, base * 2 ** Math.min(this.failures - 1, 16))
    this.retryAt = this.now() + delay
    // The error text comes from ClickHouse and may quote SQL but never row values.
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
    this.opts.log?.(`insert into ${table} failed (${rows} rows kept, retry in ${delay} ms): ${reason}`)
  }

  /**
   * Stops the timer and writes everything left, retrying with backoff for up to `deadlineMs`.
   * Rows that still cannot be written are reported, never silently discarded.
   */
  async close(deadlineMs = 30_000): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const end = this.now() + deadlineMs
    while (this.depth() > 0 && this.now() < end) {
      const wait = this.retryAt - this.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, end - this.now())))
      await this.flush()
    }
    if (this.depth() > 0) this.opts.log?.(`shutdown: ${this.depth()} rows could not be written`)
  }
}
