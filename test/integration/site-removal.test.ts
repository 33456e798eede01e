import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessioniseClosedDays } from '../../server/stats/sessions.ts'
import { pageview, post } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let clock = Date.parse('2026-05-04T09:00:00Z')
let t: TestServer
const SITE = 'gone.example'
const KEPT = 'kept.example'
const TABLES = ['events', 'clicks', 'sessions', 'visit_rollup', 'event_rollup', 'quarter_rollup']

async function rowsOf(site: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const table of TABLES) {
    const [r] = await t.ch.query<{ n: number }>(`SELECT count() n FROM ${table} WHERE site_id = {s:String}`, {
      s: site,
    })
    out[table] = r?.n ?? -1
  }
  return out
}

beforeAll(async () => {
  t = await startTestServer({ now: () => clock })
  await t.addSite(SITE)
  await t.addSite(KEPT)
})
afterAll(() => t.close())

describe('removing a site', () => {
  it('deletes its events, clicks, stored visits and rollups, and nothing of other sites', async () => {
    for (const site of [SITE, KEPT]) {
      await post(t.url, pageview(site, '/a'))
      await post(t.url, {
        n: 'engagement',
        u: `https://${site}/a`,
        d: site,
        e: 3000,
        sd: 50,
        c: [[5, 10, 0]],
      })
    }
    await t.flush()
    clock += 2 * 86_400_000
    expect(await sessioniseClosedDays(t.ch, clock)).toEqual(['2026-05-04'])
    const before = await rowsOf(SITE)
    for (const table of TABLES) expect(before[table], table).toBeGreaterThan(0)

    await t.server.services.sites.remove(SITE)
    const after = await rowsOf(SITE)
    for (const table of TABLES) expect(after[table], table).toBe(0)
    expect(await rowsOf(KEPT)).toEqual(before)
    expect(await t.server.services.sites.get(SITE)).toBeUndefined()
  })
})
