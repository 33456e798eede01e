import { Hono } from 'hono'
import { keyRoutes } from '../auth/api-keys.ts'
import { sessionRoutes } from '../auth/api-session.ts'
import { sharingRoutes } from '../auth/api-sharing.ts'
import { siteRoutes } from '../auth/api-sites.ts'
import type { Services } from '../services.ts'

/**
 * The dashboard's JSON API: setup, login/logout/me/password, invites, sites and their
 * settings, members, share links, API keys, admin user list. Cookie sessions with an
 * `x-csrf-token` header on every state-changing request; see `server/auth/`.
 *
 * @example
 * app.route('/', authApiRoutes(services))
 */
export function authApiRoutes(s: Services): Hono {
  const app = new Hono()
  app.route('/', sessionRoutes(s))
  app.route('/', siteRoutes(s))
  app.route('/', sharingRoutes(s))
  app.route('/', keyRoutes(s))
  return app
}
