import { excerpt, ParamError } from './errors.ts'

export const METRICS = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
  'scroll_depth',
  'time_on_page',
] as const
export type Metric = (typeof METRICS)[number]

/** Additive sums each group carries; metrics are derived from them, so groups can be folded. */
export interface Raw {
  visitors: number
  visits: number
  bounces: number
  /** Sum of visit durations, ms. */
  duration: number
  /** Pageviews of the counted visits. */
  visitPageviews: number
  pageviews: number
  events: number
  engagedMs: number
  /** Engagement events: without any, time on page is unknown rather than 0. */
  engagements: number
  scrollSum: number
  scrollN: number
}

export function emptyRaw(): Raw {
  return {
    visitors: 0,
    visits: 0,
    bounces: 0,
    duration: 0,
    visitPageviews: 0,
    pageviews: 0,
    events: 0,
    engagedMs: 0,
    engagements: 0,
    scrollSum: 0,
    scrollN: 0,
  }
}

export function addRaw(a: Raw, b: Raw): Raw {
  const out = emptyRaw()
  for (const k of Object.keys(out) as Array<keyof Raw>) out[k] = a[k] + b[k]
  return out
}

/**
 * Parses `metrics=visitors,bounce_rate` against the allow-list; defaults to `visitors`.
 *
 * @example
 * parseMetrics('visitors,pageviews') // ['visitors', 'pageviews']
 */
export function parseMetrics(raw: string | undefined): Metric[] {
  if (raw === undefined || raw.trim() === '') return ['visitors']
  const out: Metric[] = []
  for (const m of raw.split(',').map((s) => s.trim())) {
    if (!(METRICS as readonly string[]).includes(m)) {
      throw new ParamError('metrics', `${excerpt(m)} is not one of ${METRICS.join(', ')}`)
    }
    if (!out.includes(m as Metric)) out.push(m as Metric)
  }
  return out
}

const round2 = (n: number) => Math.round(n * 100) / 100

/**
 * One metric from a group's sums, rounded as Plausible does: rates and durations to whole
 * numbers (percent, seconds), views per visit to two decimals. `null` when undefined (no data).
 *
 * @example
 * metricValue('bounce_rate', { ...emptyRaw(), visits: 4, bounces: 1 }) // 25
 */
export function metricValue(m: Metric, r: Raw): number | null {
  switch (m) {
    case 'visitors':
      return r.visitors
    case 'visits':
      return r.visits
    case 'pageviews':
      return r.pageviews
    case 'events':
      return r.events
    case 'views_per_visit':
      return r.visits > 0 ? round2(r.visitPageviews / r.visits) : 0
    case 'bounce_rate':
      return r.visits > 0 ? Math.round((r.bounces / r.visits) * 100) : 0
    case 'visit_duration':
      return r.visits > 0 ? Math.round(r.duration / r.visits / 1000) : 0
    case 'scroll_depth':
      return r.scrollN > 0 ? Math.round(r.scrollSum / r.scrollN) : null
    case 'time_on_page':
      return r.pageviews > 0 && r.engagements > 0 ? Math.round(r.engagedMs / r.pageviews / 1000) : null
  }
}

/**
 * Plausible's `change`: percent change, except bounce rate (difference in points); 100 when the
 * previous value was 0 and the current is not.
 */
export function metricChange(m: Metric, now: number | null, before: number | null): number | null {
  if (now === null || before === null) return null
  if (m === 'bounce_rate') return now - before
  if (before === 0) return now === 0 ? 0 : 100
  return Math.round(((now - before) / before) * 100)
}

export function metricsRecord(metrics: readonly Metric[], r: Raw): Record<string, number | null> {
  const out: Record<string, number | null> = {}
  for (const m of metrics) out[m] = metricValue(m, r)
  return out
}
