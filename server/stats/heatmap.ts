import type { WidthBucket } from '../collect/types.ts'
import type { Ch } from '../store/client.ts'
import { excerpt, ParamError } from './errors.ts'
import type { TimeRange } from './period.ts'

export const WIDTHS: readonly WidthBucket[] = ['mobile', 'tablet', 'desktop', 'wide']

export function parseWidth(v: string | undefined): WidthBucket {
  const w = v ?? 'desktop'
  if (!(WIDTHS as readonly string[]).includes(w)) {
    throw new ParamError('width', `${excerpt(w)} is not one of ${WIDTHS.join(', ')}`)
  }
  return w as WidthBucket
}

/** The `events.width` condition of a layout bucket; same bounds as collect/clicks.ts widthBucket. */
const WIDTH_SQL: Record<WidthBucket, string> = {
  mobile: 'width > 0 AND width < 768',
  tablet: 'width >= 768 AND width < 1024',
  desktop: '(width = 0 OR (width >= 1024 AND width < 1440))',
  wide: 'width >= 1440',
}

export interface Heatmap {
  cells: Array<[number, number, number]>
  rage: Array<[number, number, number]>
  pageviews: number
  scroll: Array<{ depth: number; visitors: number }>
  suppressed: number
  k: number
}

/**
 * Click cells of one page and layout. Clicks are stored per UTC day, so the range is taken in
 * whole UTC days (`d0..d1`); pageviews and scroll use the exact range. Cells (and rage cells)
 * with fewer than `k` clicks are withheld and only counted in `suppressed`.
 *
 * @example
 * await heatmap(ch, 'example.com', '/pricing', 'desktop', range, 3)
 */
export async function heatmap(
  ch: Ch,
  site: string,
  page: string,
  width: WidthBucket,
  range: TimeRange,
  k: number,
): Promise<Heatmap> {
  const params = { site, page, width, d0: range.d0, d1: range.d1, from: range.from, to: range.to }
  const cellRows = await ch.query<{ x: number; y: number; n: number; rage_n: number }>(
    `SELECT x, y, sum(clicks) AS n, sumIf(clicks, rage = 1) AS rage_n FROM clicks
     WHERE site_id = {site:String} AND day BETWEEN {d0:Date} AND {d1:Date} AND path = {page:String}
       AND width_bucket = {width:String}
     GROUP BY x, y ORDER BY y, x`,
    params,
  )
  const inRange = `site_id = {site:String} AND toDate(ts) BETWEEN {d0:Date} AND {d1:Date}
    AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
    AND path = {page:String} AND ${WIDTH_SQL[width]}`
  const [pv] = await ch.query<{ n: number }>(
    `SELECT count() AS n FROM events WHERE ${inRange} AND name = 'pageview'`,
    params,
  )
  const depthRows = await ch.query<{ depth: number; visitors: number }>(
    `SELECT d AS depth, countIf(m >= d) AS visitors
     FROM (SELECT visitor, maxIf(scroll_depth, name = 'engagement') AS m FROM events
           WHERE ${inRange} AND name IN ('pageview', 'engagement') GROUP BY visitor)
     ARRAY JOIN range(0, 101, 10) AS d
     GROUP BY d ORDER BY d`,
    params,
  )
  const cells: Heatmap['cells'] = []
  const rage: Heatmap['rage'] = []
  let suppressed = 0
  for (const r of cellRows) {
    if (r.n >= k) cells.push([r.x, r.y, r.n])
    else suppressed++
    if (r.rage_n > 0) {
      if (r.rage_n >= k) rage.push([r.x, r.y, r.rage_n])
      else suppressed++
    }
  }
  const byDepth = new Map(depthRows.map((r) => [r.depth, r.visitors]))
  const scroll = Array.from({ length: 11 }, (_, i) => ({ depth: i * 10, visitors: byDepth.get(i * 10) ?? 0 }))
  return { cells, rage, pageviews: pv?.n ?? 0, scroll, suppressed, k }
}

/**
 * Pages that have click data in the range, most clicked first (the heatmap page picker).
 *
 * @example
 * await pagesWithClicks(ch, 'example.com', range) // [{ page: '/', clicks: 120 }]
 */
export async function pagesWithClicks(
  ch: Ch,
  site: string,
  range: TimeRange,
  limit = 100,
): Promise<Array<{ page: string; clicks: number }>> {
  const rows = await ch.query<{ page: string; n: number }>(
    `SELECT path AS page, sum(clicks) AS n FROM clicks
     WHERE site_id = {site:String} AND day BETWEEN {d0:Date} AND {d1:Date}
     GROUP BY page ORDER BY n DESC, page LIMIT {limit:UInt32}`,
    { site, d0: range.d0, d1: range.d1, limit },
  )
  return rows.map((r) => ({ page: r.page, clicks: r.n }))
}
