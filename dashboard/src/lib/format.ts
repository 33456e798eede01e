/** Number and duration formatting shared by every screen. */

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })
const whole = new Intl.NumberFormat('en')

/**
 * A count as people read it on a dashboard: exact below 10 000, compact above.
 *
 * @example
 * formatCount(1234) // '1,234'
 * formatCount(45_600) // '45.6K'
 */
export function formatCount(n: number): string {
  return Math.abs(n) < 10_000 ? whole.format(Math.round(n)) : compact.format(n)
}

/**
 * Seconds as `1h 2m`, `3m 4s` or `5s`.
 *
 * @example
 * formatDuration(125) // '2m 5s'
 */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${s % 60}s`
  return `${Math.floor(m / 60)}h ${m % 60}m`
}

export type MetricKind = 'count' | 'percent' | 'duration' | 'ratio'

/**
 * Formats a metric value by its kind.
 *
 * @example
 * formatMetric(42.4, 'percent') // '42%'
 */
export function formatMetric(value: number | null | undefined, kind: MetricKind): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  switch (kind) {
    case 'percent':
      return `${Math.round(value)}%`
    case 'duration':
      return formatDuration(value)
    case 'ratio':
      return value.toFixed(2)
    default:
      return formatCount(value)
  }
}

/**
 * A signed change in percent, with an arrow so it does not rely on colour.
 *
 * @example
 * formatChange(12.3) // '↑ 12%'
 */
export function formatChange(change: number): string {
  if (change === 0) return '± 0%'
  return `${change > 0 ? '↑' : '↓'} ${Math.abs(Math.round(change))}%`
}
