import type { Site } from '../collect/types.ts'
import type { Ch } from '../store/client.ts'
import { statsContext } from './context.ts'
import { addDays, eachDay, startOfMonth, startOfWeek } from './dates.ts'
import { computeGroups } from './engine.ts'
import type { Filter } from './filters.ts'
import {
  addRaw,
  emptyRaw,
  type Metric,
  metricChange,
  metricsRecord,
  metricValue,
  type Raw,
} from './metrics.ts'
import { type DateRange, type Interval, previousPeriod, toTimeRange } from './period.ts'
import type { PropertyDef } from './properties.ts'

export interface ReportQuery {
  site: Site
  range: DateRange
  filters: readonly Filter[]
  metrics: readonly Metric[]
}

export interface AggregateValue {
  value: number | null
  change?: number | null
  comparison_value?: number | null
}

/** Sums of the whole range. */
export async function totals(ch: Ch, q: ReportQuery): Promise<Raw> {
  const ctx = await statsContext(ch, q.site, toTimeRange(q.range, q.site.timezone), q.filters)
  return (await computeGroups(ch, ctx, { kind: 'total' }, q.metrics)).get('') ?? emptyRaw()
}

/**
 * `GET /api/v1/stats/aggregate`: `{ metric: { value, change?, comparison_value? } }`.
 *
 * @example
 * await aggregate(ch, { site, range, filters: [], metrics: ['visitors'] }, true)
 * // { visitors: { value: 12, change: 50, comparison_value: 8 } }
 */
export async function aggregate(
  ch: Ch,
  q: ReportQuery,
  compare: boolean,
): Promise<Record<string, AggregateValue>> {
  // Both periods at once: a ClickHouse server runs them side by side (chDB queues them anyway).
  const [now, before] = await Promise.all([
    totals(ch, q),
    compare ? totals(ch, { ...q, range: previousPeriod(q.range) }) : null,
  ])
  const out: Record<string, AggregateValue> = {}
  for (const m of q.metrics) {
    const value = metricValue(m, now)
    if (!before) out[m] = { value }
    else {
      const prev = metricValue(m, before)
      out[m] = { value, change: metricChange(m, value, prev), comparison_value: prev }
    }
  }
  return out
}

const MAX_BUCKETS = 5000

/** Every bucket label of a range, in order, so empty buckets show as zeros. */
export function bucketLabels(r: DateRange, interval: Interval): string[] {
  const days = eachDay(r.first, r.last)
  if (interval === 'date') return days
  if (interval === 'hour') {
    return days.flatMap((d) =>
      Array.from({ length: 24 }, (_, h) => `${d} ${String(h).padStart(2, '0')}:00:00`),
    )
  }
  const start = interval === 'week' ? startOfWeek : startOfMonth
  return [...new Set(days.map(start))]
}

/** Whether an interval yields a reasonable number of buckets for the range. */
export function bucketCountOk(r: DateRange, interval: Interval): boolean {
  const days = eachDay(r.first, addDays(r.first, MAX_BUCKETS)).length
  const span = Math.min(days, eachDay(r.first, r.last).length)
  return (interval === 'hour' ? span * 24 : span) <= MAX_BUCKETS
}

/**
 * `GET /api/v1/stats/timeseries`: one row per bucket, `{ date, ...metrics }`, zeros included.
 *
 * @example
 * await timeseries(ch, { site, range, filters: [], metrics: ['visitors'] }, 'week')
 * // [{ date: '2024-01-01', visitors: 3 }, ...]
 */
export async function timeseries(
  ch: Ch,
  q: ReportQuery,
  interval: Interval,
): Promise<Array<Record<string, unknown>>> {
  const ctx = await statsContext(ch, q.site, toTimeRange(q.range, q.site.timezone), q.filters)
  const groups = await computeGroups(ch, ctx, { kind: 'time', interval }, q.metrics)
  return bucketLabels(q.range, interval).map((date) => ({
    date,
    ...metricsRecord(q.metrics, groups.get(date) ?? emptyRaw()),
  }))
}

export const OTHER = '(other)'

export interface BreakdownRow {
  value: string
  raw: Raw
}

function isEmpty(r: Raw): boolean {
  return r.visitors === 0 && r.visits === 0 && r.pageviews === 0 && r.events === 0
}

/**
 * Sorted breakdown rows with small groups folded: rows under `k` visitors become one `(other)`
 * row whose sums are theirs, so the rows still add up to the same totals. `(other)` sorts last.
 */
export function foldAndSort(groups: Map<string, Raw>, k: number, sortBy: Metric): BreakdownRow[] {
  const kept: BreakdownRow[] = []
  let other: Raw | null = null
  for (const [value, raw] of groups) {
    if (isEmpty(raw)) continue
    if (k > 0 && raw.visitors < k) other = addRaw(other ?? emptyRaw(), raw)
    else kept.push({ value, raw })
  }
  const score = (r: Raw) => metricValue(sortBy, r) ?? -1
  kept.sort((a, b) => score(b.raw) - score(a.raw) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
  if (other) kept.push({ value: OTHER, raw: other })
  return kept
}

/**
 * `GET /api/v1/stats/breakdown`: `[{ [property key]: value, ...metrics }]`, sorted by the first
 * metric, paginated, small groups folded into `(other)` per the site's `k_breakdown`.
 *
 * @example
 * await breakdown(ch, { site, range, filters: [], metrics: ['visitors'] }, propertyDef('event:page', 'property'), 10, 1)
 * // [{ page: '/', visitors: 9 }, { page: '/blog', visitors: 4 }]
 */
export async function breakdown(
  ch: Ch,
  q: ReportQuery,
  def: PropertyDef,
  limit: number,
  page: number,
): Promise<Array<Record<string, unknown>>> {
  const ctx = await statsContext(ch, q.site, toTimeRange(q.range, q.site.timezone), q.filters)
  const groups = await computeGroups(ch, ctx, { kind: 'property', def }, q.metrics)
  const rows = foldAndSort(groups, q.site.kBreakdown, q.metrics[0] ?? 'visitors')
  return rows
    .slice((page - 1) * limit, page * limit)
    .map((r) => ({ [def.key]: r.value, ...metricsRecord(q.metrics, r.raw) }))
}
