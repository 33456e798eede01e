/**
 * The ingest worker thread: runs {@link ingestPicked} for batches of requests the HTTP thread
 * hands over, with its own country lookup and rate limiter. `node-ingest-thread.ts` bundles this
 * file with esbuild and starts it; the messages are described there.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { parseTrustedProxies } from '../collect/client-ip.ts'
import { type EncodedEvent, encodeEvent } from '../collect/event-values.ts'
import { createCountryLookup } from '../collect/geo.ts'
import { type IngestEnv, type IngestOutcome, ingestPicked } from '../collect/ingest.ts'
import type { Site } from '../collect/types.ts'
import { RateLimiter } from '../rate-limit.ts'
import type { IngestBatch, IngestReply, IngestThreadOptions, IngestToWorker } from './node-ingest-thread.ts'
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
  const outcomes: Array<IngestOutcome<EncodedEvent> | null> = []
  for (const item of batch.items) {
    try {
      const outcome = ingestPicked(item, env)
      // One JSON string per event clones far faster than a 25-key object, on both threads.
      outcomes.push(
        outcome.status === 202 ? { ...outcome, events: outcome.events.map(encodeEvent) } : outcome,
      )
    } catch {
      // The HTTP thread answers 500 for this one request; the message never carries request data.
      outcomes.push(null)
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
