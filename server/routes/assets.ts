import { Hono } from 'hono'
import type { Services } from '../services.ts'

const CACHE = {
  immutable: 'public, max-age=31536000, immutable',
  // The tracker keeps a stable URL, so browsers revalidate it after an hour.
  short: 'public, max-age=3600, must-revalidate',
} as const

/** Serves the tracker at `/js/*` (CORS open) and other static assets the runtime provides. */
export function assetRoutes(s: Services): Hono {
  const app = new Hono()
  app.get('/js/:file', (c) => {
    const asset = s.assets(`/js/${c.req.param('file')}`)
    if (!asset) return c.json({ error: 'not found' }, 404)
    return c.body(asset.body as string, 200, {
      'Content-Type': asset.type,
      'Cache-Control': CACHE[asset.cache],
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    })
  })
  return app
}
