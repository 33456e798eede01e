import { useMemo } from 'preact/hooks'
import { DatePicker } from '../components/date-picker.tsx'
import { FilterChips } from '../components/filter-chips.tsx'
import { Panel } from '../components/panel.tsx'
import { PANELS } from '../components/panels.ts'
import { Realtime } from '../components/realtime.tsx'
import { Timeseries } from '../components/timeseries.tsx'
import { TopStats } from '../components/top-stats.tsx'
import { download } from '../lib/csv.ts'
import { ExportContext, ExportRegistry } from '../lib/export.ts'
import { type Filter, withFilter } from '../lib/filters.ts'
import { defaultInterval, intervalsFor, previousRange, rangeDays, todayIn } from '../lib/period.ts'
import { setQuery, useLocation } from '../lib/router.ts'
import { readView, statsParams, type View, writeView } from '../lib/view.ts'

export interface DashboardSite {
  domain: string
  name: string
  timezone: string
}

/**
 * The site dashboard; `base` is `/sites/<domain>` or `/share/<token>` so links stay inside the
 * logged-in app or the shared view.
 */
export function SiteDashboard({
  site,
  base,
  settingsHref,
}: {
  site: DashboardSite
  base: string
  settingsHref: string | null
}) {
  const { query } = useLocation()
  const view = readView(query)
  const today = todayIn(site.timezone)
  const update = (patch: Partial<View>) => setQuery(writeView({ ...view, ...patch }))
  const registry = useMemo(() => new ExportRegistry(), [])
  const intervals = intervalsFor(view.range, today)
  const interval =
    view.interval && intervals.includes(view.interval) ? view.interval : defaultInterval(view.range, today)
  const params = statsParams(site.domain, view)
  const prevParams = view.compare ? statsParams(site.domain, view, previousRange(view.range, today)) : null
  const heatmapHref = (page: string) => {
    const q = new URLSearchParams({ page, period: view.range.period })
    if (view.range.date) q.set('date', view.range.date)
    return `${base}/heatmap?${q}`
  }
  const onFilter = (f: Filter) => update({ filters: withFilter(view.filters, f) })
  const onRemove = (f: Filter) => update({ filters: view.filters.filter((x) => x !== f) })
  const exportCsv = () => {
    const [from, to] = rangeDays(view.range, today)
    download(`${site.domain}-${from}-${to}.csv`, registry.csv())
  }
  return (
    <ExportContext.Provider value={registry}>
      <div class="dash-head">
        <div class="dash-title">
          <h1>{site.name || site.domain}</h1>
          <Realtime domain={site.domain} />
        </div>
        <div class="dash-controls">
          <DatePicker
            range={view.range}
            today={today}
            onChange={(range) => update({ range, interval: '' })}
          />
          <label class="toggle">
            <input
              type="checkbox"
              checked={view.compare}
              data-testid="compare"
              onChange={(e) => update({ compare: (e.currentTarget as HTMLInputElement).checked })}
            />
            Compare
          </label>
          <button type="button" class="btn" onClick={exportCsv} data-testid="export">
            Export CSV
          </button>
          <a
            class="btn"
            href={`${base}/heatmap?period=${view.range.period}${view.range.date ? `&date=${view.range.date}` : ''}`}
          >
            Heatmaps
          </a>
          {settingsHref && (
            <a class="btn" href={settingsHref} data-testid="settings-link">
              Settings
            </a>
          )}
        </div>
      </div>
      <p class="muted small tz">
        {site.domain} · times in {site.timezone}
      </p>
      <FilterChips filters={view.filters} onRemove={onRemove} />
      <TopStats params={params} metric={view.metric} onMetric={(metric) => update({ metric })} />
      <Timeseries
        params={params}
        previousParams={prevParams}
        metric={view.metric}
        interval={interval}
        intervals={intervals}
        onInterval={(i) => update({ interval: i })}
      />
      <div class="panels">
        {PANELS.map((p) => (
          <Panel key={p.id} def={p} params={params} onFilter={onFilter} heatmapHref={heatmapHref} />
        ))}
      </div>
    </ExportContext.Provider>
  )
}
