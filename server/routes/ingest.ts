import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ingestRequest, pickIngestHeaders, type SinkOutcome } from '../collect/ingest.ts'
import type { Site } from '../collect/types.ts'
import type { Services } from '../services.ts'

export const MAX_BODY_BYTES = 16 * 1024

const CORS = { 'Access-Control-Allow-Origin': '*' }
const TOO_LARGE = { error: `body is larger than ${MAX_BODY_BYTES} bytes` }
const RETRY_LATER = { ...CORS, 'Retry-After': '5' }
const STORAGE_ERROR = 'storage is not reachable, retry later'
// A plain header object (not c.header(), which builds a Headers instance) keeps the 202 on
// @hono/node-server's fast response path.
const ACCEPTED: ResponseInit = { status: 202, headers: CORS }

/**
 * `POST /api/event`: the wire format of DESIGN.md. Answers 202 for stored and deliberately
 * dropped events alike (`x-crumbless-dropped` names the reason), 400/413/429 for bad or
 * excessive input, 503 when the write buffer is full.
 *
 * @example
 * app.route('/', ingestRoutes(services))
 */
export function ingestRoutes(s: Services): Hono {
  const app = new Hono()
  // Hand-written CORS and size checks: hono/cors plus hono/body-limit (which re-wraps every body in
  // a counting stream) cost two thirds of ingest throughput in the benchmark.
  app.options('/api/event', (c) =>
    c.body(null, 204, {
      ...CORS,
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': c.req.header('access-control-request-headers') ?? 'Content-Type',
      'Access-Control-Max-Age': '86400',
    }),
  )
  // Bodies without a Content-Length (chunked) are still counted as they stream in.
  const limitChunked = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(TOO_LARGE, 413, CORS) })
  app.post(
    '/api/event',
    (c, next) => {
      const length = c.req.header('content-length')
      if (length === undefined) return limitChunked(c, next)
      return Number(length) > MAX_BODY_BYTES ? c.json(TOO_LARGE, 413, CORS) : next()
    },
    async (c) => {
      const body = await c.req.text()
      let sites: ReadonlyMap<string, Site>
      let salt: Uint8Array
      try {
        // The cached copies without an await when there are some: two promise hops per request.
        sites = s.sites.cached() ?? (await s.sites.all())
        salt = s.salts.cachedToday() ?? (await s.salts.today())
      } catch {
        // Only reachable before the first successful read: later, cached copies are used.
        return c.json({ error: STORAGE_ERROR }, 503, RETRY_LATER)
      }
      const header = s.requestHeaders(c)
      const remote = s.remoteAddr(c)
      const now = s.now()
      const outcome = s.ingestOffload
        ? await s.ingestOffload({ body, remote, headers: pickIngestHeaders(header), now }, { sites, salt })
        : ingestRequest(
            { body, remote, header, now },
            {
              sites,
              salt,
              trusted: s.trusted,
              limiter: s.ingestLimit,
              policy: s.policy,
              country: (ip) => s.country(ip, c),
              hash: s.visitorHash,
            },
          )
      return answer(s, outcome)
    },
  )
  return app
}

/** An ingest answer as plain parts, so a runtime's own HTTP fast path can send it too. */
export interface IngestAnswer {
  status: 202 | 400 | 429 | 500 | 503
  headers: Readonly<Record<string, string>>
  /** JSON text, or `null` for an empty body. */
  body: string | null
}

const JSON_TYPE = { 'content-type': 'application/json' }
const ACCEPTED_ANSWER: IngestAnswer = { status: 202, headers: CORS, body: null }

function jsonAnswer(
  status: IngestAnswer['status'],
  error: string,
  headers: Record<string, string>,
): IngestAnswer {
  return { status, headers: { ...headers, ...JSON_TYPE }, body: JSON.stringify({ error }) }
}

/** What a route answers when the pipeline threw on a request (the message never echoes request data). */
export const INTERNAL_ERROR: IngestAnswer = jsonAnswer(500, 'internal error', {})

/** What the route answers when the sites or today's salt cannot be read (before any was cached). */
export const STORAGE_UNREACHABLE: IngestAnswer = jsonAnswer(503, STORAGE_ERROR, RETRY_LATER)

/**
 * Applies an outcome (rows to the sink, drop and rejection counters) and says what to answer:
 * `202` for stored and dropped events (`x-crumbless-dropped` names the reasons), `400`, `429`, or
 * `503` when the write buffer is full.
 *
 * @example
 * const { status, headers, body } = ingestAnswer(services, outcome)
 */
export function ingestAnswer(s: Services, outcome: SinkOutcome): IngestAnswer {
  if (outcome.status === 429) {
    s.metrics.drop('rate')
    const headers = { ...CORS, 'Retry-After': String(outcome.retryAfter), 'x-crumbless-dropped': 'rate' }
    return jsonAnswer(429, 'too many requests from this client', headers)
  }
  if (outcome.status === 400) return jsonAnswer(400, outcome.error, CORS)
  if (outcome.events.length > 0 || outcome.clicks.length > 0) {
    if (!s.sink.add(outcome.events, outcome.clicks)) {
      s.metrics.rejectedFull += 1
      return jsonAnswer(503, 'collector is busy, retry later', RETRY_LATER)
    }
    s.metrics.accepted += outcome.events.length
  }
  if (outcome.dropped.length === 0) return ACCEPTED_ANSWER
  for (const reason of outcome.dropped) s.metrics.drop(reason)
  const dropped = [...new Set(outcome.dropped)].join(',')
  return { status: 202, headers: { ...CORS, 'x-crumbless-dropped': dropped }, body: null }
}

function answer(s: Services, outcome: SinkOutcome): Response {
  const a = ingestAnswer(s, outcome)
  // The shared init object keeps the common 202 on @hono/node-server's fast response path.
  if (a === ACCEPTED_ANSWER) return new Response(null, ACCEPTED)
  return new Response(a.body, { status: a.status, headers: a.headers })
}
