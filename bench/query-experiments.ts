/**
 * Measures alternatives to the Stats API's heaviest statements on a data dir seeded by the query
 * bench (`tsx bench/run.ts query --keep DIR`), so fix proposals come with before/after figures.
 * `tsx bench/query-experiments.ts DIR [runs]` (the dir must not be open in another process).
 */
import { join } from 'node:path'
import { openChdb } from '../server/adapters/chdb.ts'
import { sessioniseSql } from '../server/stats/sessions.ts'
import { percentile } from './results.ts'

const dir = process.argv[2]
if (!dir) throw new Error('usage: tsx bench/query-experiments.ts <data dir> [runs]')
const runs = Number(process.argv[3] ?? 3)
const only = process.argv[4] ?? ''
const ch = openChdb(join(dir, 'chdb'))

const DAY = 86_400_000
const today = new Date(Math.floor(Date.now() / DAY) * DAY)
const iso = (d: Date) => d.toISOString().slice(0, 10)
const d1 = iso(today)
const d0 = iso(new Date(today.getTime() - 29 * DAY))
const params = {
  site: 'bench.example',
  d0,
  d1,
  from: today.getTime() - 29 * DAY,
  to: today.getTime() + DAY,
  today: d1,
}

const RANGE = `site_id = {site:String} AND toDate(ts) BETWEEN {d0:Date} AND {d1:Date}
  AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`
const DAYS_ONLY = 'site_id = {site:String} AND toDate(ts) BETWEEN {d0:Date} AND {d1:Date}'
const STORED = 'site_id = {site:String} AND day BETWEEN {d0:Date} AND {d1:Date} AND day < {today:Date}'

const EXPERIMENTS: Array<[string, string, Record<string, string | number>?]> = [
  [
    'event totals, uniqExactIf visitors (as now)',
    `SELECT countIf(name = 'pageview'), countIf(name != 'engagement'), sumIf(engaged_ms, name = 'engagement'),
      uniqExactIf(visitor, name != 'engagement') FROM events WHERE ${RANGE}`,
  ],
  [
    'event totals, uniqIf visitors',
    `SELECT countIf(name = 'pageview'), countIf(name != 'engagement'), sumIf(engaged_ms, name = 'engagement'),
      uniqIf(visitor, name != 'engagement') FROM events WHERE ${RANGE}`,
  ],
  [
    'event totals, no visitors (visit query has them)',
    `SELECT countIf(name = 'pageview'), countIf(name != 'engagement'), sumIf(engaged_ms, name = 'engagement')
     FROM events WHERE ${RANGE}`,
  ],
  [
    'event totals, no visitors, whole UTC days: no ts predicate',
    `SELECT countIf(name = 'pageview'), countIf(name != 'engagement'), sumIf(engaged_ms, name = 'engagement')
     FROM events WHERE ${DAYS_ONLY}`,
  ],
  [
    'visitors as the sum of per-day uniqExact (ids never span days)',
    `SELECT sum(c) FROM (SELECT toDate(ts) AS d, uniqExactIf(visitor, name != 'engagement') AS c FROM events
     WHERE ${DAYS_ONLY} GROUP BY d)`,
  ],
  [
    'scroll: max per (visitor, path), hash GROUP BY (as now)',
    `SELECT sum(m), count() FROM (SELECT visitor, path, max(scroll_depth) AS m FROM events
      WHERE ${RANGE} AND name = 'engagement' GROUP BY visitor, path)`,
  ],
  [
    'scroll: GROUP BY toDate(ts), visitor, path in sort order',
    `SELECT sum(m), count() FROM (SELECT toDate(ts) AS d, visitor, path, max(scroll_depth) AS m FROM events
      WHERE ${RANGE} AND name = 'engagement' GROUP BY site_id, d, visitor, path)`,
    { optimize_aggregation_in_order: 1 },
  ],
  [
    'visits total from sessions, uniqExact (stored days only)',
    `SELECT uniqExact(visitor), count(), countIf(pageviews <= 1 AND interactions = 0), sum(pageviews)
     FROM sessions WHERE ${STORED}`,
  ],
  [
    'visits total from sessions, uniq (stored days only)',
    `SELECT uniq(visitor), count(), countIf(pageviews <= 1 AND interactions = 0), sum(pageviews)
     FROM sessions WHERE ${STORED}`,
  ],
  [
    'visits by source from sessions, uniqExact (stored days only)',
    `SELECT source, uniqExact(visitor), count() FROM sessions WHERE ${STORED} GROUP BY source`,
  ],
  [
    "live sessionisation of today's events alone",
    `SELECT count() FROM (${sessioniseSql('site_id = {site:String} AND toDate(ts) = {today:Date}')})`,
  ],
  [
    'pages: GROUP BY path, uniqExactIf (as now)',
    `SELECT path, countIf(name = 'pageview'), uniqExactIf(visitor, name != 'engagement') FROM events
     WHERE ${RANGE} GROUP BY path`,
  ],
  [
    'pages: GROUP BY path, uniqIf',
    `SELECT path, countIf(name = 'pageview'), uniqIf(visitor, name != 'engagement') FROM events
     WHERE ${RANGE} GROUP BY path`,
  ],
  [
    'pages: top 15 by pageviews only, then visitors for those 15',
    `SELECT path, countIf(name = 'pageview') AS pv, uniqExactIf(visitor, name != 'engagement') FROM events
     WHERE ${RANGE} AND path IN (SELECT path FROM events WHERE ${RANGE} AND name = 'pageview'
       GROUP BY path ORDER BY count() DESC LIMIT 15) GROUP BY path`,
  ],
]

const out: Array<{ name: string; p50: number; min: number }> = []
for (const [name, sql, settings] of EXPERIMENTS.filter(([n]) => n.includes(only))) {
  const times: number[] = []
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now()
    await ch.query(sql, params, settings)
    if (i > 0) times.push(performance.now() - t0)
  }
  const row = { name, p50: Math.round(percentile(times, 50)), min: Math.round(Math.min(...times)) }
  out.push(row)
  console.log(`${String(row.p50).padStart(7)} ms p50 ${String(row.min).padStart(7)} ms min  ${name}`)
}
await ch.close()
