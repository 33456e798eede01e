import type { MetricKind } from './format.ts'

export interface MetricDef {
  key: string
  label: string
  kind: MetricKind
  /** Whether a drop is good news (bounce rate). */
  lowerIsBetter?: boolean
}

/** The top stats, in the order the dashboard shows them; every one can drive the chart. */
export const TOP_METRICS: readonly MetricDef[] = [
  { key: 'visitors', label: 'Unique visitors', kind: 'count' },
  { key: 'visits', label: 'Visits', kind: 'count' },
  { key: 'pageviews', label: 'Pageviews', kind: 'count' },
  { key: 'views_per_visit', label: 'Views per visit', kind: 'ratio' },
  { key: 'bounce_rate', label: 'Bounce rate', kind: 'percent', lowerIsBetter: true },
  { key: 'visit_duration', label: 'Visit duration', kind: 'duration' },
  { key: 'time_on_page', label: 'Time on page', kind: 'duration' },
  { key: 'scroll_depth', label: 'Scroll depth', kind: 'percent' },
]

export function metricDef(key: string): MetricDef {
  return TOP_METRICS.find((m) => m.key === key) ?? { key, label: key, kind: 'count' }
}
