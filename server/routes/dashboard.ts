import type { Context } from 'hono'
import { Hono } from 'hono'
import type { Services } from '../services.ts'

/** The dashboard only talks to its own origin; the heatmap's live-page iframe may show any site. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  'frame-src *',
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

/** Client-side routes that all answer with the same index page. */
export const APP_PATHS = [
  '/',
  '/login',
  '/setup',
  '/setup/*',
  '/sites',
  '/sites/*',
  '/share/*',
  '/settings',
  '/settings/*',
  '/invite/*',
] as const

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>crumbless</title>
<p>The dashboard has not been built. Run <code>npm run build</code> and restart the server.</p>`

function indexPage(s: Services, c: Context, embeddable: boolean): Response {
  const asset = s.assets('/ui/index.html')
  // Shared links may be embedded in another site's page; everything else may not be framed.
  const ancestors = embeddable ? 'frame-ancestors *' : "frame-ancestors 'none'"
  c.header('Content-Security-Policy', `${DASHBOARD_CSP}; ${ancestors}`)
  c.header('Cache-Control', 'no-store')
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('Referrer-Policy', 'no-referrer')
  if (!embeddable) c.header('X-Frame-Options', 'DENY')
  if (!asset) return c.html(NOT_BUILT, 503)
  return c.body(asset.body as string, 200, { 'Content-Type': 'text/html; charset=utf-8' })
}

/**
 * Serves the dashboard: the index page (strict CSP, never cached) for every app path, and the
 * content-hashed bundles under `/ui/*` with a year-long immutable cache.
 *
 * @example
 * app.route('/', dashboardRoutes(services))
 */
export function dashboardRoutes(s: Services): Hono {
  const app = new Hono()
  for (const path of APP_PATHS) {
    app.get(path, (c) => indexPage(s, c, path === '/share/*'))
  }
  app.get('/ui/:file', (c) => {
    const file = c.req.param('file')
    const asset = file === 'index.html' ? undefined : s.assets(`/ui/${file}`)
    if (!asset) return c.json({ error: 'not found' }, 404)
    return c.body(asset.body as string, 200, {
      'Content-Type': asset.type,
      'Cache-Control':
        asset.cache === 'immutable' ? 'public, max-age=31536000, immutable' : 'no-cache, must-revalidate',
      'X-Content-Type-Options': 'nosniff',
    })
  })
  return app
}
