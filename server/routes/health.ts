import { Hono } from 'hono'
import type { Services } from '../services.ts'

/**
 * `GET /healthz` (engine reachable, buffer depth; 503 when the engine is not) and
 * `GET /metrics` (Prometheus text).
 */
export function healthRoutes(s: Services): Hono {
  const app = new Hono()
  app.get('/healthz', async (c) => {
    const engine = await s.ch.ping()
    return c.json({ ok: engine, engine, buffer: s.sink.depth() }, engine ? 200 : 503)
  })
  app.get('/metrics', (c) => {
    s.metrics.bufferSize = s.sink.depth()
    return c.text(s.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' })
  })
  return app
}
