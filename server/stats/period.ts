import {
  addDays,
  addMonths,
  daysBetween,
  endOfMonth,
  isDate,
  localDate,
  startOfMonth,
  utcDate,
  zonedMidnight,
} from './dates.ts'
import { excerpt, ParamError } from './errors.ts'

export const PERIODS = ['day', '7d', '30d', 'month', '6mo', '12mo', 'custom'] as const
export type Period = (typeof PERIODS)[number]

export const INTERVALS = ['hour', 'date', 'week', 'month'] as const
export type Interval = (typeof INTERVALS)[number]

/** Inclusive local dates of a site's time zone. */
export interface DateRange {
  first: string
  last: string
}

/** A date range resolved to instants: `[from, to)` in ms, and the UTC days that hold them. */
export interface TimeRange extends DateRange {
  tz: string
  from: number
  to: number
  /** First and last UTC day touched; visits never cross UTC midnight, so these bound the scan. */
  d0: string
  d1: string
}

function isPeriod(p: string): p is Period {
  return (PERIODS as readonly string[]).includes(p)
}

/**
 * The local dates a Plausible `period` (+ `date`) covers, `today` being the site's local date.
 *
 * @example
 * resolvePeriod('7d', undefined, '2024-03-10') // { first: '2024-03-04', last: '2024-03-10' }
 * resolvePeriod('custom', '2024-01-01,2024-01-31', '2024-03-10')
 */
export function resolvePeriod(
  period: string | undefined,
  date: string | undefined,
  today: string,
): DateRange {
  const p = period ?? '30d'
  if (!isPeriod(p)) throw new ParamError('period', `${excerpt(p)} is not one of ${PERIODS.join(', ')}`)
  if (p === 'custom') {
    const [first, last, extra] = (date ?? '').split(',')
    if (!first || !last || extra !== undefined || !isDate(first) || !isDate(last)) {
      throw new ParamError('date', 'period=custom needs date=YYYY-MM-DD,YYYY-MM-DD')
    }
    if (first > last)
      throw new ParamError('date', 'the first date of a custom range must not be after the last')
    if (daysBetween(first, last) > 3660) throw new ParamError('date', 'a custom range spans at most 10 years')
    return { first, last }
  }
  if (date !== undefined && date !== 'today' && !isDate(date)) {
    throw new ParamError('date', `${excerpt(date)} is not a date YYYY-MM-DD`)
  }
  const d = date === undefined || date === 'today' ? today : date
  switch (p) {
    case 'day':
      return { first: d, last: d }
    case '7d':
      return { first: addDays(d, -6), last: d }
    case '30d':
      return { first: addDays(d, -29), last: d }
    case 'month':
      return { first: startOfMonth(d), last: endOfMonth(d) }
    case '6mo':
      return { first: addMonths(d, -5), last: endOfMonth(d) }
    case '12mo':
      return { first: addMonths(d, -11), last: endOfMonth(d) }
  }
}

/** The range of equal length that ends the day before `r` starts (`compare=previous_period`). */
export function previousPeriod(r: DateRange): DateRange {
  const days = daysBetween(r.first, r.last) + 1
  return { first: addDays(r.first, -days), last: addDays(r.first, -1) }
}

/**
 * Local dates to instants in `tz`.
 *
 * @example
 * toTimeRange({ first: '2024-01-02', last: '2024-01-02' }, 'Europe/Amsterdam').from // 2024-01-01T23:00Z
 */
export function toTimeRange(r: DateRange, tz: string): TimeRange {
  const from = zonedMidnight(r.first, tz)
  const to = zonedMidnight(addDays(r.last, 1), tz)
  return { ...r, tz, from, to, d0: utcDate(from), d1: utcDate(to - 1) }
}

/** Plausible's default bucket for a period. */
export function defaultInterval(period: string | undefined): Interval {
  if (period === 'day') return 'hour'
  if (period === '6mo' || period === '12mo') return 'month'
  return 'date'
}

export function parseInterval(v: string | undefined, period: string | undefined): Interval {
  if (v === undefined || v === '') return defaultInterval(period)
  if (!(INTERVALS as readonly string[]).includes(v)) {
    throw new ParamError('interval', `${excerpt(v)} is not one of ${INTERVALS.join(', ')}`)
  }
  return v as Interval
}

/** The site's local date at `now`. */
export function today(now: number, tz: string): string {
  return localDate(now, tz)
}
