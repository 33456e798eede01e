/**
 * Calendar dates (`YYYY-MM-DD`) and their instants in a site's time zone. Dates are plain
 * strings so they compare lexically; arithmetic runs on UTC-midnight Dates, which never shift.
 */

const DAY_MS = 86_400_000
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `s` is a real calendar date `YYYY-MM-DD`. */
export function isDate(s: string): boolean {
  const m = DATE_RE.exec(s)
  if (!m) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

function toUtc(date: string): number {
  return Date.parse(`${date}T00:00:00Z`)
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/**
 * @example
 * addDays('2024-02-28', 2) // '2024-03-01'
 */
export function addDays(date: string, n: number): string {
  return fromUtc(toUtc(date) + n * DAY_MS)
}

/** Whole days from `a` to `b` (`b - a`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / DAY_MS)
}

/** First day of the month `n` months after the month of `date`. */
export function addMonths(date: string, n: number): string {
  const d = new Date(toUtc(date))
  return fromUtc(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1))
}

export function startOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`
}

export function endOfMonth(date: string): string {
  return addDays(addMonths(date, 1), -1)
}

/** Monday of the ISO week of `date`. */
export function startOfWeek(date: string): string {
  const dow = (new Date(toUtc(date)).getUTCDay() + 6) % 7
  return addDays(date, -dow)
}

/** Every date from `first` to `last`, inclusive. */
export function eachDay(first: string, last: string): string[] {
  const out: string[] = []
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d)
  return out
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function parts(ms: number, tz: string): Record<string, number> {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(tz, f)
  }
  const out: Record<string, number> = {}
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value)
  return out
}

/**
 * The calendar date of instant `ms` in zone `tz`.
 *
 * @example
 * localDate(Date.parse('2024-01-01T23:30:00Z'), 'Europe/Amsterdam') // '2024-01-02'
 */
export function localDate(ms: number, tz: string): string {
  const p = parts(ms, tz)
  const pad = (n: number | undefined, w = 2) => String(n ?? 0).padStart(w, '0')
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`
}

function offsetMs(ms: number, tz: string): number {
  const p = parts(ms, tz)
  const asUtc = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  )
  return asUtc - Math.floor(ms / 1000) * 1000
}

/**
 * The instant local midnight starts `date` in `tz` (the first instant of that day when a DST
 * change skips midnight).
 *
 * @example
 * zonedMidnight('2024-01-02', 'Europe/Amsterdam') // Date.parse('2024-01-01T23:00:00Z')
 */
export function zonedMidnight(date: string, tz: string): number {
  const guess = toUtc(date)
  let t = guess - offsetMs(guess, tz)
  t = guess - offsetMs(t, tz)
  // Midnight skipped by a DST jump: the day starts at the first instant whose local date is `date`.
  if (localDate(t, tz) !== date) t += 3_600_000
  return t
}

/** `YYYY-MM-DD` of a UTC instant. */
export function utcDate(ms: number): string {
  return fromUtc(Math.floor(ms / DAY_MS) * DAY_MS)
}
