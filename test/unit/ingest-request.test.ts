import { describe, expect, it } from 'vitest'
import { parseTrustedProxies } from '../../server/collect/client-ip.ts'
import {
  INGEST_HEADERS,
  type IngestEnv,
  ingestPicked,
  ingestRequest,
  pickIngestHeaders,
} from '../../server/collect/ingest.ts'
import type { Site } from '../../server/collect/types.ts'
import { RateLimiter } from '../../server/rate-limit.ts'
import { newSite } from '../../server/store/sites.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36'
const NOW = Date.parse('2026-11-25T08:00:00Z')

function env(over: Partial<IngestEnv> = {}): IngestEnv {
  return {
    sites: new Map<string, Site>([['a.example', newSite('a.example')]]),
    salt: new Uint8Array(32).fill(3),
    trusted: parseTrustedProxies(['loopback']),
    limiter: new RateLimiter(0, 60_000),
    policy: { gpc: 'drop', dnt: 'drop' },
    country: (ip) => (ip === '203.0.113.9' ? 'NL' : ''),
    ...over,
  }
}

/** A header getter that records every name the pipeline asks for. */
function recording(headers: Record<string, string>) {
  const asked = new Set<string>()
  const header = (name: string) => {
    asked.add(name)
    return headers[name] ?? null
  }
  return { asked, header }
}

const pageview = JSON.stringify({
  n: 'pageview',
  u: 'https://a.example/p?utm_source=x',
  d: 'a.example',
  w: 390,
})
const hinted = {
  'user-agent': CHROME,
  'x-forwarded-for': '203.0.113.9',
  'sec-ch-ua': '"Chromium";v="141"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Windows"',
}

describe('ingestRequest()', () => {
  it('reads no request header outside INGEST_HEADERS, so a worker thread gets all it needs', () => {
    const bodies = [
      pageview,
      JSON.stringify([
        { n: 'engagement', u: 'https://a.example/', d: 'a.example', e: 10, sd: 50, c: [[1, 10, 1]] },
        {
          n: 'signup',
          u: 'https://a.example/',
          d: 'a.example',
          r: 'https://news.example/x',
          p: { plan: 'pro' },
        },
      ]),
    ]
    const asked = new Set<string>()
    for (const body of bodies) {
      for (const headers of [
        hinted,
        { ...hinted, 'sec-gpc': '1' },
        { ...hinted, dnt: '1', 'x-real-ip': '1.2.3.4' },
      ]) {
        const r = recording(headers)
        ingestRequest({ body, remote: '127.0.0.1', header: r.header, now: NOW }, env())
        for (const name of r.asked) asked.add(name)
      }
    }
    expect([...asked].filter((n) => !(INGEST_HEADERS as readonly string[]).includes(n))).toEqual([])
    expect(asked.has('user-agent')).toBe(true)
  })

  it('gives the same outcome from the picked headers as from the request itself', () => {
    const r = recording({ ...hinted, 'x-ignored': 'nothing to do with ingest' })
    const picked = pickIngestHeaders(r.header)
    expect(picked).toEqual(hinted)
    const direct = ingestRequest({ body: pageview, remote: '127.0.0.1', header: r.header, now: NOW }, env())
    const viaCopy = ingestPicked({ body: pageview, remote: '127.0.0.1', headers: picked, now: NOW }, env())
    expect(viaCopy).toEqual(direct)
    expect(direct.status === 202 && direct.events[0]?.country).toBe('NL')
  })

  it('answers 429 before parsing once the client is over its limit, and 400 for a bad body', () => {
    const limited = env({ limiter: new RateLimiter(1, 60_000) })
    const header = (n: string) => (hinted as Record<string, string>)[n] ?? null
    expect(ingestRequest({ body: 'not json', remote: '127.0.0.1', header, now: NOW }, limited)).toEqual({
      status: 400,
      error: 'body is not valid JSON',
    })
    const second = ingestRequest({ body: pageview, remote: '127.0.0.1', header, now: NOW }, limited)
    expect(second.status).toBe(429)
  })
})
