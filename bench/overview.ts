/** The Stats API calls of the dashboard's overview page, as `dashboard/src` makes them. */

export interface StatsCall {
  name: string
  path: string
  params: Record<string, string>
  /** Fired when the overview page opens (the first tab of each panel; the others load on click). */
  onLoad: boolean
}

const TOP_METRICS =
  'visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,time_on_page,scroll_depth'

const BREAKDOWNS: Array<[string, boolean]> = [
  ['visit:source', true],
  ['visit:referrer', false],
  ['visit:utm_source', false],
  ['visit:utm_medium', false],
  ['visit:utm_campaign', false],
  ['event:page', true],
  ['visit:entry_page', false],
  ['visit:exit_page', false],
  ['visit:country', true],
  ['visit:browser', true],
  ['visit:os', false],
  ['visit:device', false],
  ['event:name', true],
]

/**
 * Every call of the overview for `domain` over `period`: aggregate with all top metrics and
 * the previous-period comparison, the visitors timeseries, one breakdown per panel tab (limit 15,
 * as the collapsed panel asks), realtime visitors.
 *
 * @example
 * const calls = overviewCalls('bench.example', '30d')
 */
export function overviewCalls(domain: string, period: string): StatsCall[] {
  const base = { site_id: domain, period }
  return [
    {
      name: 'aggregate (compare)',
      path: 'aggregate',
      params: { ...base, metrics: TOP_METRICS, compare: 'previous_period' },
      onLoad: true,
    },
    {
      name: 'timeseries',
      path: 'timeseries',
      params: { ...base, metrics: 'visitors', interval: 'date' },
      onLoad: true,
    },
    ...BREAKDOWNS.map(([property, onLoad]) => ({
      name: `breakdown ${property}`,
      path: 'breakdown',
      params: {
        ...base,
        property,
        metrics: property === 'event:name' ? 'visitors,events' : 'visitors',
        limit: '15',
      },
      onLoad,
    })),
    { name: 'realtime visitors', path: 'realtime/visitors', params: { site_id: domain }, onLoad: true },
  ]
}

export function callUrl(base: string, c: StatsCall): string {
  return `${base}/api/v1/stats/${c.path}?${new URLSearchParams(c.params)}`
}
