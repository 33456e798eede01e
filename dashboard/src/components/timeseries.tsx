import { useMemo } from 'preact/hooks'
import { api, statsUrl } from '../lib/api.ts'
import { type ExportRow, useExport } from '../lib/export.ts'
import { useAsync } from '../lib/hooks.ts'
import { metricDef } from '../lib/metrics.ts'
import type { Interval } from '../lib/period.ts'
import type { Row } from '../lib/types.ts'
import { Chart } from './chart.tsx'
import { Empty, ErrorBox, Loading } from './states.tsx'

const INTERVAL_LABELS: Record<Interval, string> = {
  hour: 'Hours',
  date: 'Days',
  week: 'Weeks',
  month: 'Months',
}

/** The chart block: metric name, interval switch, the series and (when comparing) the previous period. */
export function Timeseries({
  params,
  previousParams,
  metric,
  interval,
  intervals,
  onInterval,
}: {
  params: Record<string, string | undefined>
  previousParams: Record<string, string | undefined> | null
  metric: string
  interval: Interval
  intervals: Interval[]
  onInterval: (i: Interval) => void
}) {
  const def = metricDef(metric)
  const url = statsUrl('timeseries', { ...params, metrics: metric, interval })
  const prevUrl = previousParams
    ? statsUrl('timeseries', { ...previousParams, metrics: metric, interval })
    : null
  const cur = useAsync(url, (signal) => api<{ results: Row[] }>(url, { signal }))
  const prev = useAsync(prevUrl, (signal) => api<{ results: Row[] }>(prevUrl as string, { signal }))
  const rows = cur.data?.results
  const labels = useMemo(() => (rows ?? []).map((r) => String(r.date ?? '')), [rows])
  const values = useMemo(() => (rows ?? []).map((r) => Number(r[metric] ?? 0)), [rows, metric])
  const previous = useMemo(
    () => (prevUrl && prev.data ? prev.data.results.map((r) => Number(r[metric] ?? 0)) : undefined),
    [prevUrl, prev.data, metric],
  )
  const exportRows = useMemo<ExportRow[] | null>(
    () => (rows ? rows.map((r, i) => ['Timeseries', String(r.date ?? ''), metric, values[i] ?? 0]) : null),
    [rows, values, metric],
  )
  useExport('timeseries', exportRows)
  return (
    <section class="card chart-card" aria-label="Time series">
      <div class="card-head">
        <h2 class="card-title">{def.label}</h2>
        <fieldset class="segmented">
          <legend class="sr-only">Interval</legend>
          {intervals.map((i) => (
            <button
              type="button"
              key={i}
              class={i === interval ? 'seg active' : 'seg'}
              aria-pressed={i === interval}
              onClick={() => onInterval(i)}
            >
              {INTERVAL_LABELS[i]}
            </button>
          ))}
        </fieldset>
      </div>
      {cur.error && <ErrorBox error={cur.error} retry={cur.reload} />}
      {!cur.error && !rows && <Loading label="Loading chart" />}
      {rows && rows.length === 0 && <Empty>No data for this period.</Empty>}
      {rows && rows.length > 0 && (
        <Chart
          labels={labels}
          values={values}
          previous={previous}
          kind={def.kind}
          name={def.label}
          interval={interval}
        />
      )}
    </section>
  )
}
