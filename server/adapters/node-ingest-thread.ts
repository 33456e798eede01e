import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { buildSync } from 'esbuild'
import {
  type IngestOutcome,
  type PickedIngest,
  pickIngestHeaders,
  type SinkOutcome,
} from '../collect/ingest.ts'
import type { CollectPolicy } from '../collect/pipeline.ts'
import type { Site } from '../collect/types.ts'
import type { IngestOffload } from '../services.ts'
import { IdQueue } from './id-queue.ts'
import {
  type IngestBatch,
  type IngestReply,
  type IngestToWorker,
  type NodeHeaders,
  nodeHeader,
  pushRequestSlots,
  readOutcome,
  requestFromSlots,
} from './node-ingest-messages.ts'

/** What the worker thread is started with (`workerData`). */
export interface IngestThreadOptions {
  /** The MMDB country database; on a SharedArrayBuffer the worker reads it without a copy. */
  mmdb: Uint8Array
  trustedProxies: string[]
  rateLimit: number
  policy: CollectPolicy
}

type Request = PickedIngest
/**
 * A batch goes to the worker once it holds this many requests, without waiting for the end of the
 * event-loop turn. Under load one turn reads a request from every busy connection; sent as one
 * batch, the worker idles while this thread reads them all, and this thread then idles while the
 * worker runs them. Smaller batches overlap the two (wrk, 50 connections, alternating runs on
 * 2 cores: 15,200-17,300 req/s against 8,900-16,800 with one batch per turn).
 */
const BATCH_MAX = 16
type State = Parameters<IngestOffload>[1]
/**
 * The worker's code as one CommonJS bundle, built with esbuild when first needed: a bundled worker
 * needs no TypeScript loader of its own, which keeps its memory and start-up small.
 */
let bundled: string | null = null
function workerSource(): string {
  bundled ??=
    buildSync({
      entryPoints: [fileURLToPath(new URL('./node-ingest-worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    }).outputFiles[0]?.text ?? ''
  return bundled
}

interface Waiter {
  /** The batch array holding the request's slots (kept for the inline fallback), and where they start. */
  slots: ReadonlyArray<string | number | null>
  at: number
  state: State
  done: IngestDone
}

/**
 * Runs the ingest pipeline on one worker thread, so the HTTP thread only reads requests and
 * answers them. Requests that arrive in the same event-loop turn travel as one message (of at most
 * {@link BATCH_MAX}), and its outcomes come back as one. Sites and salt are sent when they change.
 * If the worker dies, the requests it held and every later one run on this thread through
 * `inline`: nothing accepted is lost, because rows reach the writer only on this thread, after an
 * outcome.
 *
 * @example
 * const thread = new IngestThread(options, (request, state) => ingestRequest(...), log.warn)
 * const outcome = await thread.run({ body, remote, headers, now }, { sites, salt })
 */
export class IngestThread {
  private worker: Worker | null
  private readonly waiting = new IdQueue<Waiter>()
  /** Slots of the requests queued for the next batch. */
  private slots: Array<string | number | null> = []
  private queued = 0
  private sentSites: ReadonlyMap<string, Site> | null = null
  private sentSalt: Uint8Array | null = null

  constructor(
    options: IngestThreadOptions,
    private readonly inline: (request: Request, state: State) => IngestOutcome,
    private readonly log: (message: string) => void,
  ) {
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData: options,
      // Ingest garbage dies young, and what lives (the UA and bot caches) is a few MB: small heap
      // limits keep the worker's memory down. Should they ever be hit, the worker ends and ingest
      // goes on inline (see lose()). The young generation is 16 MB rather than 8: each scavenge
      // costs about the same whatever its size (few objects survive), so half as many of them cost
      // less CPU (ARCHITECTURE.md, "The ingest worker thread"), for ~5 MB more resident memory.
      resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 64 },
    })
    worker.on('message', (reply: IngestReply) => this.settle(reply))
    worker.on('error', (err) => this.lose(`ingest worker failed (${err.name}); ingest runs inline`))
    worker.on('exit', (code) => this.lose(`ingest worker exited (${code}); ingest runs inline`))
    // The HTTP server keeps the process alive; the worker alone should not.
    worker.unref()
    this.worker = worker
  }

  /** {@link IngestOffload}: the outcome of one request, computed on the worker thread. */
  readonly run: IngestOffload = (request, state) =>
    new Promise((resolve, reject) => {
      this.runNode(request.headers, request.body, request.remote, request.now, state, (err, outcome) => {
        if (outcome) resolve(outcome)
        else reject(err ?? new Error('the ingest pipeline failed on a request'))
      })
    })

  /**
   * {@link run} for a request read by Node's HTTP server: the headers are Node's parsed ones, of
   * which only the {@link INGEST_HEADERS} are copied. The outcome comes through a callback rather
   * than a promise (no promise and no microtask per request on the HTTP thread); `done` is called
   * once: later, or at once when the pipeline runs inline.
   */
  runNode(
    headers: NodeHeaders,
    body: string,
    remote: string,
    now: number,
    state: State,
    done: IngestDone,
  ): void {
    const worker = this.worker
    if (!worker) {
      settleInline(done, () => this.inline(requestOf(headers, body, remote, now), state))
      return
    }
    if (state.sites !== this.sentSites || state.salt !== this.sentSalt) {
      // Requests queued before the change go out first, with the state they arrived under.
      this.send()
      worker.postMessage({ type: 'state', sites: state.sites, salt: state.salt } satisfies IngestToWorker)
      this.sentSites = state.sites
      this.sentSalt = state.salt
    }
    if (this.queued === 0) setImmediate(() => this.send())
    const slots = this.slots
    const at = slots.length
    pushRequestSlots(slots, body, remote, now, headers)
    this.queued += 1
    this.waiting.push({ slots, at, state, done })
    // After the push: send() numbers the batch from the newest waiter.
    if (this.queued >= BATCH_MAX) this.send()
  }

  /** Requests in flight (queued or on the worker). */
  pending(): number {
    return this.waiting.size
  }

  async close(): Promise<void> {
    const worker = this.worker
    if (!worker) return
    this.send()
    // Let the worker answer what it holds, then stop it.
    const deadline = Date.now() + 5_000
    while (this.waiting.size > 0 && this.worker && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5))
    }
    this.worker = null
    this.runInline()
    await worker.terminate()
  }

  private send(): void {
    if (this.queued === 0 || !this.worker) return
    // The queued requests are the newest waiters, so the first of them has this id.
    const first = this.waiting.nextId - this.queued
    const batch: IngestBatch = { type: 'batch', first, slots: this.slots }
    this.slots = []
    this.queued = 0
    this.worker.postMessage(batch)
  }

  private settle(reply: IngestReply): void {
    let at = 0
    for (let id = reply.first; at < reply.outcomes.length; id++) {
      const [outcome, next] = readOutcome(reply.outcomes, at)
      at = next
      const waiter = this.waiting.take(id)
      if (!waiter) continue
      if (outcome) settleWith(waiter.done, null, outcome)
      else settleWith(waiter.done, new Error('the ingest pipeline failed on a request'), null)
    }
  }

  private lose(message: string): void {
    if (!this.worker) return
    this.worker = null
    this.slots = []
    this.queued = 0
    this.log(message)
    this.runInline()
  }

  private runInline(): void {
    for (const waiter of this.waiting.drain()) {
      settleInline(waiter.done, () => this.inline(requestFromSlots(waiter.slots, waiter.at), waiter.state))
    }
  }
}

/** How a request's outcome is handed back: an error, or the outcome. It should not throw. */
export type IngestDone = (err: Error | null, outcome: SinkOutcome | null) => void

function settleWith(done: IngestDone, err: Error | null, outcome: SinkOutcome | null): void {
  try {
    done(err, outcome)
  } catch {
    // A callback that throws anyway must not strand the other requests of its batch, nor escape
    // into the worker's message event, where it would end the process.
  }
}

function settleInline(done: IngestDone, run: () => IngestOutcome): void {
  let outcome: IngestOutcome
  try {
    outcome = run()
  } catch (err) {
    settleWith(done, err instanceof Error ? err : new Error(String(err)), null)
    return
  }
  settleWith(done, null, outcome)
}

function requestOf(headers: NodeHeaders, body: string, remote: string, now: number): Request {
  return { body, remote, now, headers: pickIngestHeaders((name) => nodeHeader(headers, name)) }
}
