import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { IngestThread, type IngestThreadOptions } from '../../server/adapters/node-ingest-thread.ts'
import { parseTrustedProxies } from '../../server/collect/client-ip.ts'
import { encodeEvent } from '../../server/collect/event-values.ts'
import { createCountryLookup } from '../../server/collect/geo.ts'
import { type IngestOutcome, ingestPicked, type PickedIngest } from '../../server/collect/ingest.ts'
import type { Site } from '../../server/collect/types.ts'
import { RateLimiter } from '../../server/rate-limit.ts'
import { newSite } from '../../server/store/sites.ts'
import { FIREFOX_UA, IPHONE_UA } from '../support/ingest.ts'

const require = createRequire(import.meta.url)
const MMDB = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')
const country = createCountryLookup(readFileSync(MMDB))
const NOW = Date.parse('2026-11-25T08:00:00Z')
const options: IngestThreadOptions = {
  mmdb: readFileSync(MMDB),
  trustedProxies: ['loopback'],
  rateLimit: 0,
  policy: { gpc: 'drop', dnt: 'keep' },
}
const state = {
  sites: new Map<string, Site>([['a.example', newSite('a.example')]]),
  salt: new Uint8Array(32).fill(9),
}

type Request = PickedIngest

function inline(request: Request): IngestOutcome {
  return ingestPicked(request, {
    ...state,
    trusted: parseTrustedProxies(options.trustedProxies),
    limiter: new RateLimiter(0, 60_000),
    policy: options.policy,
    country,
  })
}

const requests: Request[] = [
  {
    body: JSON.stringify({ n: 'pageview', u: 'https://a.example/p?utm_source=news', d: 'a.example', w: 390 }),
    remote: '127.0.0.1',
    headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '8.8.8.8' },
    now: NOW,
  },
  {
    body: JSON.stringify([
      { n: 'engagement', u: 'https://a.example/', d: 'a.example', e: 900, sd: 40, c: [[3, 20, 0]], w: 1280 },
      { n: 'signup', u: 'https://a.example/', d: 'unknown.example' },
    ]),
    remote: '127.0.0.1',
    headers: { 'user-agent': FIREFOX_UA, 'x-forwarded-for': '2001:4860:4860::8888' },
    now: NOW,
  },
  { body: '{"n":"pageview"}', remote: '127.0.0.1', headers: { 'user-agent': FIREFOX_UA }, now: NOW },
  {
    body: JSON.stringify({ n: 'pageview', u: 'https://a.example/', d: 'a.example' }),
    remote: '127.0.0.1',
    headers: { 'user-agent': FIREFOX_UA, 'sec-gpc': '1' },
    now: NOW,
  },
]

/** The thread sends accepted events as JSON text; the inline outcome, encoded, must match. */
function asValues(outcome: IngestOutcome): unknown {
  return outcome.status === 202 ? { ...outcome, events: outcome.events.map(encodeEvent) } : outcome
}

let thread: IngestThread | null = null
afterEach(async () => {
  await thread?.close()
  thread = null
})

describe('IngestThread (Node worker thread)', () => {
  it('gives every request of a batch the outcome the inline pipeline gives it', async () => {
    const logs: string[] = []
    thread = new IngestThread(options, inline, (m) => logs.push(m))
    const outcomes = await Promise.all(requests.map((r) => thread?.run(r, state)))
    expect(outcomes).toEqual(requests.map((r) => asValues(inline(r))))
    expect(outcomes.map((o) => o?.status)).toEqual([202, 202, 400, 202])
    expect(thread.pending()).toBe(0)
    expect(logs).toEqual([])
  })

  it('splits a busy turn into batches and gives each request its own outcome', async () => {
    thread = new IngestThread(options, inline, () => {})
    // More requests in one turn than a batch holds; each differs, so a misnumbered reply shows.
    const many: Request[] = Array.from({ length: 53 }, (_, i) =>
      i % 5 === 4
        ? { ...(requests[2] as Request), body: `{"n":"pageview","i":${i}` }
        : {
            ...(requests[0] as Request),
            body: JSON.stringify({ n: 'pageview', u: `https://a.example/p${i}`, d: 'a.example', w: 300 + i }),
          },
    )
    const outcomes = await Promise.all(many.map((r) => thread?.run(r, state)))
    expect(outcomes).toEqual(many.map((r) => asValues(inline(r))))
    expect(outcomes.filter((o) => o?.status === 400)).toHaveLength(10)
    expect(thread.pending()).toBe(0)
  })

  it('picks up new sites and a new salt for the requests after the change', async () => {
    thread = new IngestThread(options, inline, () => {})
    const request = requests[0] as Request
    const before = await thread.run(request, { ...state, sites: new Map() })
    expect(before.status === 202 && before.dropped).toEqual(['unknown-site'])
    const after = await thread.run(request, state)
    expect(after.status === 202 && after.events.length).toBe(1)
  })

  it('answers through the inline pipeline when the worker dies, losing no request', async () => {
    const logs: string[] = []
    thread = new IngestThread({ ...options, mmdb: new Uint8Array(16) }, inline, (m) => logs.push(m))
    const outcomes = await Promise.all(requests.map((r) => thread?.run(r, state)))
    expect(outcomes).toEqual(requests.map((r) => inline(r)))
    expect(logs.join('\n')).toMatch(/ingest worker (failed|exited).*ingest runs inline/)
    // Later requests go straight to the inline pipeline.
    expect(await thread.run(requests[2] as Request, state)).toEqual(inline(requests[2] as Request))
  })
})
