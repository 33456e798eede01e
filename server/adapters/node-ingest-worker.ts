/**
 * The ingest worker thread: runs {@link ingestRequest} for batches of requests the HTTP thread
 * hands over, with its own country lookup and rate limiter. `node-ingest-thread.ts` bundles this
 * file with esbuild and starts it; the messages are described in `node-ingest-messages.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { parseTrustedProxies } from '../collect/client-ip.ts'
import { encodeEvent } from '../collect/event-values.ts'
import { createCountryLookup } from '../collect/geo.ts'
import { type IngestEnv, ingestRequest } from '../collect/ingest.ts'
import type { HeaderGetter, Site } from '../collect/types.ts'
import { RateLimiter } from '../rate-limit.ts'
import {
  type IngestBatch,
  type IngestReply,
  type IngestToWorker,
  pushOutcome,
  REQUEST_SLOTS,
  slotHeader,
} from './node-ingest-messages.ts'
import type { IngestThreadOptions } from './node-ingest-thread.ts'
import { wasmKeyedHash } from './wasm-keyed-hash.ts'

const port = parentPort
if (!port) throw new Error('node-ingest-worker runs as a worker thread')
const opts = workerData as IngestThreadOptions
const country = createCountryLookup(opts.mmdb)
const base: Omit<IngestEnv, 'sites' | 'salt'> = {
  trusted: parseTrustedProxies(opts.trustedProxies),
  limiter: new RateLimiter(opts.rateLimit, 60_000),
  policy: opts.policy,
  country,
  hash: wasmKeyedHash().hash,
}
let sites: ReadonlyMap<string, Site> = new Map()
let salt: Uint8Array = new Uint8Array(32)

function run(batch: IngestBatch): IngestReply {
  const env: IngestEnv = { ...base, sites, salt }
  const slots = batch.slots
  const outcomes: unknown[] = []
  let at = 0
  // One getter for the whole batch, reading the slots of the request at `at`.
  const header: HeaderGetter = (name) => slotHeader(slots, at, name)
  for (; at < slots.length; at += REQUEST_SLOTS) {
    try {
      const raw = {
        body: String(slots[at]),
        remote: String(slots[at + 1]),
        header,
        now: Number(slots[at + 2]),
      }
      const outcome = ingestRequest(raw, env)
      // One JSON string per event clones far faster than a 25-key object, on both threads.
      pushOutcome(
        outcomes,
        outcome.status === 202 ? { ...outcome, events: outcome.events.map(encodeEvent) } : outcome,
      )
    } catch {
      // The HTTP thread answers 500 for this one request; the message never carries request data.
      pushOutcome(outcomes, null)
    }
  }
  return { type: 'outcomes', first: batch.first, outcomes }
}

port.on('message', (message: IngestToWorker) => {
  if (message.type === 'state') {
    sites = message.sites
    salt = message.salt
    return
  }
  port.postMessage(run(message))
})
