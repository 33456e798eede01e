import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import { formatMetric, type MetricKind } from '../lib/format.ts'
import { useColorScheme } from '../lib/hooks.ts'
import type { Interval } from '../lib/period.ts'

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback
}

const WHOLE_STEPS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7,
]

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * A bucket label as the Stats API returns it (`2026-01-02`, `2026-01-02 13:00:00`) made short.
 *
 * @example
 * bucketLabel('2026-01-02 13:00:00', 'hour') // '13:00'
 */
export function bucketLabel(date: string, interval: Interval): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ T](\d{2}):(\d{2}))?/.exec(date)
  if (!m) return date
  const month = MONTHS[Number(m[2]) - 1] ?? m[2]
  if (interval === 'hour' && m[4]) return `${m[4]}:${m[5]}`
  if (interval === 'month') return `${month} ${m[1]}`
  return `${month} ${Number(m[3] ?? 1)}`
}

export interface ChartProps {
  labels: string[]
  values: number[]
  previous?: number[] | undefined
  kind: MetricKind
  name: string
  interval: Interval
}

/** The time series: current period solid, previous period faint and dashed when comparing. */
export function Chart({ labels, values, previous, kind, name, interval }: ChartProps) {
  const box = useRef<HTMLDivElement>(null)
  // Colours come from CSS variables, so the chart is redrawn when the system switches dark mode.
  const scheme = useColorScheme()
  useEffect(() => {
    const el = box.current
    if (!el) return
    const accent = cssVar('--accent', '#0072B2')
    const faint = cssVar('--muted', '#888')
    const grid = cssVar('--grid', 'rgba(128,128,128,.15)')
    const text = cssVar('--text-2', '#555')
    const xs = labels.map((_, i) => i)
    const series: uPlot.Series[] = [
      { label: 'Time', value: (_u, i) => (i === null ? '—' : (labels[i] ?? '')) },
      {
        label: name,
        stroke: accent,
        width: 2,
        fill: cssVar('--accent-fill', 'rgba(0,114,178,.12)'),
        points: { show: labels.length < 40, size: 5, fill: accent },
        value: (_u, v) => (v === null ? '—' : formatMetric(v, kind)),
      },
    ]
    const data: uPlot.AlignedData = [xs, values]
    if (previous) {
      series.push({
        label: 'Previous period',
        stroke: faint,
        width: 1.5,
        dash: [5, 4],
        points: { show: false },
        value: (_u, v) => (v === null ? '—' : formatMetric(v, kind)),
      })
      data.push(xs.map((i) => previous[i] ?? null) as number[])
    }
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { show: false } }
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: el.clientWidth < 500 ? 200 : 280,
      series,
      cursor: { y: false, points: { size: 7 } },
      legend: { show: true, live: true },
      scales: {
        x: { time: false },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : kind === 'percent' ? 100 : 5] },
      },
      axes: [
        {
          ...axis,
          values: (_u, splits) =>
            splits.map((i) => (Number.isInteger(i) ? bucketLabel(labels[i] ?? '', interval) : '')),
          space: 60,
        },
        {
          ...axis,
          values: (_u, splits) => splits.map((v) => formatMetric(v, kind)),
          size: 56,
          // Counts never get fractional ticks (which would print as 0, 0, 1, 1).
          ...(kind === 'count' ? { incrs: WHOLE_STEPS } : {}),
        },
      ],
    }
    const plot = new uPlot(opts, data, el)
    const ro = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height: opts.height }),
    )
    ro.observe(el)
    return () => {
      ro.disconnect()
      plot.destroy()
    }
  }, [labels, values, previous, kind, name, interval, scheme])
  return <div class="chart" ref={box} role="img" aria-label={`${name} over time`} />
}
