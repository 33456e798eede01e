/**
 * The baseline for the ingest bench: a bare Hono app on @hono/node-server whose
 * `POST /api/event` only reads the body and answers 202. Run as a child process:
 * `PORT=8123 node --import tsx bench/bare-server.ts`. With `BARE_MIDDLEWARE=1` it also runs
 * the middleware the real ingest route uses (cors, bodyLimit) and reads the headers the collector
 * reads, to show what the framework layer alone costs.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'

const app = new Hono()
if (process.env.BARE_MIDDLEWARE === '1') {
  app.use('/api/event', cors({ origin: '*', allowMethods: ['POST', 'OPTIONS'], maxAge: 86400 }))
  app.post('/api/event', bodyLimit({ maxSize: 16 * 1024 }), async (c) => {
    const seen = [c.req.header('user-agent'), c.req.header('x-forwarded-for'), c.req.header('sec-gpc')]
    await c.req.text()
    return c.body(null, seen.length > 0 ? 202 : 500)
  })
} else {
  app.post('/api/event', async (c) => {
    await c.req.text()
    return c.body(null, 202)
  })
}
app.get('/health', (c) => c.text('ok'))

const port = Number(process.env.PORT ?? 0)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`bare hono listening on ${info.port}`)
})
process.once('SIGTERM', () => server.close(() => process.exit(0)))
