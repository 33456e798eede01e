import type { Ch } from '../store/client.ts'
import { addDays, utcDate } from './dates.ts'
import { dropRollups, quarterDay, rollupDay } from './rollups.ts'

/** A visit ends after this long without an event. */
export const VISIT_GAP_MS = 30 * 60 * 1000
/** A UTC day is sessionised this long after it ended, so buffered and in-flight writes have landed. */
export const CLOSE_GRACE_MS = 15 * 60 * 1000

/** Visit-level columns taken from the first non-engagement event of the visit. */
const FIRST_OF_VISIT = [
  'hostname',
  'referrer',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'country',
  'device',
  'browser',
  'browser_version',
  'os',
  'os_version',
] as const

/** Columns of a visit as every query sees it (stored and live alike). */
export const VISIT_COLUMNS = [
  'visitor',
  'started',
  'ended',
  'entry_page',
  'exit_page',
  ...FIRST_OF_VISIT,
  'pageviews',
  'events',
  'interactions',
] as const

/**
 * The SELECT that turns events into visits, for the events matching `where` (SQL over the
 * `events` table with bound parameters). One linear pass in the table's sort order: a window
 * marks an event that follows the previous one of the same visitor and UTC day by more than
 * 30 minutes, a running sum numbers the visits. Engagement events never open a visit (they
 * report on a page already counted) and a visit made only of them is dropped, which covers the
 * engagement sent after midnight for a page viewed before it under yesterday's visitor id.
 */
export function sessioniseSql(where: string): string {
  const firsts = FIRST_OF_VISIT.map((c) => `argMinIf(${c}, ts, name != 'engagement') AS ${c}`).join(',\n  ')
  return `SELECT site_id, day, visitor,
  min(ts) AS started, max(ts) AS ended,
  argMinIf(path, ts, name = 'pageview') AS entry_page,
  argMaxIf(path, ts, name = 'pageview') AS exit_page,
  ${firsts},
  toUInt32(countIf(name = 'pageview')) AS pageviews,
  toUInt32(countIf(name != 'engagement')) AS events,
  toUInt32(countIf(name NOT IN ('pageview', 'engagement') AND interactive = 1)) AS interactions,
  max(retention_days) AS retention_days
FROM (
  SELECT *, sum(opens) OVER (PARTITION BY site_id, day, visitor ORDER BY ts
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS visit_n
  FROM (
    SELECT site_id, toDate(ts) AS day, visitor, ts, name, path, interactive, retention_days, ${FIRST_OF_VISIT.join(', ')},
      if(name != 'engagement' AND toUnixTimestamp64Milli(ts) - lagInFrame(toUnixTimestamp64Milli(ts), 1, toInt64(0))
        OVER (PARTITION BY site_id, toDate(ts), visitor ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
        > ${VISIT_GAP_MS}, 1, 0) AS opens
    FROM events
    WHERE ${where}
  )
)
GROUP BY site_id, day, visitor, visit_n
HAVING events > 0`
}

/** UTC days in `[d0, d1]` whose visits are stored. */
export async function sessionisedDays(ch: Ch, d0: string, d1: string): Promise<Set<string>> {
  const rows = await ch.query<{ d: string }>(
    'SELECT DISTINCT toString(day) AS d FROM sessionised_days WHERE day BETWEEN {d0:Date} AND {d1:Date}',
    { d0, d1 },
  )
  return new Set(rows.map((r) => r.d))
}

/**
 * Stores the visits of one UTC day for every site. Idempotent: a day already recorded is left
 * alone, and rows of an interrupted earlier run (day not recorded) are deleted first.
 */
export async function sessioniseDay(ch: Ch, day: string): Promise<number> {
  if ((await sessionisedDays(ch, day, day)).has(day)) return 0
  const [left] = await ch.query<{ n: number }>('SELECT count() AS n FROM sessions WHERE day = {day:Date}', {
    day,
  })
  if ((left?.n ?? 0) > 0) {
    await ch.command('ALTER TABLE sessions DELETE WHERE day = {day:Date}', { day }, { mutations_sync: 2 })
  }
  const cols = ['site_id', 'day', ...VISIT_COLUMNS, 'retention_days'].join(', ')
  const select = sessioniseSql('toDate(ts) = {day:Date}')
  await ch.command(`INSERT INTO sessions (${cols}) SELECT ${cols} FROM (${select})`, { day })
  const [done] = await ch.query<{ n: number }>('SELECT count() AS n FROM sessions WHERE day = {day:Date}', {
    day,
  })
  await ch.insert('sessionised_days', [{ day, visits: done?.n ?? 0 }])
  await rollupDay(ch, day)
  return done?.n ?? 0
}

/** Runs per engine, chained: two runs in one process never work on the same day at once. */
const tails = new WeakMap<Ch, Promise<unknown>>()

/**
 * Sessionises every UTC day that has events, has ended (plus {@link CLOSE_GRACE_MS}) and is not
 * stored yet. Call it on start and then hourly (the Node adapter's timer); queries compute
 * unsessionised days live, so running it late only costs speed, never correctness. Calls on
 * the same `ch` queue behind each other; run it on one instance only when several share a
 * ClickHouse (two instances racing on one day could store its visits twice).
 *
 * @example
 * await sessioniseClosedDays(services.ch, services.now())
 */
export function sessioniseClosedDays(ch: Ch, now: number): Promise<string[]> {
  const run = (tails.get(ch) ?? Promise.resolve()).catch(() => {}).then(() => closedDays(ch, now))
  tails.set(ch, run)
  return run
}

async function closedDays(ch: Ch, now: number): Promise<string[]> {
  const lastClosed = addDays(utcDate(now - CLOSE_GRACE_MS), -1)
  const rows = await ch.query<{ d: string }>(
    `SELECT DISTINCT toString(toDate(ts)) AS d FROM events
     WHERE toDate(ts) <= {last:Date} AND toDate(ts) NOT IN (SELECT day FROM sessionised_days)
     ORDER BY d`,
    { last: lastClosed },
  )
  const done: string[] = []
  for (const { d } of rows) {
    await sessioniseDay(ch, d)
    done.push(d)
  }
  // Days stored before rollups existed (or whose rollup was interrupted) get them now.
  const bare = await ch.query<{ d: string }>(
    `SELECT DISTINCT toString(day) AS d FROM sessionised_days
     WHERE day NOT IN (SELECT day FROM rollup_days) ORDER BY d`,
  )
  for (const { d } of bare) await rollupDay(ch, d)
  const unquartered = await ch.query<{ d: string }>(
    `SELECT DISTINCT toString(day) AS d FROM rollup_days
     WHERE day NOT IN (SELECT day FROM quarter_days) ORDER BY d`,
  )
  for (const { d } of unquartered) await quarterDay(ch, d)
  return done
}

/**
 * Sessionises `days` again, for events written into a day after it was stored (an import, the
 * demo or benchmark seeders). The day reads live from `events` while this runs.
 *
 * @example
 * await resessioniseDays(ch, ['2026-11-17'])
 */
export async function resessioniseDays(ch: Ch, days: readonly string[]): Promise<void> {
  if (days.length === 0) return
  const params = { days: [...days] }
  await dropRollups(ch, days)
  await ch.command('ALTER TABLE sessionised_days DELETE WHERE day IN {days:Array(Date)}', params, {
    mutations_sync: 2,
  })
  await ch.command('ALTER TABLE sessions DELETE WHERE day IN {days:Array(Date)}', params, {
    mutations_sync: 2,
  })
  for (const day of days) await sessioniseDay(ch, day)
}

export interface Sessioniser {
  /** Sessionises closed days unless a run is already in flight; never throws. */
  run(): Promise<void>
}

/**
 * Wraps {@link sessioniseClosedDays} for a timer: one run at a time, failures logged (a failed
 * day stays unrecorded and is computed live until the next run succeeds).
 *
 * @example
 * const sessioniser = createSessioniser(s.ch, s.now, s.log)
 * void sessioniser.run() // on start
 * setInterval(() => void sessioniser.run(), 3_600_000).unref()
 */
export function createSessioniser(
  ch: Ch,
  now: () => number,
  log: { info(m: string): void; warn(m: string): void },
): Sessioniser {
  let inFlight: Promise<void> | null = null
  return {
    run() {
      inFlight ??= (async () => {
        try {
          const days = await sessioniseClosedDays(ch, now())
          if (days.length > 0)
            log.info(`sessionised ${days.length} day(s): ${days[0]} .. ${days[days.length - 1]}`)
        } catch (err) {
          log.warn(`sessionising closed days failed: ${(err as Error).name}`)
        } finally {
          inFlight = null
        }
      })()
      return inFlight
    },
  }
}
