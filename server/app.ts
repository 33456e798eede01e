import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { readAccess } from './auth/access.ts'
import { assetRoutes } from './routes/assets.ts'
import { authApiRoutes } from './routes/auth-api.ts'
import { dashboardRoutes } from './routes/dashboard.ts'
import { healthRoutes } from './routes/health.ts'
import { ingestRoutes } from './routes/ingest.ts'
import { statsApiRoutes } from './routes/stats-api.ts'
import type { Services } from './services.ts'

/**
 * The whole crumbless HTTP app, the same on every runtime.
 *
 * @example
 * const app = createApp(createServices(parts))
 * export default { fetch: app.fetch }
 */
export function createApp(s: Services): Hono {
  const app = new Hono()
  app.route('/', ingestRoutes(s))
  app.route('/', healthRoutes(s))
  app.route('/', assetRoutes(s))
  // Mount points for later route groups (stats API, auth, dashboard) go here.
  app.route('/', authApiRoutes(s))
  app.route('/', statsApiRoutes(s, readAccess(s)))
  app.route('/', dashboardRoutes(s))

  app.notFound((c) => c.json({ error: 'not found' }, 404))
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      return c.json({ error: err.message }, err.status)
    }
    // Never echo request data: the message of an unexpected error may contain it.
    s.log.error(`unhandled error on ${c.req.method} ${c.req.routePath}: ${err.name}`)
    return c.json({ error: 'internal error' }, 500)
  })
  return app
}
