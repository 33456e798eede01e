import type { RateLimiter } from '../rate-limit.ts'
import { clientIp, type TrustedProxies } from './client-ip.ts'
import type { EncodedEvent } from './event-values.ts'
import { parsePayload } from './payload.ts'
import { type CollectPolicy, collect } from './pipeline.ts'
import type { ClickRow, DropReason, EventRow, HeaderGetter, Site } from './types.ts'
import { CLIENT_HINTS } from './user-agent.ts'
import type { KeyedHash64 } from './visitor-id.ts'

/**
 * Every request header the ingest pipeline reads (client IP, bot and privacy checks, client
 * hints). A collector that hands requests to another thread copies exactly these.
 */
export const INGEST_HEADERS = [
  'user-agent',
  'cf-connecting-ip',
  'x-real-ip',
  'x-forwarded-for',
  'sec-gpc',
  'dnt',
  ...CLIENT_HINTS,
] as const

/** One ingest request as the pipeline sees it: nothing of it outlives {@link ingestRequest}. */
export interface RawIngest {
  body: string
  /** The socket peer (or platform-reported) address. */
  remote: string
  header: HeaderGetter
  now: number
}

/** A {@link RawIngest} whose {@link INGEST_HEADERS} are copied into a plain, cloneable object. */
export interface PickedIngest {
  body: string
  remote: string
  headers: Record<string, string>
  now: number
}

/** What the pipeline needs besides the request; shared by all requests. */
export interface IngestEnv {
  sites: ReadonlyMap<string, Site>
  /** Today's (UTC) salt. */
  salt: Uint8Array
  trusted: TrustedProxies
  limiter: RateLimiter
  policy: CollectPolicy
  country: (ip: string) => string
  /** The visitor id's keyed hash; `@noble/hashes` when absent. */
  hash?: KeyedHash64
}

/** `E`: how accepted events travel; a worker thread sends them as {@link EncodedEvent} text. */
export type IngestOutcome<E = EventRow> =
  | { status: 202; events: E[]; clicks: ClickRow[]; dropped: DropReason[] }
  | { status: 400; error: string }
  | { status: 429; retryAfter: number }

/** An outcome as the route hands it to the sink: events inline as rows, from a worker as text. */
export type SinkOutcome = IngestOutcome<EventRow | EncodedEvent>

/**
 * The whole ingest decision for one request, synchronous and without I/O: client IP, rate limit,
 * payload validation, then {@link collect}. The route (or a worker thread) answers from the outcome.
 *
 * @example
 * const outcome = ingestRequest({ body, remote: '127.0.0.1', header, now: Date.now() }, env)
 * if (outcome.status === 202) sink.add(outcome.events, outcome.clicks)
 */
export function ingestRequest(raw: RawIngest, env: IngestEnv): IngestOutcome {
  const ip = clientIp(raw.remote, raw.header, env.trusted)
  if (!env.limiter.hit(ip, raw.now)) return { status: 429, retryAfter: env.limiter.retryAfter(raw.now) }
  const parsed = parsePayload(raw.body)
  if (!parsed.ok) return { status: 400, error: parsed.error }
  const facts = {
    ip,
    userAgent: raw.header('user-agent') ?? '',
    header: raw.header,
    country: env.country(ip),
    now: raw.now,
    salt: env.salt,
    hash: env.hash,
  }
  return { status: 202, ...collect(parsed.events, env.sites, facts, env.policy) }
}

/** {@link ingestRequest} for a request whose headers were picked with {@link pickIngestHeaders}. */
export function ingestPicked(request: PickedIngest, env: IngestEnv): IngestOutcome {
  const headers = request.headers
  const header: HeaderGetter = (name) => headers[name] ?? null
  return ingestRequest({ body: request.body, remote: request.remote, header, now: request.now }, env)
}

/** Copies the {@link INGEST_HEADERS} a request carries into a plain, cloneable object. */
export function pickIngestHeaders(header: HeaderGetter): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of INGEST_HEADERS) {
    const value = header(name)
    if (value != null) out[name] = value
  }
  return out
}
