import { useMemo } from 'preact/hooks'
import { ApiError, api, statsUrl } from '../lib/api.ts'
import { type ExportRow, useExport } from '../lib/export.ts'
import { formatChange, formatMetric } from '../lib/format.ts'
import { useAsync } from '../lib/hooks.ts'
import { TOP_METRICS } from '../lib/metrics.ts'
import type { AggregateResults } from '../lib/types.ts'
import { ErrorBox, Loading } from './states.tsx'

const CORE = TOP_METRICS.slice(0, 6).map((m) => m.key)

/** Aggregate with all top metrics; falls back to the Plausible core set if the server rejects extras. */
async function loadAggregate(params: Record<string, string | undefined>, signal: AbortSignal) {
  const all = TOP_METRICS.map((m) => m.key).join(',')
  try {
    return await api<{ results: AggregateResults }>(statsUrl('aggregate', { ...params, metrics: all }), {
      signal,
    })
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err
    return api<{ results: AggregateResults }>(statsUrl('aggregate', { ...params, metrics: CORE.join(',') }), {
      signal,
    })
  }
}

/** The headline numbers with their change against the previous period; a click charts one. */
export function TopStats({
  params,
  metric,
  onMetric,
}: {
  params: Record<string, string | undefined>
  metric: string
  onMetric: (m: string) => void
}) {
  const key = JSON.stringify(params)
  const agg = useAsync(key, (signal) => loadAggregate({ ...params, compare: 'previous_period' }, signal))
  const results = agg.data?.results
  const exportRows = useMemo<ExportRow[] | null>(
    () =>
      results
        ? TOP_METRICS.filter((m) => results[m.key]).map((m) => [
            'Summary',
            m.label,
            m.key,
            results[m.key]?.value ?? '',
          ])
        : null,
    [results],
  )
  useExport('summary', exportRows)
  if (agg.error) return <ErrorBox error={agg.error} retry={agg.reload} />
  if (!results) return <Loading label="Loading top stats" />
  return (
    <div class={agg.loading ? 'top-stats is-refreshing' : 'top-stats'} aria-busy={agg.loading}>
      {TOP_METRICS.filter((m) => results[m.key]).map((m) => {
        const r = results[m.key]
        const change = r?.change
        const good =
          change === null || change === undefined || change === 0 ? '' : change > 0 !== !!m.lowerIsBetter
        return (
          <button
            type="button"
            key={m.key}
            class={m.key === metric ? 'stat active' : 'stat'}
            aria-pressed={m.key === metric}
            data-metric={m.key}
            onClick={() => onMetric(m.key)}
          >
            <span class="stat-label">{m.label}</span>
            <span class="stat-value" data-testid={`stat-${m.key}`} data-value={String(r?.value ?? '')}>
              {formatMetric(r?.value, m.kind)}
            </span>
            {typeof change === 'number' && (
              <span class={good === '' ? 'stat-change' : good ? 'stat-change up' : 'stat-change down'}>
                {formatChange(change)}
              </span>
            )}
          </button>
        )
      })}
    </div>
  )
}
