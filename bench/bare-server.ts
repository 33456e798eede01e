/**
 * The baseline for the ingest bench: a bare Hono app on @hono/node-server whose
 * `POST /api/event` only reads the body and answers 202. Run as a child process:
 * `PORT=8123 node --import tsx bench/bare-server.ts`.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.post('/api/event', async (c) => {
  await c.req.text()
  return c.body(null, 202)
})
app.get('/health', (c) => c.text('ok'))

const port = Number(process.env.PORT ?? 0)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`bare hono listening on ${info.port}`)
})
process.once('SIGTERM', () => server.close(() => process.exit(0)))
