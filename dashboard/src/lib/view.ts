import { type Filter, parseFilters, serializeFilters } from './filters.ts'
import { type DateRange, type Interval, PERIODS, type Period } from './period.ts'

/** Everything a dashboard view depends on; lives in the URL query so views can be bookmarked. */
export interface View {
  range: DateRange
  filters: Filter[]
  compare: boolean
  interval: Interval | ''
  metric: string
}

const INTERVALS: readonly string[] = ['hour', 'date', 'week', 'month']
const DATE = /^\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2})?$/

/**
 * Reads a view from URL query parameters, ignoring anything malformed.
 *
 * @example
 * readView(new URLSearchParams('period=7d&compare=previous_period')).compare // true
 */
export function readView(q: URLSearchParams): View {
  const period = (PERIODS as readonly string[]).includes(q.get('period') ?? '')
    ? (q.get('period') as Period)
    : '30d'
  const date = DATE.test(q.get('date') ?? '') ? (q.get('date') as string) : ''
  const interval = INTERVALS.includes(q.get('interval') ?? '') ? (q.get('interval') as Interval) : ''
  return {
    range: period === 'custom' && !date.includes(',') ? { period: '30d', date: '' } : { period, date },
    filters: parseFilters(q.get('filters')),
    compare: q.get('compare') === 'previous_period',
    interval,
    metric: /^[a-z_]+$/.test(q.get('metric') ?? '') ? (q.get('metric') as string) : 'visitors',
  }
}

/**
 * The URL query for a view (defaults left out to keep links short).
 *
 * @example
 * writeView({ ...view, compare: true }).get('compare') // 'previous_period'
 */
export function writeView(v: View): URLSearchParams {
  const q = new URLSearchParams()
  q.set('period', v.range.period)
  if (v.range.date) q.set('date', v.range.date)
  if (v.filters.length) q.set('filters', serializeFilters(v.filters))
  if (v.compare) q.set('compare', 'previous_period')
  if (v.interval) q.set('interval', v.interval)
  if (v.metric !== 'visitors') q.set('metric', v.metric)
  return q
}

/**
 * Stats API query parameters shared by every request of a view.
 *
 * @example
 * statsParams('example.com', view) // { site_id: 'example.com', period: '30d', date: undefined, filters: undefined }
 */
export function statsParams(domain: string, v: View, range = v.range): Record<string, string | undefined> {
  return {
    site_id: domain,
    period: range.period,
    date: range.date || undefined,
    filters: v.filters.length ? serializeFilters(v.filters) : undefined,
  }
}
