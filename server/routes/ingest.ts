import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ingestRequest, pickIngestHeaders, type SinkOutcome } from '../collect/ingest.ts'
import type { Site } from '../collect/types.ts'
import type { Services } from '../services.ts'

export const MAX_BODY_BYTES = 16 * 1024

const CORS = { 'Access-Control-Allow-Origin': '*' }
const TOO_LARGE = { error: `body is larger than ${MAX_BODY_BYTES} bytes` }
const RETRY_LATER = { ...CORS, 'Retry-After': '5' }
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
        sites = await s.sites.all()
        salt = await s.salts.today()
      } catch {
        // Only reachable before the first successful read: later, cached copies are used.
        return c.json({ error: 'storage is not reachable, retry later' }, 503, RETRY_LATER)
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
      return answer(c, s, outcome)
    },
  )
  return app
}

function answer(c: Context, s: Services, outcome: SinkOutcome): Response {
  if (outcome.status === 429) {
    s.metrics.drop('rate')
    const headers = { ...CORS, 'Retry-After': String(outcome.retryAfter), 'x-crumbless-dropped': 'rate' }
    return c.json({ error: 'too many requests from this client' }, 429, headers)
  }
  if (outcome.status === 400) return c.json({ error: outcome.error }, 400, CORS)
  if (outcome.events.length > 0 || outcome.clicks.length > 0) {
    if (!s.sink.add(outcome.events, outcome.clicks)) {
      s.metrics.rejectedFull += 1
      return c.json({ error: 'collector is busy, retry later' }, 503, RETRY_LATER)
    }
    s.metrics.accepted += outcome.events.length
  }
  if (outcome.dropped.length === 0) return new Response(null, ACCEPTED)
  for (const reason of outcome.dropped) s.metrics.drop(reason)
  const dropped = [...new Set(outcome.dropped)].join(',')
  return new Response(null, { status: 202, headers: { ...CORS, 'x-crumbless-dropped': dropped } })
}
