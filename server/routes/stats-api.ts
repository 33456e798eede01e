import { type Context, Hono, type MiddlewareHandler } from 'hono'
import type { Site } from '../collect/types.ts'
import type { Services } from '../services.ts'
import { ParamError } from '../stats/errors.ts'
import { exportZip } from '../stats/export.ts'
import { heatmap, pagesWithClicks, parseWidth } from '../stats/heatmap.ts'
import { commonParams, compareParam, intParam, type QueryGetter, requiredParam } from '../stats/params.ts'
import {
  type DateRange,
  type Interval,
  parseInterval,
  resolvePeriod,
  type TimeRange,
  today,
  toTimeRange,
} from '../stats/period.ts'
import { propKeys } from '../stats/prop-keys.ts'
import { propertyDef } from '../stats/properties.ts'
import { realtimeVisitors } from '../stats/realtime.ts'
import { aggregate, breakdown, bucketCountOk, timeseries } from '../stats/reports.ts'

type Handler = (c: Context, q: QueryGetter) => Promise<Response>

/** Turns a {@link ParamError} into Plausible's `400 { error }`. */
function handle(fn: Handler): (c: Context) => Promise<Response> {
  return async (c) => {
    try {
      return await fn(c, (name) => c.req.query(name))
    } catch (err) {
      if (err instanceof ParamError) return c.json({ error: err.message }, 400)
      throw err
    }
  }
}

/** `interval`, checked against the range so a request cannot ask for millions of buckets. */
function intervalParam(q: QueryGetter, range: DateRange): Interval {
  const interval = parseInterval(q('interval'), q('period'))
  if (!bucketCountOk(range, interval)) {
    throw new ParamError('interval', `${interval} gives too many buckets for this range`)
  }
  return interval
}

/** `period`/`date` as a time range in the site's timezone. */
function rangeParam(q: QueryGetter, site: Site, now: number): TimeRange {
  return toTimeRange(resolvePeriod(q('period'), q('date'), today(now, site.timezone)), site.timezone)
}

/**
 * Plausible's Stats API v1 plus crumbless's heatmap, page picker, custom property keys and export, every path behind
 * `access` (which resolves `site_id` and sets `c.get('site')`).
 *
 * @example
 * app.route('/', statsApiRoutes(s, readAccess(s)))
 */
export function statsApiRoutes(s: Services, access: MiddlewareHandler): Hono {
  const app = new Hono()
  app.use('/api/v1/stats/*', access)

  app.get(
    '/api/v1/stats/realtime/visitors',
    handle(async (c) => c.json(await realtimeVisitors(s.ch, c.get('site').domain, s.now()))),
  )

  app.get(
    '/api/v1/stats/aggregate',
    handle(async (c, q) => {
      const site = c.get('site')
      const p = commonParams(q, site, s.now())
      return c.json({ results: await aggregate(s.ch, { site, ...p }, compareParam(q)) })
    }),
  )

  app.get(
    '/api/v1/stats/timeseries',
    handle(async (c, q) => {
      const site = c.get('site')
      const p = commonParams(q, site, s.now())
      const interval = intervalParam(q, p.range)
      compareParam(q)
      return c.json({ results: await timeseries(s.ch, { site, ...p }, interval) })
    }),
  )

  app.get(
    '/api/v1/stats/breakdown',
    handle(async (c, q) => {
      const site = c.get('site')
      const def = propertyDef(requiredParam(q, 'property', 'event:page'), 'property')
      const p = commonParams(q, site, s.now())
      const limit = intParam(q, 'limit', 100, 1, 1000)
      const page = intParam(q, 'page', 1, 1, 1_000_000)
      return c.json({ results: await breakdown(s.ch, { site, ...p }, def, limit, page) })
    }),
  )

  app.get(
    '/api/v1/stats/heatmap',
    handle(async (c, q) => {
      const site = c.get('site')
      const page = requiredParam(q, 'page', '/pricing')
      const width = parseWidth(q('width'))
      const range = rangeParam(q, site, s.now())
      return c.json({ results: await heatmap(s.ch, site.domain, page, width, range, site.kHeatmap) })
    }),
  )

  app.get(
    '/api/v1/stats/pages-with-clicks',
    handle(async (c, q) => {
      const site = c.get('site')
      const range = rangeParam(q, site, s.now())
      return c.json({
        results: await pagesWithClicks(s.ch, site.domain, range, intParam(q, 'limit', 100, 1, 1000)),
      })
    }),
  )

  app.get(
    '/api/v1/stats/prop-keys',
    handle(async (c, q) => {
      const site = c.get('site')
      const range = rangeParam(q, site, s.now())
      return c.json({ results: await propKeys(s.ch, site.domain, range, intParam(q, 'limit', 50, 1, 1000)) })
    }),
  )

  app.get(
    '/api/v1/stats/export',
    handle(async (c, q) => {
      const site = c.get('site')
      const p = commonParams(q, site, s.now())
      const interval = intervalParam(q, p.range)
      const zip = await exportZip(s.ch, { site, ...p }, interval)
      const name = `crumbless-${site.domain.replace(/[^a-z0-9.-]/gi, '_')}-${p.range.first}-${p.range.last}.zip`
      return c.body(zip as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${name}"`,
      })
    }),
  )
  return app
}
