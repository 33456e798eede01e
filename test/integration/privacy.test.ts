import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageview, post } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

const DAY = 86_400_000
let clock = Date.parse('2026-03-01T10:00:00Z')
let t: TestServer
const SITE = 'private.example'
const IP = '192.0.2.77'
const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 CrumblessPrivacyProbe/9.9'

beforeAll(async () => {
  t = await startTestServer({ now: () => clock })
  await t.addSite(SITE)
})
afterAll(() => t.close())

async function visitorFor(path: string): Promise<string> {
  await t.flush()
  const rows = await t.ch.query<{ v: string }>(
    'SELECT toString(visitor) v FROM events WHERE path = {p:String}',
    {
      p: path,
    },
  )
  expect(rows).toHaveLength(1)
  return rows[0]!.v
}

describe('privacy', () => {
  it('rotates visitor ids daily and destroys salts older than yesterday', async () => {
    await post(t.url, pageview(SITE, '/d1-morning'), { ip: IP, ua: UA })
    clock += 8 * 3_600_000
    await post(t.url, pageview(SITE, '/d1-evening'), { ip: IP, ua: UA })
    const d1 = await visitorFor('/d1-morning')
    expect(await visitorFor('/d1-evening')).toBe(d1)

    clock += DAY
    await post(t.url, pageview(SITE, '/d2'), { ip: IP, ua: UA })
    const d2 = await visitorFor('/d2')
    expect(d2).not.toBe(d1)

    clock += DAY
    await post(t.url, pageview(SITE, '/d3'), { ip: IP, ua: UA })
    const destroyed = await t.server.services.salts.destroyOld()
    expect(destroyed).toEqual(['2026-03-01'])
    const days = await t.ch.query<{ day: string }>('SELECT toString(day) day FROM salts ORDER BY day')
    expect(days.map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03'])
  })

  it('keeps neither the IP nor the user agent in any table or log line', async () => {
    await post(t.url, pageview(SITE, '/probe', { r: 'https://ref.example/secret/path?token=abc' }), {
      ip: IP,
      ua: UA,
    })
    await post(
      t.url,
      { n: 'engagement', u: `https://${SITE}/probe`, d: SITE, e: 1000, c: [[1, 10, 0]] },
      { ip: IP, ua: UA },
    )
    await post(t.url, '{"broken', { ip: IP, ua: UA })
    await t.flush()
    const tables = await t.ch.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View%'",
    )
    expect(tables.map((x) => x.name)).toEqual(expect.arrayContaining(['events', 'clicks', 'salts', 'sites']))
    let scanned = 0
    for (const { name } of tables) {
      if (!/^[a-z_0-9]+$/.test(name)) continue
      const dump = JSON.stringify(await t.ch.query(`SELECT * FROM ${name}`))
      scanned += dump.length
      expect(dump, `table ${name}`).not.toContain(IP)
      expect(dump, `table ${name}`).not.toContain('CrumblessPrivacyProbe')
      expect(dump, `table ${name}`).not.toContain('secret/path')
      expect(dump, `table ${name}`).not.toContain('token=abc')
    }
    expect(scanned).toBeGreaterThan(0)
    const logs = t.logs.join('\n')
    expect(logs).not.toContain(IP)
    expect(logs).not.toContain('CrumblessPrivacyProbe')
  })
})
