import type { Ch } from '../store/client.ts'
import type { Binder } from './binder.ts'
import {
  binderFor,
  eventsSql,
  eventsWithVisitsSql,
  hasScope,
  type StatsContext,
  visitsSql,
} from './context.ts'
import { filtersSql } from './filters.ts'
import { emptyRaw, type Metric, type Raw } from './metrics.ts'
import type { Interval } from './period.ts'
import type { PropertyDef } from './properties.ts'

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

function keySql(g: Grouping, side: 'v' | 'e', b: Binder): string {
  if (g.kind === 'total') return "''"
  if (g.kind === 'time') return timeBucketSql(side === 'v' ? 'v.started' : 'e.ts', g.interval)
  return g.def.sql((k) => b.bind(k, 'String'))
}

const VISIT_AGGS = `count() AS visits, countIf(v.pageviews <= 1 AND v.interactions = 0) AS bounces,
  sum(toUnixTimestamp64Milli(v.ended) - toUnixTimestamp64Milli(v.started)) AS duration,
  sum(v.pageviews) AS visit_pageviews`

/**
 * Visit sums per group. Visits count where they start; with event filters only visits that
 * contain a matching (non-engagement) event count. Grouped by an event property, a visit counts
 * once for every value its events carry, exactly as the filter `property==value` would count it.
 */
function visitQuery(ctx: StatsContext, g: Grouping, b: Binder): string {
  const visitFilters = filtersSql(ctx.filters, 'visit', b)
  if (g.kind === 'property' && g.def.scope === 'event') {
    const k = keySql(g, 'e', b)
    return `SELECT grp, count() AS visits, countIf(bounce) AS bounces, sum(dur) AS duration, sum(pv) AS visit_pageviews
      FROM (
        SELECT ${k} AS grp, e.visitor AS vis, v.started AS vs, any(v.pageviews <= 1 AND v.interactions = 0) AS bounce,
          any(toUnixTimestamp64Milli(v.ended) - toUnixTimestamp64Milli(v.started)) AS dur, any(v.pageviews) AS pv
        FROM ${eventsWithVisitsSql(ctx, b)}
        WHERE e.name != 'engagement' AND ${visitFilters}
        GROUP BY grp, vis, vs
      ) GROUP BY grp`
  }
  const k = keySql(g, 'v', b)
  const where = [
    "v.started >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
    "v.started < fromUnixTimestamp64Milli({to:Int64}, 'UTC')",
    visitFilters,
  ]
  if (g.kind === 'property' && g.def.skipEmpty) where.push(`${k} != ''`)
  if (hasScope(ctx, 'event')) {
    where.push(`(v.visitor, v.started) IN (SELECT e.visitor, v.started FROM ${eventsWithVisitsSql(ctx, b)}
      WHERE e.name != 'engagement')`)
  }
  return `SELECT ${k} AS grp, uniqExact(v.visitor) AS visitors, ${VISIT_AGGS}
    FROM (${visitsSql(ctx, b)}) AS v WHERE ${where.join(' AND ')} GROUP BY grp`
}

/** FROM and WHERE for event sums: joined to visits only when a visit filter or grouping needs it. */
function eventSource(
  ctx: StatsContext,
  g: Grouping,
  b: Binder,
  k: string,
): { from: string; where: string[] } {
  const needVisits = hasScope(ctx, 'visit') || (g.kind === 'property' && g.def.scope === 'visit')
  const from = needVisits ? eventsWithVisitsSql(ctx, b) : `(${eventsSql(ctx, b)}) AS e`
  const where = needVisits ? [filtersSql(ctx.filters, 'visit', b)] : ['1']
  if (g.kind === 'property' && g.def.name === 'event:name') where.push("e.name != 'engagement'")
  if (g.kind === 'property' && g.def.skipEmpty) where.push(`${k} != ''`)
  return { from, where }
}

function eventQuery(ctx: StatsContext, g: Grouping, b: Binder): string {
  const k = keySql(g, 'e', b)
  const { from, where } = eventSource(ctx, g, b, k)
  return `SELECT ${k} AS grp, countIf(e.name = 'pageview') AS pageviews, countIf(e.name != 'engagement') AS events,
      sumIf(e.engaged_ms, e.name = 'engagement') AS engaged_ms, countIf(e.name = 'engagement') AS engagements,
      uniqExactIf(e.visitor, e.name != 'engagement') AS visitors
    FROM ${from} WHERE ${where.join(' AND ')} GROUP BY grp`
}

/** Scroll depth: the deepest engagement report per visitor (a visitor id is one day) and page. */
function scrollQuery(ctx: StatsContext, g: Grouping, b: Binder): string {
  const k = keySql(g, 'e', b)
  const { from, where } = eventSource(ctx, g, b, k)
  return `SELECT grp, sum(m) AS scroll_sum, count() AS scroll_n FROM (
      SELECT ${k} AS grp, e.visitor AS vis, e.path AS pth, max(e.scroll_depth) AS m
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
 * Runs the queries the requested metrics need and merges their sums per group key.
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
  const eventProp = g.kind === 'property' && g.def.scope === 'event'
  const wantsVisitors = metrics.includes('visitors') || g.kind === 'property'
  const needVisit = metrics.some((m) => VISIT_METRICS.includes(m)) || (wantsVisitors && !eventProp)
  const needEvent = metrics.some((m) => EVENT_METRICS.includes(m)) || (wantsVisitors && eventProp)
  const needScroll = metrics.includes('scroll_depth')
  const run = (build: (c: StatsContext, g: Grouping, b: Binder) => string) => {
    const b = binderFor(ctx)
    const sql = build(ctx, g, b)
    return ch.query<Row>(sql, b.params)
  }
  const [visitRows, eventRows, scrollRows] = await Promise.all([
    needVisit ? run(visitQuery) : Promise.resolve([]),
    needEvent ? run(eventQuery) : Promise.resolve([]),
    needScroll ? run(scrollQuery) : Promise.resolve([]),
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
