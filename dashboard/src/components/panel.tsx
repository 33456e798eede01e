import { useMemo, useState } from 'preact/hooks'
import { api, statsUrl } from '../lib/api.ts'
import { type ExportRow, useExport } from '../lib/export.ts'
import type { Filter } from '../lib/filters.ts'
import { formatCount } from '../lib/format.ts'
import { useAsync } from '../lib/hooks.ts'
import type { Row } from '../lib/types.ts'
import { type PanelDef, rowKey, type TabDef } from './panels.ts'
import { Empty, ErrorBox, Loading } from './states.tsx'

const LIMIT = 10

function rowValue(row: Row, property: string): string {
  const v = row[rowKey(property)]
  if (v !== undefined && v !== null) return String(v)
  const first = Object.values(row).find((x) => typeof x === 'string')
  return typeof first === 'string' ? first : ''
}

/** One tab's breakdown list: bars proportional to visitors, a click filters by the row. */
function Breakdown({
  tab,
  params,
  onFilter,
  heatmapHref,
  section,
}: {
  tab: TabDef
  params: Record<string, string | undefined>
  onFilter: (f: Filter) => void
  heatmapHref: ((page: string) => string) | null
  section: string
}) {
  const [expanded, setExpanded] = useState(false)
  const metrics = tab.metrics ?? ['visitors']
  const limit = expanded ? 100 : LIMIT + 5
  const url = statsUrl('breakdown', {
    ...params,
    property: tab.property,
    metrics: metrics.join(','),
    limit: String(limit),
  })
  const res = useAsync(url, (signal) => api<{ results: Row[] }>(url, { signal }))
  const rows = useMemo(
    () =>
      (res.data?.results ?? [])
        .map((r) => ({ value: rowValue(r, tab.property), visitors: Number(r.visitors ?? 0), row: r }))
        .filter((r) => !tab.hide?.(r.value)),
    [res.data, tab],
  )
  const shown = expanded ? rows : rows.slice(0, LIMIT)
  const exportRows = useMemo<ExportRow[] | null>(
    () =>
      res.data
        ? shown.flatMap((r) => metrics.map((m): ExportRow => [section, r.value, m, Number(r.row[m] ?? 0)]))
        : null,
    [res.data, shown, section, metrics],
  )
  useExport(section, exportRows)
  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />
  if (!res.data) return <Loading compact />
  if (rows.length === 0) return <Empty>No data yet.</Empty>
  const max = Math.max(1, ...rows.map((r) => r.visitors))
  return (
    <>
      <div class="table-head">
        <span>{tab.column}</span>
        <span>{metrics.map((m) => (m === 'events' ? 'Events' : 'Visitors')).join(' · ')}</span>
      </div>
      <ul class="rows" aria-busy={res.loading}>
        {shown.map((r) => (
          <li key={r.value} class="row">
            <span class="row-bar" style={{ width: `${(r.visitors / max) * 100}%` }} aria-hidden="true" />
            <button
              type="button"
              class="row-name"
              title={`Filter by ${tab.column.toLowerCase()} ${r.value}`}
              disabled={!r.value}
              onClick={() => onFilter({ property: tab.property, negated: false, value: r.value })}
            >
              {tab.display ? tab.display(r.value) : r.value || '(none)'}
            </button>
            {heatmapHref && tab.heatmap && (
              <a
                class="row-link"
                href={heatmapHref(r.value)}
                title={`Heatmap of ${r.value}`}
                aria-label={`Heatmap of ${r.value}`}
              >
                ▦
              </a>
            )}
            <span class="row-num">{metrics.map((m) => formatCount(Number(r.row[m] ?? 0))).join(' · ')}</span>
          </li>
        ))}
      </ul>
      {rows.length > LIMIT && !expanded && (
        <button type="button" class="link more" onClick={() => setExpanded(true)}>
          Show more
        </button>
      )}
    </>
  )
}

/**
 * Custom event properties: the keys sent in the period are offered (most used first, the first one
 * shown), and any other key can still be typed.
 */
function PropsBreakdown(props: {
  params: Record<string, string | undefined>
  onFilter: (f: Filter) => void
  section: string
}) {
  const [chosen, setChosen] = useState('')
  const url = statsUrl('prop-keys', {
    site_id: props.params.site_id,
    period: props.params.period,
    date: props.params.date,
  })
  const keys = useAsync(url, (signal) => api<{ results: { key: string; events: number }[] }>(url, { signal }))
  const offered = keys.data?.results ?? []
  const key = chosen || offered[0]?.key || ''
  return (
    <>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          setChosen(String(new FormData(e.currentTarget as HTMLFormElement).get('key') ?? '').trim())
        }}
      >
        <label class="sr-only" for="prop-key">
          Property name
        </label>
        <input
          id="prop-key"
          class="input"
          name="key"
          placeholder="Property name, e.g. plan"
          list="prop-keys"
        />
        <datalist id="prop-keys">
          {offered.map((k) => (
            <option key={k.key} value={k.key} />
          ))}
        </datalist>
        <button type="submit" class="btn btn-small">
          Show
        </button>
      </form>
      {offered.length > 1 && (
        <fieldset class="tabs prop-keys">
          <legend class="sr-only">Properties sent in this period</legend>
          {offered.slice(0, 8).map((k) => (
            <button
              key={k.key}
              type="button"
              class={k.key === key ? 'tab active' : 'tab'}
              aria-pressed={k.key === key}
              onClick={() => setChosen(k.key)}
            >
              {k.key}
            </button>
          ))}
        </fieldset>
      )}
      {key ? (
        <Breakdown
          tab={{ label: key, property: `event:props:${key}`, column: key, metrics: ['visitors', 'events'] }}
          {...props}
          heatmapHref={null}
        />
      ) : keys.data || keys.error ? (
        <Empty>No custom properties were sent in this period. Name one to break the goals down by it.</Empty>
      ) : (
        <Loading compact />
      )}
    </>
  )
}

/** A titled card with tabs over breakdowns. */
export function Panel({
  def,
  params,
  onFilter,
  heatmapHref,
}: {
  def: PanelDef
  params: Record<string, string | undefined>
  onFilter: (f: Filter) => void
  heatmapHref: (page: string) => string
}) {
  const [active, setActive] = useState(0)
  const withProps = def.id === 'goals'
  const tabs = withProps ? [...def.tabs.map((t) => t.label), 'Properties'] : def.tabs.map((t) => t.label)
  const tab = def.tabs[active]
  return (
    <section class="card panel" aria-labelledby={`panel-${def.id}`} data-panel={def.id}>
      <div class="card-head">
        <h2 class="card-title" id={`panel-${def.id}`}>
          {def.title}
        </h2>
        {tabs.length > 1 && (
          <div class="tabs" role="tablist" aria-label={def.title}>
            {tabs.map((label, i) => (
              <button
                type="button"
                role="tab"
                key={label}
                class={i === active ? 'tab active' : 'tab'}
                aria-selected={i === active}
                onClick={() => setActive(i)}
              >
                {label}
              </button>
            ))}
          </div>
        )}
      </div>
      <div role="tabpanel">
        {tab ? (
          <Breakdown
            key={tab.property}
            tab={tab}
            params={params}
            onFilter={onFilter}
            heatmapHref={heatmapHref}
            section={tab.label}
          />
        ) : (
          <PropsBreakdown params={params} onFilter={onFilter} section="Properties" />
        )}
      </div>
    </section>
  )
}
