/**
 * The baseline for the ingest bench: a bare Hono app on @hono/node-server whose
 * `POST /api/event` only reads the body and answers 202. Run as a child process:
 * `PORT=8123 node --import tsx bench/bare-server.ts`. With `BARE_MIDDLEWARE=all` it also runs
 * the middleware the real ingest route uses (cors, bodyLimit) and reads the headers the collector
 * reads, to show what the framework layer alone costs.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'

const app = new Hono()
/**
 * `all` = what the ingest route runs; `cors`, `limit`, `headers` = one part of it alone; `fast` = the
 * same checks done without hono's cors/bodyLimit (Content-Length check, CORS header by hand).
 */
const middleware = process.env.BARE_MIDDLEWARE ?? ''
if (middleware === 'all' || middleware === 'cors') {
  app.use('/api/event', cors({ origin: '*', allowMethods: ['POST', 'OPTIONS'], maxAge: 86400 }))
}
const limit = middleware === 'all' || middleware === 'limit'
const headers = middleware === 'all' || middleware === 'headers'
if (middleware === 'fast') {
  // The same guarantees without the slow paths: length from the header, CORS set by hand.
  app.options('/api/event', (c) => {
    c.header('Access-Control-Allow-Origin', '*')
    c.header('Access-Control-Allow-Methods', 'POST, OPTIONS')
    c.header('Access-Control-Max-Age', '86400')
    return c.body(null, 204)
  })
}
app.post('/api/event', limit ? bodyLimit({ maxSize: 16 * 1024 }) : (_c, next) => next(), async (c) => {
  if (middleware === 'fast') {
    const length = Number(c.req.header('content-length') ?? Number.NaN)
    if (!(length <= 16 * 1024) || c.req.header('transfer-encoding')) return c.body(null, 413)
    c.header('Access-Control-Allow-Origin', '*')
  }
  const seen =
    headers || middleware === 'fast'
      ? [c.req.header('user-agent'), c.req.header('x-forwarded-for'), c.req.header('sec-gpc')]
      : []
  await c.req.text()
  return c.body(null, seen.length >= 0 ? 202 : 500)
})
app.get('/health', (c) => c.text('ok'))

const port = Number(process.env.PORT ?? 0)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`bare hono listening on ${info.port}`)
})
process.once('SIGTERM', () => server.close(() => process.exit(0)))
