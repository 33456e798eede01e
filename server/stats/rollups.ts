import type { Ch } from '../store/client.ts'
import { propertyDef } from './properties.ts'

/**
 * Daily rollups (migration 0004). A visitor id lives one UTC day, so per-day sums — distinct
 * visitors included — add up exactly over whole UTC days. A day is rolled up right after it is
 * sessionised; queries read rollups for the whole UTC days of their range and visits/events for
 * the rest (the range's partial edge days in other time zones, and today).
 */

/** Visit properties with a row per display value per day in `visit_rollup`. */
export const VISIT_DIMS = [
  'visit:source',
  'visit:referrer',
  'visit:utm_source',
  'visit:utm_medium',
  'visit:utm_campaign',
  'visit:utm_term',
  'visit:utm_content',
  'visit:entry_page',
  'visit:exit_page',
  'visit:country',
  'visit:device',
  'visit:browser',
  'visit:browser_version',
  'visit:os',
  'visit:os_version',
] as const

/** Event properties with a row per value per day in `event_rollup`. */
export const EVENT_DIMS = ['event:page', 'event:name', 'event:hostname'] as const

const noBind = (): string => {
  throw new Error('rollup properties take no keys')
}

/** `[(dim, display value), ...]`: one array element per dimension a visit is counted under. */
function visitDimsArray(): string {
  const pairs = VISIT_DIMS.map(
    (name) => `('${name}', CAST(${propertyDef(name, 'property').sql(noBind, 'v')} AS String))`,
  )
  return `[('', ''), ${pairs.join(', ')}]`
}

/** Event dimensions: `(dim, value)` pairs an event is counted under. */
export const EVENT_DIM_VALUES: Readonly<Record<string, string>> = {
  '': "''",
  'event:page': 'CAST(path AS String)',
  'event:hostname': 'CAST(hostname AS String)',
  'event:name': 'CAST(name AS String)',
}

/** The dims' pairs; `event:name` leaves engagement events out, as its breakdown does. */
function eventDimsArray(dims: readonly string[]): string {
  const arr = `[${dims.map((d) => `('${d}', ${EVENT_DIM_VALUES[d] ?? "''"})`).join(', ')}]`
  return dims.includes('event:name')
    ? `arrayFilter(kv -> NOT (kv.1 = 'event:name' AND name = 'engagement'), ${arr})`
    : arr
}

function visitRollupSql(): string {
  return `INSERT INTO visit_rollup (site_id, day, dim, value, visitors, visits, bounces, duration, visit_pageviews, retention_days)
SELECT site_id, day, kv.1 AS dim, kv.2 AS value, uniqExact(visitor), count(),
  countIf(v.pageviews <= 1 AND v.interactions = 0),
  sum(toUnixTimestamp64Milli(v.ended) - toUnixTimestamp64Milli(v.started)), sum(v.pageviews), max(retention_days)
FROM sessions AS v ARRAY JOIN ${visitDimsArray()} AS kv
WHERE v.day = {day:Date}
GROUP BY site_id, day, dim, value`
}

const DAY = 'toDate(ts) = {day:Date}'
export const EVENT_SUMS = 'visitors, pageviews, events, engaged_ms, engagements, scroll_sum, scroll_n'
const EVENT_COLS = `site_id, day, dim, value, ${EVENT_SUMS}, retention_days`

const ALL_EVENT_DIMS = Object.keys(EVENT_DIM_VALUES)

/** Event counts per (site, UTC day, dim, value) of the events matching `where`; scroll sums 0. */
export function eventCountsSelect(where: string, dims: readonly string[] = ALL_EVENT_DIMS): string {
  return `SELECT site_id, toDate(ts) AS day, kv.1 AS dim, kv.2 AS value,
  uniqExactIf(visitor, name != 'engagement') AS visitors, countIf(name = 'pageview') AS pageviews,
  countIf(name != 'engagement') AS events, sumIf(engaged_ms, name = 'engagement') AS engaged_ms,
  countIf(name = 'engagement') AS engagements, toUInt64(0) AS scroll_sum, toUInt64(0) AS scroll_n,
  max(retention_days) AS retention_days
FROM events ARRAY JOIN ${eventDimsArray(dims)} AS kv
WHERE ${where}
GROUP BY site_id, day, dim, value`
}

/**
 * Scroll sums per (site, UTC day, dim, value): the deepest report per visitor and page, as the
 * live query takes it; the other sums 0. `event:name` has none (its breakdown skips engagement).
 */
export function scrollSelect(where: string, dims: readonly string[] = ALL_EVENT_DIMS): string {
  const own = dims.filter((d) => d !== 'event:name')
  return `SELECT site_id, day, dim, value, toUInt64(0) AS visitors, toUInt64(0) AS pageviews, toUInt64(0) AS events,
  toUInt64(0) AS engaged_ms, toUInt64(0) AS engagements, sum(m) AS scroll_sum, count() AS scroll_n,
  max(r) AS retention_days
FROM (
  SELECT site_id, toDate(ts) AS day, kv.1 AS dim, kv.2 AS value, visitor, path, max(scroll_depth) AS m,
    max(retention_days) AS r
  FROM events ARRAY JOIN ${eventDimsArray(own.length > 0 ? own : [''])} AS kv
  WHERE ${where} AND name = 'engagement'${own.length > 0 ? '' : ' AND 0'}
  GROUP BY site_id, day, dim, value, visitor, path
)
GROUP BY site_id, day, dim, value`
}

const QUARTER = (col: string) => `toUInt8(intDiv(toUnixTimestamp(${col}) % 86400, 900))`
const QUARTER_SUMS =
  'first_visitors, last_visitors, visits, bounces, duration, visit_pageviews, pageviews, events, engaged_ms, engagements'

/** Site totals per quarter hour of the day: visit histograms, first/last visit per visitor, events. */
function quarterRollupSql(): string {
  const z = (n: number) => Array.from({ length: n }, () => 'toUInt64(0)').join(', ')
  return `INSERT INTO quarter_rollup (site_id, day, quarter, ${QUARTER_SUMS}, retention_days)
SELECT site_id, day, quarter, ${QUARTER_SUMS.split(', ')
    .map((c) => `sum(${c})`)
    .join(', ')}, max(r)
FROM (
  SELECT s.site_id AS site_id, s.day AS day, ${QUARTER('s.started')} AS quarter, toUInt64(0) AS first_visitors, toUInt64(0) AS last_visitors,
    toUInt64(count()) AS visits, toUInt64(countIf(s.pageviews <= 1 AND s.interactions = 0)) AS bounces,
    toUInt64(sum(toUnixTimestamp64Milli(s.ended) - toUnixTimestamp64Milli(s.started))) AS duration,
    toUInt64(sum(s.pageviews)) AS visit_pageviews, toUInt64(0) AS pageviews, toUInt64(0) AS events,
    toUInt64(0) AS engaged_ms, toUInt64(0) AS engagements, max(s.retention_days) AS r
  FROM sessions AS s WHERE s.day = {day:Date} GROUP BY site_id, day, quarter
  UNION ALL
  SELECT site_id, day, ${QUARTER('first')} AS quarter, toUInt64(count()), ${z(9)}, max(r)
  FROM (SELECT site_id, day, visitor, min(started) AS first, max(retention_days) AS r FROM sessions
    WHERE day = {day:Date} GROUP BY site_id, day, visitor)
  GROUP BY site_id, day, quarter
  UNION ALL
  SELECT site_id, day, ${QUARTER('last')} AS quarter, toUInt64(0), toUInt64(count()), ${z(8)}, max(r)
  FROM (SELECT site_id, day, visitor, max(started) AS last, max(retention_days) AS r FROM sessions
    WHERE day = {day:Date} GROUP BY site_id, day, visitor)
  GROUP BY site_id, day, quarter
  UNION ALL
  SELECT site_id, toDate(ts) AS day, ${QUARTER('ts')} AS quarter, ${z(6)}, toUInt64(countIf(name = 'pageview')),
    toUInt64(countIf(name != 'engagement')), toUInt64(sumIf(engaged_ms, name = 'engagement')),
    toUInt64(countIf(name = 'engagement')), max(retention_days)
  FROM events WHERE toDate(ts) = {day:Date} GROUP BY site_id, day, quarter
)
GROUP BY site_id, day, quarter`
}

/** UTC days in `[d0, d1]` whose rollups are complete. */
export async function rolledUpDays(ch: Ch, d0: string, d1: string): Promise<Set<string>> {
  const rows = await ch.query<{ d: string }>(
    'SELECT DISTINCT toString(day) AS d FROM rollup_days WHERE day BETWEEN {d0:Date} AND {d1:Date}',
    { d0, d1 },
  )
  return new Set(rows.map((r) => r.d))
}

/**
 * Writes the rollups of one sessionised UTC day for every site, replacing any rows an earlier
 * (interrupted or outdated) run left. Call it only for a day whose visits are stored.
 *
 * @example
 * await rollupDay(ch, '2026-11-24')
 */
export async function rollupDay(ch: Ch, day: string): Promise<void> {
  await dropRollups(ch, [day])
  await ch.command(visitRollupSql(), { day })
  await ch.command(
    `INSERT INTO event_rollup (${EVENT_COLS}) SELECT ${EVENT_COLS} FROM (${eventCountsSelect(DAY)}
     UNION ALL ${scrollSelect(DAY)})`,
    { day },
  )
  await ch.insert('rollup_days', [{ day }])
  await quarterDay(ch, day)
}

/**
 * Writes the quarter-hour rollup of one sessionised UTC day (also for days rolled up before
 * quarter rollups existed), replacing rows an interrupted run left.
 *
 * @example
 * await quarterDay(ch, '2026-11-24')
 */
export async function quarterDay(ch: Ch, day: string): Promise<void> {
  const [left] = await ch.query<{ n: number }>(
    'SELECT count() AS n FROM quarter_rollup WHERE day = {day:Date}',
    {
      day,
    },
  )
  if ((left?.n ?? 0) > 0) {
    await ch.command(
      'ALTER TABLE quarter_rollup DELETE WHERE day = {day:Date}',
      { day },
      { mutations_sync: 2 },
    )
  }
  await ch.command(quarterRollupSql(), { day })
  await ch.insert('quarter_days', [{ day }])
}

/** Forgets the rollups of `days` (they are read from visits and events until rolled up again). */
export async function dropRollups(ch: Ch, days: readonly string[]): Promise<void> {
  const params = { days: [...days] }
  for (const table of [
    'rollup_days',
    'visit_rollup',
    'event_rollup',
    'quarter_days',
    'quarter_rollup',
  ] as const) {
    const [left] = await ch.query<{ n: number }>(
      `SELECT count() AS n FROM ${table} WHERE day IN {days:Array(Date)}`,
      params,
    )
    if ((left?.n ?? 0) > 0) {
      await ch.command(`ALTER TABLE ${table} DELETE WHERE day IN {days:Array(Date)}`, params, {
        mutations_sync: 2,
      })
    }
  }
}
