import type { Binder } from './binder.ts'
import type { StatsContext } from './context.ts'
import { addDays, localDate, startOfMonth, startOfWeek, zonedMidnight } from './dates.ts'
import type { Interval } from './period.ts'
import type { PropertyDef } from './properties.ts'
import { EVENT_DIMS, VISIT_DIMS } from './rollups.ts'

const DAY_MS = 86_400_000

/** How rows are grouped (mirrors engine.ts `Grouping`). */
export type RollupGrouping =
  | { kind: 'total' }
  | { kind: 'time'; interval: Interval }
  | { kind: 'property'; def: PropertyDef }

/** Which sums a query needs: visit sums, event sums, scroll sums. */
export interface Needs {
  visit: boolean
  event: boolean
  scroll: boolean
}

/** The rollup dimensions a grouping reads, or `null` when rollups cannot answer it exactly. */
export function rollupDims(g: RollupGrouping, n: Needs): { visit: string; event: string } | null {
  if (g.kind === 'total') return { visit: '', event: '' }
  if (g.kind === 'time') return g.interval === 'hour' ? null : { visit: '', event: '' }
  const name = g.def.name
  if ((VISIT_DIMS as readonly string[]).includes(name))
    return n.event || n.scroll ? null : { visit: name, event: '' }
  if (!(EVENT_DIMS as readonly string[]).includes(name)) return null
  // Visit metrics of event:page describe entry pages (Plausible); of other event values, the
  // visits holding one, which per-value daily sums cannot tell.
  if (name === 'event:page') return { visit: 'visit:entry_page', event: name }
  return n.visit ? null : { visit: '', event: name }
}

function bucketOf(date: string, interval: Interval): string {
  if (interval === 'week') return startOfWeek(date)
  if (interval === 'month') return startOfMonth(date)
  return date
}

/** UTC days answered from rollups (with each one's group label) and the rest. */
export interface DaySplit {
  rolled: string[]
  labels: string[]
  /** Days computed from visits and events (today, partial edge days, days not rolled up). */
  rest: string[]
  /** Rolled-up days cut once (by the range or a bucket) at a quarter hour: read per quarter. */
  cells: Array<{ day: string; q: number; a: string | null; b: string | null }>
  /** Live (unstored) days of `rest` lying wholly in the range and one bucket: their event sums can come from a live rollup snapshot. */
  liveWhole: string[]
  liveLabels: string[]
}

/**
 * Splits the range's UTC days: a rolled-up day lying wholly inside the range (and, for a
 * timeseries, wholly inside one bucket of the site's zone) reads its rollup rows; every other
 * day — partial edge days of other time zones, today, days not rolled up — is computed as before.
 *
 * @example
 * splitDays(ctx, { kind: 'total' }) // { rolled: ['2026-11-01', ...], labels: ['', ...], rest: ['2026-11-25'], ... }
 */
export function splitDays(ctx: StatsContext, g: RollupGrouping, cellsOk = false): DaySplit {
  const out: DaySplit = { rolled: [], labels: [], rest: [], cells: [], liveWhole: [], liveLabels: [] }
  const rolled = new Set(ctx.rolled)
  const live = new Set(ctx.live)
  const quartered = new Set(ctx.quartered)
  for (let d = ctx.range.d0; d <= ctx.range.d1; d = addDays(d, 1)) {
    const span = live.has(d) ? ctx.liveSpans?.[d] : undefined
    const start = span ? span.lo : Date.parse(`${d}T00:00:00Z`)
    const end = span ? span.hi + 1 : start + DAY_MS
    let label: string | null = null
    if (start >= ctx.range.from && end <= ctx.range.to) {
      if (g.kind !== 'time') label = ''
      else {
        const first = bucketOf(localDate(start, ctx.range.tz), g.interval)
        if (first === bucketOf(localDate(end - 1, ctx.range.tz), g.interval)) label = first
      }
    }
    if (label !== null && rolled.has(d)) {
      out.rolled.push(d)
      out.labels.push(label)
      continue
    }
    const cell = cellsOk && quartered.has(d) ? cutOnce(ctx, g, start) : null
    if (cell) {
      out.cells.push({ day: d, ...cell })
      continue
    }
    out.rest.push(d)
    if (label !== null && live.has(d)) {
      out.liveWhole.push(d)
      out.liveLabels.push(label)
    }
  }
  return out
}

const QUARTER_MS = 900_000

/** The group of the instants `[lo, hi)` (all of them in one), or `null` when outside the range. */
function labelOf(ctx: StatsContext, g: RollupGrouping, lo: number, hi: number): string | null | undefined {
  if (lo < ctx.range.from || hi > ctx.range.to)
    return lo >= ctx.range.to || hi <= ctx.range.from ? null : undefined
  if (g.kind !== 'time') return ''
  const first = bucketOf(localDate(lo, ctx.range.tz), g.interval)
  return first === bucketOf(localDate(hi - 1, ctx.range.tz), g.interval) ? first : undefined
}

/**
 * A UTC day starting at `start` that one instant on a quarter hour splits into two groups (or a
 * group and outside the range): `q` is that quarter, `a` and `b` the groups before and after.
 */
function cutOnce(
  ctx: StatsContext,
  g: RollupGrouping,
  start: number,
): { q: number; a: string | null; b: string | null } | null {
  const end = start + DAY_MS
  const cuts = [ctx.range.from, ctx.range.to]
  if (g.kind === 'time') cuts.push(zonedMidnight(localDate(end - 1, ctx.range.tz), ctx.range.tz))
  const inside = [...new Set(cuts.filter((t) => t > start && t < end))]
  const cut = inside[0]
  if (inside.length !== 1 || cut === undefined || (cut - start) % QUARTER_MS !== 0) return null
  const a = labelOf(ctx, g, start, cut)
  const b = labelOf(ctx, g, cut, end)
  if (a === undefined || b === undefined) return null
  return { q: (cut - start) / QUARTER_MS, a, b }
}

/** Sums of the quarter-hour cells of `split.cells`; `!` marks a part outside the range. */
export function cellsSql(split: DaySplit, b: Binder): string {
  const days = b.bind(
    split.cells.map((c) => c.day),
    'Array(Date)',
  )
  const pick = (xs: string[]) => b.bind(xs, 'Array(String)')
  const qs = pick(split.cells.map((c) => String(c.q)))
  const la = pick(split.cells.map((c) => c.a ?? '!'))
  const lb = pick(split.cells.map((c) => c.b ?? '!'))
  return `SELECT grp, sum(vis) AS visitors_v, sum(visits) AS visits, sum(bounces) AS bounces, sum(duration) AS duration,
    sum(visit_pageviews) AS visit_pageviews, sum(pageviews) AS pageviews, sum(events) AS events,
    sum(engaged_ms) AS engaged_ms, sum(engagements) AS engagements
  FROM (
    SELECT quarter < toUInt8(transform(toString(day), arrayMap(x -> toString(x), ${days}), ${qs}, '0')) AS early,
      if(early, transform(toString(day), arrayMap(x -> toString(x), ${days}), ${la}, '!'),
        transform(toString(day), arrayMap(x -> toString(x), ${days}), ${lb}, '!')) AS grp,
      if(early, first_visitors, last_visitors) AS vis, visits, bounces, duration, visit_pageviews, pageviews, events,
      engaged_ms, engagements
    FROM quarter_rollup WHERE site_id = {site:String} AND day IN ${days}
  ) WHERE grp != '!' GROUP BY grp`
}

const V_COLS = ['visitors_v', 'visits', 'bounces', 'duration', 'visit_pageviews'] as const
const E_COLS = [
  'visitors_e',
  'pageviews',
  'events',
  'engaged_ms',
  'engagements',
  'scroll_sum',
  'scroll_n',
] as const

/**
 * One statement summing the rollup rows of `split.rolled` per group: visit sums from
 * `visit_rollup`, event and scroll sums from `event_rollup`, as the live queries name them.
 */
export function rollupSql(
  g: RollupGrouping,
  n: Needs,
  dims: { visit: string; event: string },
  split: DaySplit,
  b: Binder,
): string {
  const days = b.bind(split.rolled, 'Array(Date)')
  const key =
    g.kind === 'time'
      ? `transform(day, ${days}, ${b.bind(split.labels, 'Array(String)')}, '')`
      : g.kind === 'total'
        ? "''"
        : 'value'
  const zeros = (cols: readonly string[]) => cols.map((c) => `toUInt64(0) AS ${c}`).join(', ')
  const parts: string[] = []
  if (n.visit) {
    const skip = g.kind === 'property' && dims.visit !== '' ? " AND value != ''" : ''
    parts.push(`SELECT ${key} AS grp, visitors AS visitors_v, visits, bounces, toUInt64(duration) AS duration,
      visit_pageviews, ${zeros(E_COLS)}
      FROM visit_rollup WHERE site_id = {site:String} AND dim = ${b.bind(dims.visit, 'String')} AND day IN ${days}${skip}`)
  }
  if (n.event || n.scroll) {
    parts.push(`SELECT ${key} AS grp, ${zeros(V_COLS)}, visitors AS visitors_e, pageviews, events, engaged_ms,
      engagements, scroll_sum, scroll_n
      FROM event_rollup WHERE site_id = {site:String} AND dim = ${b.bind(dims.event, 'String')} AND day IN ${days}`)
  }
  const sums = [...V_COLS, ...E_COLS].map((c) => `sum(${c}) AS ${c}`).join(', ')
  return `SELECT grp, ${sums} FROM (${parts.join('\nUNION ALL\n')}) GROUP BY grp`
}

/** Event and scroll sums of the live days `days` from the `live_event_rollup` snapshots `ids`. */
export function liveEventSql(
  g: RollupGrouping,
  dim: string,
  days: readonly string[],
  labels: readonly string[],
  ids: readonly string[],
  b: Binder,
): string {
  const d = b.bind(days, 'Array(Date)')
  const key =
    g.kind === 'time'
      ? `transform(day, ${d}, ${b.bind(labels, 'Array(String)')}, '')`
      : g.kind === 'total'
        ? "''"
        : 'value'
  return `SELECT ${key} AS grp, sum(visitors) AS visitors_e, sum(pageviews) AS pageviews, sum(events) AS events,
    sum(engaged_ms) AS engaged_ms, sum(engagements) AS engagements, sum(scroll_sum) AS scroll_sum,
    sum(scroll_n) AS scroll_n
    FROM live_event_rollup WHERE snapshot IN ${b.bind(ids, 'Array(String)')} AND dim = ${b.bind(dim, 'String')} AND day IN ${d}
    GROUP BY grp`
}
