import type { Ch } from '../store/client.ts'
import type { Binder } from './binder.ts'
import {
  binderFor,
  EVENT_IN_SPAN,
  eventsSql,
  hasFilter,
  restrictTo,
  SPAN_OF_EVENT,
  type StatsContext,
  visitSpansSql,
  visitsSql,
} from './context.ts'
import { filtersSql, isEventFilter, isVisitFilter, isVisitOnlyFilter } from './filters.ts'
import { liveSnapshot } from './live.ts'
import { addRaw, emptyRaw, type Metric, type Raw } from './metrics.ts'
import type { Interval } from './period.ts'
import { type PropertyDef, propertyDef } from './properties.ts'
import {
  cellsSql,
  type DaySplit,
  liveEventSql,
  type Needs,
  rollupDims,
  rollupSql,
  splitDays,
} from './rollup-read.ts'

/** How rows are grouped: one total, time buckets in the site's zone, or a property's values. */
export type Grouping =
  | { kind: 'total' }
  | { kind: 'time'; interval: Interval }
  | { kind: 'property'; def: PropertyDef }

/** The bucket label of instant column `col` in the site's zone, as Plausible formats it. */
export function timeBucketSql(col: string, interval: Interval): string {
  switch (interval) {
    case 'hour':
      return `formatDateTime(${col}, '%Y-%m-%d %H:00:00', {tz:String})`
    case 'date':
      return `toString(toDate(${col}, {tz:String}))`
    case 'week':
      return `toString(toStartOfWeek(toDate(${col}, {tz:String}), 1))`
    case 'month':
      return `toString(toStartOfMonth(toDate(${col}, {tz:String})))`
  }
}

const bindKey = (b: Binder) => (k: string) => b.bind(k, 'String')
const MS = (col: string) => `toUnixTimestamp64Milli(${col})`
const IS_BOUNCE = 'v.pageviews <= 1 AND v.interactions = 0'
const DURATION = `${MS('v.ended')} - ${MS('v.started')}`

const VISIT_AGGS = `uniqExact(v.visitor) AS visitors, count() AS visits, countIf(${IS_BOUNCE}) AS bounces,
  sum(${DURATION}) AS duration, sum(v.pageviews) AS visit_pageviews`

/** Visit metrics of `event:page` follow Plausible: they describe visits that entered on the page. */
const ENTRY_PAGE = propertyDef('visit:entry_page', 'property')

/**
 * Visit sums grouped by the visit's start (time), a visit property, or nothing. Visits count
 * where they start; with event filters, only visits holding a matching (non-engagement) event.
 */
function visitQuery(ctx: StatsContext, g: Grouping, b: Binder): string {
  const k =
    g.kind === 'total'
      ? "''"
      : g.kind === 'time'
        ? timeBucketSql('v.started', g.interval)
        : g.def.sql(bindKey(b))
  const where = [
    "v.started >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
    "v.started < fromUnixTimestamp64Milli({to:Int64}, 'UTC')",
    filtersSql(ctx.filters, isVisitFilter, b),
  ]
  if (g.kind === 'property' && g.def.skipEmpty) where.push(`${k} != ''`)
  let join = ''
  if (hasFilter(ctx, isEventFilter)) {
    join = `INNER JOIN (SELECT e.visitor AS visitor, groupArray(${MS('e.ts')}) AS hits FROM (${eventsSql(ctx, b)}) AS e
      WHERE e.name != 'engagement' GROUP BY visitor) AS m ON v.visitor = m.visitor`
    where.push(`arrayExists(x -> x BETWEEN ${MS('v.started')} AND ${MS('v.ended')}, m.hits)`)
  }
  return `SELECT ${k} AS grp, ${VISIT_AGGS}
    FROM (${visitsSql(ctx, b)}) AS v ${join}
    WHERE ${where.join(' AND ')} GROUP BY grp`
}

/**
 * Visit sums per value of an event property (name, hostname, custom prop): a visit counts once
 * for every value its events carry, as the filter `property==value` would count it.
 */
function visitsByEventValueQuery(ctx: StatsContext, def: PropertyDef, b: Binder): string {
  const spans = visitSpansSql(ctx, b, [`toUInt8(${IS_BOUNCE})`, DURATION, 'v.pageviews'])
  return `SELECT grp, count() AS visits, sum(bounce) AS bounces, sum(dur) AS duration, sum(pv) AS visit_pageviews
    FROM (
      SELECT grp, vis, vstart, any(b) AS bounce, any(d) AS dur, any(p) AS pv
      FROM (
        SELECT ${def.sql(bindKey(b))} AS grp, e.visitor AS vis, ${SPAN_OF_EVENT} AS span,
          span.1 AS vstart, span.3 AS b, span.4 AS d, span.5 AS p
        FROM (${eventsSql(ctx, b, true)}) AS e INNER JOIN (${spans}) AS vs ON e.visitor = vs.visitor
        WHERE e.name != 'engagement' AND ${EVENT_IN_SPAN}
      ) GROUP BY grp, vis, vstart
    ) GROUP BY grp`
}

/**
 * FROM and WHERE for event sums. Per-visitor visit filters read the event's own columns; the
 * others (source, UTM, entry/exit page) place each event in a matching visit by time.
 */
function eventSource(
  ctx: StatsContext,
  g: Grouping,
  b: Binder,
): { from: string; key: string; where: string[] } {
  const byVisitOnly = g.kind === 'property' && g.def.scope === 'visit' && !g.def.perVisitor
  const needSpans = hasFilter(ctx, isVisitOnlyFilter) || byVisitOnly
  let key: string
  if (g.kind === 'total') key = "''"
  else if (g.kind === 'time') key = timeBucketSql('e.ts', g.interval)
  else if (byVisitOnly) key = `${SPAN_OF_EVENT}.3`
  else key = g.def.sql(bindKey(b), 'e')
  const events = `(${eventsSql(ctx, b, true)}) AS e`
  const where: string[] = []
  let from = events
  if (needSpans) {
    const extra = byVisitOnly && g.kind === 'property' ? [g.def.sql(bindKey(b))] : ["''"]
    from = `${events} INNER JOIN (${visitSpansSql(ctx, b, extra)}) AS vs ON e.visitor = vs.visitor`
    where.push(EVENT_IN_SPAN)
  }
  if (g.kind === 'property' && g.def.name === 'event:name') where.push("e.name != 'engagement'")
  if (g.kind === 'property' && g.def.skipEmpty) where.push(`${key} != ''`)
  if (where.length === 0) where.push('1')
  return { from, key, where }
}

function eventQuery(ctx: StatsContext, g: Grouping, b: Binder): string {
  const { from, key, where } = eventSource(ctx, g, b)
  return `SELECT ${key} AS grp, countIf(e.name = 'pageview') AS pageviews, countIf(e.name != 'engagement') AS events,
      sumIf(e.engaged_ms, e.name = 'engagement') AS engaged_ms, countIf(e.name = 'engagement') AS engagements,
      uniqExactIf(e.visitor, e.name != 'engagement') AS visitors
    FROM ${from} WHERE ${where.join(' AND ')} GROUP BY grp`
}

/** Scroll depth: the deepest engagement report per visitor (a visitor id is one day) and page. */
function scrollQuery(ctx: StatsContext, g: Grouping, b: Binder): string {
  const { from, key, where } = eventSource(ctx, g, b)
  return `SELECT grp, sum(m) AS scroll_sum, count() AS scroll_n FROM (
      SELECT ${key} AS grp, e.visitor AS vis, e.path AS pth, max(e.scroll_depth) AS m
      FROM ${from} WHERE e.name = 'engagement' AND ${where.join(' AND ')} GROUP BY grp, vis, pth
    ) GROUP BY grp`
}

const VISIT_METRICS: readonly Metric[] = ['visits', 'views_per_visit', 'bounce_rate', 'visit_duration']
const EVENT_METRICS: readonly Metric[] = ['pageviews', 'events', 'time_on_page']

interface Row {
  grp: string
  [k: string]: string | number
}

const num = (v: string | number | undefined) => Number(v ?? 0)

/**
 * Runs the queries the requested metrics need and merges their sums per group key. Without
 * filters, whole UTC days that are rolled up read their daily rollup rows; the other days (today,
 * partial edge days of other time zones, days not rolled up) are computed from visits and events.
 * Both halves cover disjoint UTC days, and a visitor id never spans two, so their sums add up.
 *
 * @example
 * const groups = await computeGroups(ch, ctx, { kind: 'total' }, ['visitors', 'bounce_rate'])
 * groups.get('')?.visits
 */
export async function computeGroups(
  ch: Ch,
  ctx: StatsContext,
  g: Grouping,
  metrics: readonly Metric[],
): Promise<Map<string, Raw>> {
  const n = needs(g, metrics)
  const dims = ctx.filters.length === 0 ? rollupDims(g, n) : null
  if (!dims) return computeLive(ch, ctx, g, n)
  const split = splitDays(ctx, g, (g.kind === 'total' || g.kind === 'time') && !n.scroll)
  const eventProp = g.kind === 'property' && g.def.scope === 'event'
  const parts: Array<Promise<Map<string, Raw>>> = []
  if (split.rolled.length > 0) {
    const b = binderFor(ctx)
    parts.push(ch.query<Row>(rollupSql(g, n, dims, split, b), b.params).then((r) => toRaw(r, eventProp)))
  }
  if (split.cells.length > 0) {
    const b = binderFor(ctx)
    parts.push(ch.query<Row>(cellsSql(split, b), b.params).then((r) => toRaw(r, false)))
  }
  const wantsEvents = n.event || n.scroll
  const liveEvents = wantsEvents && split.liveWhole.length > 0
  if (liveEvents) parts.push(liveEventGroups(ch, ctx, g, n, dims.event, split, eventProp))
  if (split.rest.length > 0) {
    const visitsOnly = liveEvents ? { ...n, event: false, scroll: false } : n
    if (n.visit || !liveEvents) parts.push(computeLive(ch, restrictTo(ctx, split.rest), g, visitsOnly))
    const restEvents = split.rest.filter((d) => !split.liveWhole.includes(d))
    if (liveEvents && restEvents.length > 0) {
      parts.push(computeLive(ch, restrictTo(ctx, restEvents), g, { ...n, visit: false }))
    }
  }
  const out = new Map<string, Raw>()
  for (const m of await Promise.all(parts)) {
    for (const [k, r] of m) out.set(k, addRaw(out.get(k) ?? emptyRaw(), r))
  }
  return out
}

/** Event sums of the live days wholly in range, from shared snapshots (inline when none). */
async function liveEventGroups(
  ch: Ch,
  ctx: StatsContext,
  g: Grouping,
  n: Needs,
  dim: string,
  split: DaySplit,
  eventProp: boolean,
): Promise<Map<string, Raw>> {
  const snap = (kind: 'counts' | 'scroll') =>
    liveSnapshot(ch, ctx.site.domain, split.liveWhole, { kind, dim })
  const ids = await Promise.all([n.event ? snap('counts') : null, n.scroll ? snap('scroll') : null])
  if (ids.includes(undefined)) {
    return computeLive(ch, restrictTo(ctx, split.liveWhole), g, { ...n, visit: false })
  }
  const found = ids.filter((id): id is string => typeof id === 'string')
  if (found.length === 0) return new Map()
  const b = binderFor(ctx)
  const sql = liveEventSql(g, dim, split.liveWhole, split.liveLabels, found, b)
  return toRaw(await ch.query<Row>(sql, b.params), eventProp)
}

function toRaw(rows: Row[], eventProp: boolean): Map<string, Raw> {
  const out = new Map<string, Raw>()
  for (const row of rows) {
    const r = emptyRaw()
    r.visitors = num(eventProp ? row.visitors_e : row.visitors_v)
    r.visits = num(row.visits)
    r.bounces = num(row.bounces)
    r.duration = num(row.duration)
    r.visitPageviews = num(row.visit_pageviews)
    r.pageviews = num(row.pageviews)
    r.events = num(row.events)
    r.engagedMs = num(row.engaged_ms)
    r.engagements = num(row.engagements)
    r.scrollSum = num(row.scroll_sum)
    r.scrollN = num(row.scroll_n)
    out.set(String(row.grp), r)
  }
  return out
}

/** Whether a query reads visits of the live days (worth a shared snapshot of them). */
function usesVisits(ctx: StatsContext, g: Grouping, n: Needs): boolean {
  if (ctx.live.length === 0) return false
  const byVisitOnly = g.kind === 'property' && g.def.scope === 'visit' && !g.def.perVisitor
  return n.visit || hasFilter(ctx, isVisitOnlyFilter) || ((n.event || n.scroll) && byVisitOnly)
}

function needs(g: Grouping, metrics: readonly Metric[]): Needs {
  const eventProp = g.kind === 'property' && g.def.scope === 'event'
  const wantsVisitors = metrics.includes('visitors') || g.kind === 'property'
  return {
    visit: metrics.some((m) => VISIT_METRICS.includes(m)) || (wantsVisitors && !eventProp),
    event: metrics.some((m) => EVENT_METRICS.includes(m)) || (wantsVisitors && eventProp),
    scroll: metrics.includes('scroll_depth'),
  }
}

async function computeLive(ch: Ch, base: StatsContext, g: Grouping, n: Needs): Promise<Map<string, Raw>> {
  const ctx = usesVisits(base, g, n)
    ? { ...base, liveSnapshot: await liveSnapshot(ch, base.site.domain, base.live) }
    : base
  const eventProp = g.kind === 'property' && g.def.scope === 'event'
  const needVisit = n.visit
  const needEvent = n.event
  const needScroll = n.scroll
  const run = (build: (b: Binder) => string) => {
    const b = binderFor(ctx)
    const sql = build(b)
    return ch.query<Row>(sql, b.params)
  }
  const visitBuild = (b: Binder) => {
    if (g.kind === 'property' && g.def.name === 'event:page') {
      return visitQuery(ctx, { kind: 'property', def: ENTRY_PAGE }, b)
    }
    return g.kind === 'property' && g.def.scope === 'event'
      ? visitsByEventValueQuery(ctx, g.def, b)
      : visitQuery(ctx, g, b)
  }
  const none = Promise.resolve([] as Row[])
  const [visitRows, eventRows, scrollRows] = await Promise.all([
    needVisit ? run(visitBuild) : none,
    needEvent ? run((b) => eventQuery(ctx, g, b)) : none,
    needScroll ? run((b) => scrollQuery(ctx, g, b)) : none,
  ])
  const out = new Map<string, Raw>()
  const at = (k: string) => {
    const found = out.get(k)
    if (found) return found
    const r = emptyRaw()
    out.set(k, r)
    return r
  }
  for (const row of visitRows) {
    const r = at(String(row.grp))
    if (!eventProp) r.visitors = num(row.visitors)
    r.visits = num(row.visits)
    r.bounces = num(row.bounces)
    r.duration = num(row.duration)
    r.visitPageviews = num(row.visit_pageviews)
  }
  for (const row of eventRows) {
    const r = at(String(row.grp))
    if (eventProp) r.visitors = num(row.visitors)
    r.pageviews = num(row.pageviews)
    r.events = num(row.events)
    r.engagedMs = num(row.engaged_ms)
    r.engagements = num(row.engagements)
  }
  for (const row of scrollRows) {
    const r = at(String(row.grp))
    r.scrollSum = num(row.scroll_sum)
    r.scrollN = num(row.scroll_n)
  }
  return out
}
