import { useEffect, useRef, useState } from 'preact/hooks'
import { DatePicker } from '../components/date-picker.tsx'
import { HeatCanvas } from '../components/heat-canvas.tsx'
import { Empty, ErrorBox, Loading } from '../components/states.tsx'
import { api, statsUrl } from '../lib/api.ts'
import { formatCount } from '../lib/format.ts'
import { useAsync } from '../lib/hooks.ts'
import { type DateRange, PERIODS, type Period, todayIn } from '../lib/period.ts'
import { setQuery, useLocation } from '../lib/router.ts'
import type { HeatmapResults } from '../lib/types.ts'
import type { DashboardSite } from './dashboard.tsx'

const BUCKETS = [
  { id: 'mobile', label: 'Mobile', width: 375 },
  { id: 'tablet', label: 'Tablet', width: 820 },
  { id: 'desktop', label: 'Desktop', width: 1280 },
  { id: 'wide', label: 'Wide', width: 1600 },
] as const

/** Scales the fixed-width page to the space available without reflowing it. */
function useScale(width: number): [(el: HTMLDivElement | null) => void, number] {
  const [scale, setScale] = useState(1)
  const ref = useRef<HTMLDivElement | null>(null)
  const ro = useRef<ResizeObserver | null>(null)
  useEffect(() => () => ro.current?.disconnect(), [])
  const attach = (el: HTMLDivElement | null) => {
    if (el === ref.current) return
    ro.current?.disconnect()
    ref.current = el
    if (!el) return
    ro.current = new ResizeObserver(() => setScale(Math.min(1, el.clientWidth / width)))
    ro.current.observe(el)
  }
  useEffect(() => {
    if (ref.current) setScale(Math.min(1, ref.current.clientWidth / width))
  }, [width])
  return [attach, scale]
}

function ScrollBands({ scroll }: { scroll: HeatmapResults['scroll'] }) {
  const top = Math.max(1, scroll.find((s) => s.depth === 0)?.visitors ?? 0, ...scroll.map((s) => s.visitors))
  if (scroll.length === 0) return <Empty>No scroll data yet.</Empty>
  return (
    <ol class="bands" aria-label="Scroll depth">
      {[...scroll]
        .sort((a, b) => a.depth - b.depth)
        .map((s) => (
          <li key={s.depth} class="band">
            <span class="band-label">{s.depth}%</span>
            <span class="band-track">
              <span class="band-fill" style={{ width: `${(s.visitors / top) * 100}%` }} />
            </span>
            <span class="band-num">
              {formatCount(s.visitors)} <span class="muted">({Math.round((s.visitors / top) * 100)}%)</span>
            </span>
          </li>
        ))}
    </ol>
  )
}

/** Heatmap view: page, period and width pickers; clicks over the live page or a neutral outline. */
export function HeatmapPage({
  site,
  base,
  allowFraming,
}: {
  site: DashboardSite
  base: string
  allowFraming: boolean
}) {
  const { query } = useLocation()
  const today = todayIn(site.timezone)
  const period = (PERIODS as readonly string[]).includes(query.get('period') ?? '')
    ? (query.get('period') as Period)
    : '30d'
  const range: DateRange = { period, date: query.get('date') ?? '' }
  const bucket = (BUCKETS.find((b) => b.id === query.get('width')) ?? BUCKETS[2]) as (typeof BUCKETS)[number]
  const showRage = query.get('rage') !== '0'
  const set = (patch: Record<string, string>) => {
    const q = new URLSearchParams(query)
    for (const [k, v] of Object.entries(patch)) v ? q.set(k, v) : q.delete(k)
    setQuery(q)
  }
  const common = { site_id: site.domain, period: range.period, date: range.date || undefined }
  const pagesUrl = statsUrl('pages-with-clicks', common)
  const pages = useAsync(pagesUrl, (signal) =>
    api<{ results: Array<{ page: string; clicks: number }> }>(pagesUrl, { signal }),
  )
  const page = query.get('page') || pages.data?.results[0]?.page || ''
  const heatUrl = page ? statsUrl('heatmap', { ...common, page, width: bucket.id }) : null
  const heat = useAsync(heatUrl, (signal) => api<{ results: HeatmapResults }>(heatUrl as string, { signal }))
  const [attach, scale] = useScale(bucket.width)
  const r = heat.data?.results
  const maxY = Math.max(0, ...(r?.cells ?? []).map((c) => c[1]), ...(r?.rage ?? []).map((c) => c[1]))
  const height = Math.min(8000, Math.max(900, maxY + 300))
  const totalClicks = (r?.cells ?? []).reduce((a, c) => a + c[2], 0)
  const pageOptions = pages.data?.results ?? []
  return (
    <>
      <div class="dash-head">
        <div class="dash-title">
          <h1>Heatmaps</h1>
          <a href={base}>← {site.name || site.domain}</a>
        </div>
        <div class="dash-controls">
          <DatePicker
            range={range}
            today={today}
            onChange={(nr) => set({ period: nr.period, date: nr.date })}
          />
        </div>
      </div>
      <div class="heat-toolbar">
        <label class="field-inline">
          <span>Page</span>
          <select
            class="input"
            value={page}
            onChange={(e) => set({ page: (e.currentTarget as HTMLSelectElement).value })}
            data-testid="heat-page"
          >
            {page && !pageOptions.some((p) => p.page === page) && <option value={page}>{page}</option>}
            {pageOptions.map((p) => (
              <option key={p.page} value={p.page}>
                {p.page} ({formatCount(p.clicks)} clicks)
              </option>
            ))}
          </select>
        </label>
        <fieldset class="segmented">
          <legend class="sr-only">Layout width</legend>
          {BUCKETS.map((b) => (
            <button
              type="button"
              key={b.id}
              class={b.id === bucket.id ? 'seg active' : 'seg'}
              aria-pressed={b.id === bucket.id}
              onClick={() => set({ width: b.id })}
            >
              {b.label}
            </button>
          ))}
        </fieldset>
        <label class="toggle">
          <input
            type="checkbox"
            checked={showRage}
            onChange={(e) => set({ rage: (e.currentTarget as HTMLInputElement).checked ? '' : '0' })}
          />
          Rage clicks
        </label>
      </div>
      {pages.error && <ErrorBox error={pages.error} retry={pages.reload} />}
      {pages.data && !page && (
        <Empty>No clicks recorded in this period yet. Clicks appear once visitors use the page.</Empty>
      )}
      {heat.error && <ErrorBox error={heat.error} retry={heat.reload} />}
      {heatUrl && !heat.data && !heat.error && <Loading label="Loading heatmap" />}
      {r && (
        <div class="heat-layout">
          <section class="card heat-card" aria-label="Click heatmap">
            <p class="muted small" data-testid="heat-summary">
              {formatCount(totalClicks)} clicks in {formatCount(r.cells.length)} cells ·{' '}
              {formatCount(r.pageviews)} pageviews · {bucket.label.toLowerCase()} layout ({bucket.width} px)
            </p>
            {r.suppressed > 0 && (
              <p class="note" data-testid="suppressed">
                {formatCount(r.suppressed)} cell{r.suppressed === 1 ? '' : 's'} with fewer than {r.k} clicks
                hidden to protect visitors' privacy.
              </p>
            )}
            {r.cells.length === 0 && <Empty>No click cells for this page and width.</Empty>}
            <div class="heat-viewport" ref={attach} style={{ height: `${height * scale}px` }}>
              <div
                class="heat-stage"
                style={{ width: `${bucket.width}px`, height: `${height}px`, transform: `scale(${scale})` }}
              >
                {allowFraming ? (
                  <iframe
                    class="heat-frame"
                    title={`Live page ${page}`}
                    src={`https://${site.domain}${page.startsWith('/') ? page : `/${page}`}`}
                    width={bucket.width}
                    height={height}
                    sandbox="allow-same-origin"
                    referrerpolicy="no-referrer"
                    loading="lazy"
                    tabIndex={-1}
                  />
                ) : (
                  <div class="heat-outline" aria-hidden="true">
                    <div class="outline-nav" />
                    <div class="outline-hero" />
                    <div class="outline-cols">
                      <div />
                      <div />
                      <div />
                    </div>
                  </div>
                )}
                <HeatCanvas
                  width={bucket.width}
                  height={height}
                  cells={r.cells}
                  rage={r.rage}
                  showRage={showRage}
                  scale={scale}
                />
              </div>
            </div>
            {!allowFraming && (
              <p class="muted small">
                Drawn over a neutral outline. Turn on “Allow framing” in the site settings to draw over the
                live page.
              </p>
            )}
          </section>
          <section class="card" aria-label="Scroll depth">
            <h2 class="card-title">Scroll depth</h2>
            <p class="muted small">Visitors who reached each part of the page.</p>
            <ScrollBands scroll={r.scroll} />
          </section>
        </div>
      )}
    </>
  )
}
