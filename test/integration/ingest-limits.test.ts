import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageview, post } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let t: TestServer
const SITE = 'limits.example'

beforeAll(async () => {
  // A tiny buffer and a flush interval longer than the test, so the bound is reached.
  t = await startTestServer({
    env: {
      INGEST_RATE_LIMIT: '5',
      BUFFER_MAX_ROWS: '3',
      FLUSH_INTERVAL_MS: '600000',
      FLUSH_MAX_ROWS: '1000',
    },
  })
  await t.addSite(SITE)
})
afterAll(() => t.close())

describe('ingest limits', () => {
  it('answers 503 with Retry-After when the buffer is full, and keeps what it accepted', async () => {
    const accepted: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await post(t.url, pageview(SITE, `/full-${i}`), { ip: `198.51.100.${10 + i}` })
      accepted.push(res.status)
      if (res.status === 503) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    expect(accepted).toEqual([202, 202, 202, 503])
    await t.flush()
    const rows = await t.ch.query<{ n: number }>('SELECT count() n FROM events WHERE site_id = {s:String}', {
      s: SITE,
    })
    expect(rows[0]?.n).toBe(3)
  })

  it('answers 429 once a client exceeds its rate', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const res = await post(t.url, pageview('unknown.example'), { ip: '198.51.100.200' })
      statuses.push(res.status)
      if (res.status === 429) expect(res.headers.get('x-crumbless-dropped')).toBe('rate')
    }
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202])
    expect(statuses.slice(5)).toEqual([429, 429])
    const other = await post(t.url, pageview('unknown.example'), { ip: '198.51.100.201' })
    expect(other.status).toBe(202)
  })
})
