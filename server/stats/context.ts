import type { Site } from '../collect/types.ts'
import type { Ch } from '../store/client.ts'
import { Binder } from './binder.ts'
import { eachDay } from './dates.ts'
import { type Filter, filtersSql, isEventFilter, isPerVisitorFilter, isVisitOnlyFilter } from './filters.ts'
import type { TimeRange } from './period.ts'
import { sessioniseSql, VISIT_COLUMNS } from './sessions.ts'

/** What one stats query is about: a site, a resolved range, filters, and which days are stored. */
export interface StatsContext {
  site: Site
  range: TimeRange
  filters: readonly Filter[]
  /** UTC days of the range whose visits are in `sessions`. */
  stored: string[]
  /** UTC days of the range whose visits are computed from `events` now. */
  live: string[]
  /** UTC days of the range with complete daily rollups (a subset of `stored`). */
  rolled: string[]
  /** Rolled-up days that also have quarter-hour rollups. */
  quartered: string[]
  /** When set, only these UTC days are read from visits and events (the others from rollups). */
  only?: string[]
  /** First and last event instant of live edge days the range cuts (see {@link statsContext}). */
  liveSpans?: Record<string, { lo: number; hi: number }>
  /** The `live_visits` snapshot of the `live` days (`null`: they have no events); unset: sessionise inline. */
  liveSnapshot?: string | null
}

/**
 * Resolves which UTC days of `range` read stored visits and which are sessionised live.
 *
 * @example
 * const ctx = await statsContext(ch, site, toTimeRange(range, site.timezone), filters)
 */
export async function statsContext(
  ch: Ch,
  site: Site,
  range: TimeRange,
  filters: readonly Filter[],
): Promise<StatsContext> {
  const { done, rolled, quartered } = await storedDays(ch, range.d0, range.d1)
  const days = eachDay(range.d0, range.d1)
  const live = days.filter((d) => !done.has(d))
  const ctx: StatsContext = {
    site,
    range,
    filters,
    stored: days.filter((d) => done.has(d)),
    live,
    rolled: days.filter((d) => done.has(d) && rolled.has(d)),
    quartered: days.filter((d) => done.has(d) && rolled.has(d) && quartered.has(d)),
  }
  // A live edge day cut by the range (today, in a zone east of UTC) is still whole for the
  // range while all its events lie inside it; new events cannot fall outside before `to` passes.
  const edges = live.filter((d) => (d === range.d0 || d === range.d1) && !wholeDay(d, range))
  if (filters.length === 0 && edges.length > 0 && range.to > Date.now()) {
    ctx.liveSpans = await eventSpans(ch, site.domain, edges)
  }
  return ctx
}

const DAY_MS = 86_400_000

function wholeDay(d: string, range: TimeRange): boolean {
  const start = Date.parse(`${d}T00:00:00Z`)
  return start >= range.from && start + DAY_MS <= range.to
}

/** First and last event instant (ms) of each of `days` that has events. */
async function eventSpans(
  ch: Ch,
  site: string,
  days: readonly string[],
): Promise<Record<string, { lo: number; hi: number }>> {
  const rows = await ch.query<{ d: string; lo: number; hi: number }>(
    `SELECT toString(toDate(ts)) AS d, toUnixTimestamp64Milli(min(ts)) AS lo, toUnixTimestamp64Milli(max(ts)) AS hi
     FROM events WHERE site_id = {site:String} AND toDate(ts) IN {days:Array(Date)} GROUP BY d`,
    { site, days: [...days] },
  )
  const out: Record<string, { lo: number; hi: number }> = {}
  for (const r of rows) out[r.d] = { lo: Number(r.lo), hi: Number(r.hi) }
  return out
}

/** Sessionised and rolled-up UTC days of `[d0, d1]`, in one round trip. */
async function storedDays(
  ch: Ch,
  d0: string,
  d1: string,
): Promise<{ done: Set<string>; rolled: Set<string>; quartered: Set<string> }> {
  const rows = await ch.query<{ d: string; k: string }>(
    `SELECT toString(day) AS d, 's' AS k FROM sessionised_days WHERE day BETWEEN {d0:Date} AND {d1:Date}
     UNION ALL
     SELECT toString(day) AS d, 'r' AS k FROM rollup_days WHERE day BETWEEN {d0:Date} AND {d1:Date}
     UNION ALL
     SELECT toString(day) AS d, 'q' AS k FROM quarter_days WHERE day BETWEEN {d0:Date} AND {d1:Date}`,
    { d0, d1 },
  )
  const done = new Set<string>()
  const rolled = new Set<string>()
  const quartered = new Set<string>()
  for (const r of rows) (r.k === 's' ? done : r.k === 'r' ? rolled : quartered).add(r.d)
  return { done, rolled, quartered }
}

/** The same context, reading visits and events of `days` only (the rest comes from rollups). */
export function restrictTo(ctx: StatsContext, days: readonly string[]): StatsContext {
  const keep = new Set(days)
  return {
    ...ctx,
    stored: ctx.stored.filter((d) => keep.has(d)),
    live: ctx.live.filter((d) => keep.has(d)),
    rolled: [],
    quartered: [],
    only: [...days],
  }
}

/** A binder preloaded with the site, range and time zone every query uses. */
export function binderFor(ctx: StatsContext): Binder {
  return new Binder({
    site: ctx.site.domain,
    tz: ctx.range.tz,
    from: ctx.range.from,
    to: ctx.range.to,
    d0: ctx.range.d0,
    d1: ctx.range.d1,
  })
}

const COLS = VISIT_COLUMNS.join(', ')

/**
 * Every visit of the site on the range's UTC days (alias it `v`): stored days from `sessions`,
 * the rest sessionised from `events` by the same SELECT. Not cut to the range, so an event can
 * always find its visit; visit metrics cut on `started`.
 */
export function visitsSql(ctx: StatsContext, b: Binder): string {
  const parts: string[] = []
  if (ctx.stored.length > 0) {
    parts.push(`SELECT ${COLS} FROM sessions
      WHERE site_id = {site:String} AND day BETWEEN {d0:Date} AND {d1:Date} AND day IN ${b.bind(ctx.stored, 'Array(Date)')}`)
  }
  if (ctx.live.length > 0 && ctx.liveSnapshot !== undefined) {
    if (ctx.liveSnapshot !== null) {
      parts.push(`SELECT ${COLS} FROM live_visits WHERE snapshot = ${b.bind(ctx.liveSnapshot, 'String')}`)
    }
  } else if (ctx.live.length > 0) {
    const where = `site_id = {site:String} AND toDate(ts) BETWEEN ${b.bind(ctx.live[0], 'Date')}
      AND ${b.bind(ctx.live[ctx.live.length - 1], 'Date')} AND toDate(ts) IN ${b.bind(ctx.live, 'Array(Date)')}`
    parts.push(`SELECT ${COLS} FROM (${sessioniseSql(where)})`)
  }
  if (parts.length === 0) return `SELECT ${COLS} FROM sessions WHERE 0`
  return parts.join('\nUNION ALL\n')
}

/**
 * The site's events in the range that match the event filters (alias it `e`); with
 * `perVisitor`, also the visit filters that events answer themselves (country, device, ...).
 */
export function eventsSql(ctx: StatsContext, b: Binder, perVisitor = false): string {
  const visitSide = perVisitor ? ` AND ${filtersSql(ctx.filters, isPerVisitorFilter, b, 'e')}` : ''
  const only = ctx.only ? ` AND toDate(e.ts) IN ${b.bind(ctx.only, 'Array(Date)')}` : ''
  return `SELECT visitor, ts, name, path, hostname, engaged_ms, scroll_depth, props, country, device, browser,
      browser_version, os, os_version
    FROM events AS e
    WHERE e.site_id = {site:String} AND toDate(e.ts) BETWEEN {d0:Date} AND {d1:Date}
      AND e.ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND e.ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
      AND ${filtersSql(ctx.filters, isEventFilter, b)}${visitSide}${only}`
}

/**
 * Each visitor's visits that pass the visit-only filters, as one array of
 * `(started ms, ended ms, ...extra)` per visitor (alias it `vs`). Joined on the visitor, it
 * places an event in its visit by time: every event of a visit lies in `[started, ended]`.
 * A hash join on this (smaller) side replaces an ASOF join against every visit.
 */
export function visitSpansSql(ctx: StatsContext, b: Binder, extra: readonly string[] = []): string {
  const tuple = ['toUnixTimestamp64Milli(v.started)', 'toUnixTimestamp64Milli(v.ended)', ...extra].join(', ')
  return `SELECT v.visitor AS visitor, groupArray((${tuple})) AS spans
    FROM (${visitsSql(ctx, b)}) AS v
    WHERE ${filtersSql(ctx.filters, isVisitOnlyFilter, b)}
    GROUP BY visitor`
}

/** The span of `vs.spans` that holds event `e` (a zero tuple when none does). */
export const SPAN_OF_EVENT = 'arrayFirst(s -> toUnixTimestamp64Milli(e.ts) BETWEEN s.1 AND s.2, vs.spans)'
export const EVENT_IN_SPAN = 'arrayExists(s -> toUnixTimestamp64Milli(e.ts) BETWEEN s.1 AND s.2, vs.spans)'

export function hasFilter(ctx: StatsContext, pick: (f: Filter) => boolean): boolean {
  return ctx.filters.some(pick)
}
