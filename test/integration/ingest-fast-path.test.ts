import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { type AddressInfo, connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeIngestFastPath } from '../../server/adapters/node-ingest-fast.ts'
import { IngestThread } from '../../server/adapters/node-ingest-thread.ts'
import { parseTrustedProxies } from '../../server/collect/client-ip.ts'
import { createCountryLookup } from '../../server/collect/geo.ts'
import { ingestPicked } from '../../server/collect/ingest.ts'
import { RateLimiter } from '../../server/rate-limit.ts'
import { FIREFOX_UA, IPHONE_UA, pageview } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

/**
 * The Node fast paths for `POST /api/event` against the Hono route, on one real server: the same
 * request, once with a Content-Length to a second listener built here (taken by the fast path on
 * Node's request objects), once chunked to the crumbless server (which both fast paths leave to the
 * Hono route), and once with a Content-Length to the crumbless server (read on its sockets,
 * `node-ingest-socket.ts`), must get the same answer and store the same rows.
 */
const require = createRequire(import.meta.url)
const MMDB = readFileSync(
  require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'),
)
const SITE = 'fast.example'

let t: TestServer
let thread: IngestThread
let fastServer: Server
let fastUrl = ''
/** Requests the fast path left to the listener behind it. */
let passedOn: string[] = []

beforeAll(async () => {
  t = await startTestServer()
  await t.addSite(SITE)
  const s = t.server.services
  const options = { mmdb: MMDB, trustedProxies: ['loopback'], rateLimit: 0, policy: s.policy }
  const country = createCountryLookup(MMDB)
  thread = new IngestThread(
    options,
    (request, state) =>
      ingestPicked(request, {
        ...state,
        trusted: parseTrustedProxies(options.trustedProxies),
        limiter: new RateLimiter(0, 60_000),
        policy: options.policy,
        country,
      }),
    () => {},
  )
  const fast = nodeIngestFastPath(s, thread)
  fastServer = createServer((req, res) => {
    if (fast(req, res)) return
    passedOn.push(`${req.method} ${req.headers['content-length'] === undefined ? 'no length' : 'length'}`)
    req.resume()
    res.writeHead(599)
    res.end()
  })
  await new Promise<void>((r) => fastServer.listen(0, '127.0.0.1', r))
  fastUrl = `http://127.0.0.1:${(fastServer.address() as AddressInfo).port}`
  // The fast path waits for the sites and the salt to be cached; the first request caches them.
  await fetch(`${t.url}/api/event`, { method: 'POST', body: JSON.stringify(pageview(SITE, '/warm')) })
})
afterAll(async () => {
  await new Promise((r) => fastServer.close(r))
  await thread.close()
  await t.close()
})

function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream({
    start(ctrl) {
      ctrl.enqueue(bytes)
      ctrl.close()
    },
  })
}

async function answerOf(res: Response) {
  return {
    status: res.status,
    body: await res.text(),
    cors: res.headers.get('access-control-allow-origin'),
    type: res.headers.get('content-type'),
    dropped: res.headers.get('x-crumbless-dropped'),
  }
}

const CASES: Array<[string, string, Record<string, string>]> = [
  ['pageview', JSON.stringify(pageview(SITE, '/fast-a')), { 'user-agent': IPHONE_UA }],
  [
    'engagement with clicks',
    JSON.stringify({ ...pageview(SITE, '/fast-b'), n: 'engagement', e: 4000, sd: 50, c: [[10, 200, 0]] }),
    { 'user-agent': FIREFOX_UA },
  ],
  [
    'bot',
    JSON.stringify(pageview(SITE, '/fast-c')),
    { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
  ],
  ['unknown site', JSON.stringify(pageview('nowhere.example')), { 'user-agent': FIREFOX_UA }],
  ['GPC', JSON.stringify(pageview(SITE, '/fast-d')), { 'user-agent': FIREFOX_UA, 'sec-gpc': '1' }],
  ['not JSON', 'nope', { 'user-agent': FIREFOX_UA }],
  ['invalid event', '{"n":"pageview"}', { 'user-agent': FIREFOX_UA }],
]

describe('Node fast path for POST /api/event', () => {
  it.each(CASES)(
    '%s: answers as the Hono route does, without passing the request on',
    async (_, body, headers) => {
      passedOn = []
      const base = { 'content-type': 'text/plain', 'x-forwarded-for': '8.8.8.8', ...headers }
      const fast = await fetch(`${fastUrl}/api/event`, { method: 'POST', headers: base, body })
      const hono = await fetch(`${t.url}/api/event`, {
        method: 'POST',
        headers: base,
        body: chunked(body),
        duplex: 'half',
      } as RequestInit)
      // With a Content-Length, the crumbless server reads the request on the socket itself.
      const taken = t.server.socketIngest?.taken() ?? 0
      const socket = await fetch(`${t.url}/api/event`, { method: 'POST', headers: base, body })
      expect(t.server.socketIngest?.taken()).toBe(taken + 1)
      const expected = await answerOf(hono)
      expect(await answerOf(fast)).toEqual(expected)
      expect(await answerOf(socket)).toEqual(expected)
      expect(passedOn).toEqual([])
    },
  )

  it('stores what it accepts like the route: one row per path from each way in (three), clicks summed', async () => {
    await t.flush()
    const rows = await t.ch.query<{ path: string; n: number }>(
      `SELECT path, toUInt32(count()) n FROM events WHERE site_id = {site:String} AND path LIKE '/fast-%'
       GROUP BY path ORDER BY path`,
      { site: SITE },
    )
    expect(rows).toEqual([
      { path: '/fast-a', n: 3 },
      { path: '/fast-b', n: 3 },
    ])
    const clicks = await t.ch.query<{ clicks: number }>(
      `SELECT toUInt32(sum(clicks)) clicks FROM clicks WHERE site_id = {site:String} AND path = '/fast-b'`,
      { site: SITE },
    )
    expect(clicks).toEqual([{ clicks: 3 }])
  })

  it('reads a body that arrives in pieces, a UTF-8 character split between them, as one text', async () => {
    const body = Buffer.from(JSON.stringify(pageview(SITE, '/fast-café-€')))
    const cut = body.indexOf(Buffer.from('€')) + 1
    const { port } = fastServer.address() as AddressInfo
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      let text = ''
      socket.on('data', (d) => {
        text += d.toString()
        if (text.includes('\r\n\r\n')) socket.end()
      })
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
      socket.write(
        'POST /api/event HTTP/1.1\r\nHost: x\r\nUser-Agent: ' +
          `${FIREFOX_UA}\r\nX-Forwarded-For: 8.8.4.4\r\nContent-Length: ${body.length}\r\n\r\n`,
      )
      socket.write(body.subarray(0, cut))
      // A separate packet: the server reads the request body in two chunks.
      setTimeout(() => socket.write(body.subarray(cut)), 50)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 202 /)
    await t.flush()
    const rows = await t.ch.query<{ path: string }>(
      `SELECT path FROM events WHERE site_id = {site:String} AND path LIKE '/fast-caf%'`,
      { site: SITE },
    )
    expect(rows).toEqual([{ path: '/fast-café-€' }])
  })

  it('passes on what it does not take: chunked or oversized bodies, other methods and paths', async () => {
    passedOn = []
    await fetch(`${fastUrl}/api/event`, {
      method: 'POST',
      body: chunked('{}'),
      duplex: 'half',
    } as RequestInit)
    await fetch(`${fastUrl}/api/event`, { method: 'POST', body: 'x'.repeat(17 * 1024) })
    await fetch(`${fastUrl}/api/event`, { method: 'OPTIONS' })
    await fetch(`${fastUrl}/api/event?x=1`, { method: 'POST', body: '{}' })
    expect(passedOn).toEqual(['POST no length', 'POST length', 'OPTIONS no length', 'POST length'])
  })

  it('keeps serving when clients hang up before their answer', async () => {
    const body = JSON.stringify(pageview(SITE, '/gone'))
    const { port } = t.server
    const request = `POST /api/event HTTP/1.1\r\nHost: x\r\nUser-Agent: ${FIREFOX_UA}\r\nContent-Length: ${body.length}\r\n\r\n${body}`
    const hangUps = Array.from(
      { length: 100 },
      (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            // Half of them hang up at once, half after a moment: before and while the worker runs.
            socket.write(request, () => setTimeout(() => socket.destroy(), i % 2))
          })
          socket.on('error', () => {})
          socket.on('close', () => resolve())
        }),
    )
    await Promise.all(hangUps)
    const res = await fetch(`${t.url}/api/event`, {
      method: 'POST',
      body: JSON.stringify(pageview(SITE, '/after')),
    })
    expect(res.status).toBe(202)
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200)
  })

  it('answers 500 as the route does, and keeps serving, when storing an outcome throws', async () => {
    const sink = t.server.services.sink
    const add = sink.add.bind(sink)
    sink.add = () => {
      throw new Error('disk on fire')
    }
    try {
      const body = JSON.stringify(pageview(SITE, '/fire'))
      const headers = { 'content-type': 'text/plain', 'user-agent': FIREFOX_UA }
      const fast = await fetch(`${fastUrl}/api/event`, { method: 'POST', headers, body })
      const hono = await fetch(`${t.url}/api/event`, {
        method: 'POST',
        headers,
        body: chunked(body),
        duplex: 'half',
      } as RequestInit)
      expect(await answerOf(fast)).toEqual(await answerOf(hono))
      expect(fast.status).toBe(500)
      expect(t.logs.join('\n')).not.toContain('disk on fire')
    } finally {
      sink.add = add
    }
    const after = await fetch(`${fastUrl}/api/event`, {
      method: 'POST',
      body: JSON.stringify(pageview(SITE)),
    })
    expect(after.status).toBe(202)
  })

  it('answers 500 and keeps serving when the pipeline throws on the inline fallback', async () => {
    // A worker that cannot start (no country database): every request runs inline, and this inline throws.
    const broken = new IngestThread(
      { mmdb: new Uint8Array(16), trustedProxies: [], rateLimit: 0, policy: t.server.services.policy },
      () => {
        throw new Error('pipeline on fire')
      },
      () => {},
    )
    const fast = nodeIngestFastPath(t.server.services, broken)
    const server = createServer((req, res) => {
      if (!fast(req, res)) res.writeHead(599).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/event`
    try {
      // Give the worker time to fail, so the requests below take the inline way.
      await new Promise((r) => setTimeout(r, 300))
      for (let i = 0; i < 2; i++) {
        const res = await fetch(url, { method: 'POST', body: JSON.stringify(pageview(SITE)) })
        expect(res.status).toBe(500)
        expect(await res.json()).toEqual({ error: 'internal error' })
      }
    } finally {
      await new Promise((r) => server.close(r))
      await broken.close()
    }
  })
})
