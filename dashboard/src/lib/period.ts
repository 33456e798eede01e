/** Date ranges as the Stats API names them (`period` + `date`), computed in the site's time zone. */

export type Period = 'day' | '7d' | '30d' | 'month' | '6mo' | '12mo' | 'custom'
export type Interval = 'hour' | 'date' | 'week' | 'month'

export interface DateRange {
  period: Period
  /** `YYYY-MM-DD` for fixed periods, `YYYY-MM-DD,YYYY-MM-DD` for custom; empty = relative to today. */
  date: string
}

export const PERIODS: readonly Period[] = ['day', '7d', '30d', 'month', '6mo', '12mo', 'custom']

/**
 * Today's date in `timeZone` as `YYYY-MM-DD`.
 *
 * @example
 * todayIn('UTC', Date.UTC(2026, 0, 2)) // '2026-01-02'
 */
export function todayIn(timeZone: string, now = Date.now()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now)
  } catch {
    return new Date(now).toISOString().slice(0, 10)
  }
}

/**
 * Shifts a `YYYY-MM-DD` date by whole days (calendar arithmetic, no time zone involved).
 *
 * @example
 * addDays('2026-03-01', -1) // '2026-02-28'
 */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function addMonths(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d.toISOString().slice(0, 10)
}

function monthEnd(date: string): string {
  return addDays(addMonths(date, 1), -1)
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/**
 * The first and last day a range covers.
 *
 * @example
 * rangeDays({ period: '7d', date: '' }, '2026-01-10') // ['2026-01-04', '2026-01-10']
 */
export function rangeDays(r: DateRange, today: string): [string, string] {
  const ref = r.period !== 'custom' && /^\d{4}-\d{2}-\d{2}$/.test(r.date) ? r.date : today
  switch (r.period) {
    case 'day':
      return [ref, ref]
    case '7d':
      return [addDays(ref, -6), ref]
    case '30d':
      return [addDays(ref, -29), ref]
    case 'month':
      return [`${ref.slice(0, 7)}-01`, monthEnd(ref)]
    case '6mo':
      return [addMonths(ref, -5), monthEnd(ref)]
    case '12mo':
      return [addMonths(ref, -11), monthEnd(ref)]
    default: {
      const [a = today, b = a] = r.date.split(',')
      return a <= b ? [a, b] : [b, a]
    }
  }
}

/**
 * The equally long range right before `r`, as a custom range (what compare draws faintly).
 *
 * @example
 * previousRange({ period: 'day', date: '2026-01-10' }, '2026-01-10') // { period: 'custom', date: '2026-01-09,2026-01-09' }
 */
export function previousRange(r: DateRange, today: string): DateRange {
  // The same rule as the Stats API's compare=previous_period: equally many days, ending the day before.
  const [from, to] = rangeDays(r, today)
  const len = daysBetween(from, to) + 1
  return { period: 'custom', date: `${addDays(from, -len)},${addDays(from, -1)}` }
}

/** Intervals that make sense for a range, finest first. */
export function intervalsFor(r: DateRange, today: string): Interval[] {
  const [from, to] = rangeDays(r, today)
  const days = daysBetween(from, to) + 1
  if (days <= 1) return ['hour']
  if (days <= 7) return ['hour', 'date']
  if (days <= 31) return ['date', 'week']
  return ['date', 'week', 'month']
}

/** The interval a range starts with. */
export function defaultInterval(r: DateRange, today: string): Interval {
  const options = intervalsFor(r, today)
  if (options.includes('month') && (r.period === '6mo' || r.period === '12mo')) return 'month'
  return options.includes('date') ? 'date' : (options[0] ?? 'date')
}

const LABELS: Record<Exclude<Period, 'custom'>, string> = {
  day: 'Today',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  month: 'Month to date',
  '6mo': 'Last 6 months',
  '12mo': 'Last 12 months',
}

const fmtDay = (d: string) =>
  new Date(`${d}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' })

/**
 * What the date picker button says for a range.
 *
 * @example
 * rangeLabel({ period: 'day', date: '' }, '2026-01-10') // 'Today'
 */
export function rangeLabel(r: DateRange, today: string): string {
  if (r.period === 'custom') {
    const [a, b] = rangeDays(r, today)
    return a === b ? fmtDay(a) : `${fmtDay(a)} – ${fmtDay(b)}`
  }
  if (!r.date || (r.period === 'day' && r.date === today)) return LABELS[r.period]
  if (r.period === 'day') return r.date === addDays(today, -1) ? 'Yesterday' : fmtDay(r.date)
  if (r.period === 'month') {
    if (r.date.slice(0, 7) === today.slice(0, 7)) return LABELS.month
    return new Date(`${r.date.slice(0, 7)}-01T00:00:00Z`).toLocaleDateString('en', {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    })
  }
  return `${LABELS[r.period]} to ${fmtDay(r.date)}`
}

/** The presets the date picker offers, relative to `today`. */
export function presets(today: string): Array<{ label: string; range: DateRange; key: string }> {
  return [
    { key: 't', label: 'Today', range: { period: 'day', date: '' } },
    { key: 'y', label: 'Yesterday', range: { period: 'day', date: addDays(today, -1) } },
    { key: 'w', label: 'Last 7 days', range: { period: '7d', date: '' } },
    { key: 'm', label: 'Last 30 days', range: { period: '30d', date: '' } },
    { key: 'd', label: 'Month to date', range: { period: 'month', date: '' } },
    { key: 'l', label: 'Last month', range: { period: 'month', date: addMonths(today, -1) } },
    { key: 's', label: 'Last 6 months', range: { period: '6mo', date: '' } },
    { key: 'a', label: 'Last 12 months', range: { period: '12mo', date: '' } },
  ]
}
