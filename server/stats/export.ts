import { strToU8, zipSync } from 'fflate'
import type { Ch } from '../store/client.ts'
import type { Metric } from './metrics.ts'
import type { Interval } from './period.ts'
import { propertyDef } from './properties.ts'
import { breakdown, type ReportQuery, timeseries } from './reports.ts'

const VISIT_COLS: Metric[] = ['visitors', 'visits', 'bounce_rate', 'visit_duration']

/** One CSV per breakdown, named as Plausible's export names them. */
const FILES: ReadonlyArray<{ file: string; property: string; metrics: Metric[] }> = [
  {
    file: 'pages.csv',
    property: 'event:page',
    metrics: ['visitors', 'pageviews', 'time_on_page', 'scroll_depth'],
  },
  { file: 'entry_pages.csv', property: 'visit:entry_page', metrics: VISIT_COLS },
  { file: 'exit_pages.csv', property: 'visit:exit_page', metrics: VISIT_COLS },
  { file: 'sources.csv', property: 'visit:source', metrics: VISIT_COLS },
  { file: 'referrers.csv', property: 'visit:referrer', metrics: VISIT_COLS },
  { file: 'utm_sources.csv', property: 'visit:utm_source', metrics: VISIT_COLS },
  { file: 'utm_mediums.csv', property: 'visit:utm_medium', metrics: VISIT_COLS },
  { file: 'utm_campaigns.csv', property: 'visit:utm_campaign', metrics: VISIT_COLS },
  { file: 'utm_terms.csv', property: 'visit:utm_term', metrics: VISIT_COLS },
  { file: 'utm_contents.csv', property: 'visit:utm_content', metrics: VISIT_COLS },
  { file: 'countries.csv', property: 'visit:country', metrics: ['visitors'] },
  { file: 'devices.csv', property: 'visit:device', metrics: ['visitors'] },
  { file: 'browsers.csv', property: 'visit:browser', metrics: ['visitors'] },
  { file: 'operating_systems.csv', property: 'visit:os', metrics: ['visitors'] },
  { file: 'custom_events.csv', property: 'event:name', metrics: ['visitors', 'events'] },
]

const TIMESERIES: Metric[] = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
]
export const EXPORT_ROW_LIMIT = 10_000

/**
 * A CSV field: quoted when needed, and a leading `= + - @` (or tab/CR) is prefixed with `'` so a
 * spreadsheet never runs a referrer or campaign name as a formula.
 *
 * @example
 * csvField('=HYPERLINK("x")') // `"'=HYPERLINK(""x"")"`
 */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v)
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`
}

/**
 * `GET /api/v1/stats/export`: a zip of `visitors.csv` (the timeseries) and one CSV per breakdown,
 * with the same filters and small-count folding as the API.
 *
 * @example
 * const zip = await exportZip(ch, { site, range, filters: [], metrics: [] }, 'date')
 */
export async function exportZip(ch: Ch, q: ReportQuery, interval: Interval): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {}
  const series = await timeseries(ch, { ...q, metrics: TIMESERIES }, interval)
  files['visitors.csv'] = strToU8(
    toCsv(
      ['date', ...TIMESERIES],
      series.map((r) => ['date', ...TIMESERIES].map((k) => r[k])),
    ),
  )
  for (const f of FILES) {
    const def = propertyDef(f.property, 'property')
    const rows = await breakdown(ch, { ...q, metrics: f.metrics }, def, EXPORT_ROW_LIMIT, 1)
    files[f.file] = strToU8(
      toCsv(
        ['name', ...f.metrics],
        rows.map((r) => [r[def.key], ...f.metrics.map((m) => r[m])]),
      ),
    )
  }
  return zipSync(files, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') })
}
