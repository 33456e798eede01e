/**
 * A tiny HTTP server for tracker tests: serves fixture pages and the built tracker, and records every
 * event the tracker posts to `/api/event`, exactly as it arrived.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTracker } from '../../scripts/build-tracker.ts'

/** One event as posted, with what the request looked like. */
export interface Received {
  n: string
  u: string
  d: string
  r?: string | null
  p?: Record<string, string>
  h?: boolean
  i?: boolean
  e?: number
  sd?: number
  w?: number
  c?: [number, number, number][]
  /** The request's Content-Type header. */
  contentType: string
}

export interface TrackerFixture {
  /** Base URL for a host name under `.test` (mapped to loopback by `launchBrowser`), or `127.0.0.1`. */
  url(host?: string): string
  /** Every event received so far, in arrival order. */
  events: Received[]
  /** Adds or replaces a page: its HTML is `html(base)` where base is the URL it was requested from. */
  page(path: string, html: string): void
  /** Waits until `count` events match `pred` (polling); returns the matches. */
  waitFor(pred: (e: Received) => boolean, count?: number, timeoutMs?: number): Promise<Received[]>
  /** Where this fixture's tracker build lives (`script*.js`, `esm/index.js`, `esm/index.d.ts`). */
  dist: string
  /** Cookies the browser sent to the fixture with any request (there must never be one). */
  cookieHeaders: string[]
  close(): Promise<void>
}

/** Options of the tracker `<script>` tag of a fixture page. */
export interface TagOptions {
  file?: string
  /** Full script URL, e.g. the real server's `/js/script.js`; default the fixture's own build. */
  src?: string
  domain?: string
  api?: string
  hash?: boolean
  local?: boolean
  /** Default true: Playwright's Chromium reports `navigator.webdriver`. */
  automation?: boolean
  /** Inline script placed before the tracker tag (e.g. the queue snippet). */
  before?: string
}

/** The documented queue snippet, for calls made before the script loads. */
export const QUEUE_SNIPPET =
  'window.crumbless = window.crumbless || function () { (crumbless.q = crumbless.q || []).push(arguments) }'

/**
 * HTML of a fixture page with the tracker tag.
 *
 * @example
 * fixture.page('/', html({ body: '<h1>Hi</h1>' }))
 */
export function html(opts: TagOptions & { body?: string; style?: string } = {}): string {
  const attrs = [
    `data-domain="${opts.domain ?? 'example.test'}"`,
    opts.api ? `data-api="${opts.api}"` : '',
    opts.hash ? 'data-hash' : '',
    opts.local ? 'data-local' : '',
    opts.automation === false ? '' : 'data-automation',
  ].join(' ')
  return `<!doctype html><html><head><meta charset="utf-8"><title>fixture</title>
<style>body{margin:0;font:16px sans-serif}${opts.style ?? ''}</style>
${opts.before ? `<script>${opts.before}</script>` : ''}
<script defer ${attrs} src="${opts.src ?? `/js/${opts.file ?? 'script.js'}`}"></script></head>
<body>${opts.body ?? ''}</body></html>`
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => {
      s += d
    })
    req.on('end', () => resolve(s))
  })

/**
 * Builds the tracker into a temp dir and serves it with the fixture pages on a random port.
 *
 * @example
 * const fx = await startTrackerFixture()
 * await page.goto(fx.url() + '/')
 * const [pv] = await fx.waitFor((e) => e.n === 'pageview')
 */
export async function startTrackerFixture(): Promise<TrackerFixture> {
  const dist = mkdtempSync(join(tmpdir(), 'crumbless-tracker-'))
  await buildTracker(dist)
  const pages = new Map<string, string>()
  const events: Received[] = []
  const cookieHeaders: string[] = []
  const server = createServer((req, res) => {
    if (req.headers.cookie) cookieHeaders.push(req.headers.cookie)
    const path = (req.url ?? '/').split('?')[0]!
    if (req.method === 'POST' && path === '/api/event') {
      void readBody(req).then((body) => {
        const parsed = JSON.parse(body) as Omit<Received, 'contentType'>
        events.push({ ...parsed, contentType: String(req.headers['content-type']) })
        res.writeHead(202, { 'access-control-allow-origin': '*' }).end()
      })
      return
    }
    if (path.startsWith('/js/') || path.startsWith('/static/')) {
      try {
        const js = readFileSync(join(dist, path.replace(/^\/(js|static)\//, '')))
        res.writeHead(200, { 'content-type': 'application/javascript' }).end(js)
      } catch {
        res.writeHead(404).end()
      }
      return
    }
    // SPA fixtures: any path under a page registered as `/app/*` serves that page
    const spa = [...pages.keys()].find((k) => k.endsWith('*') && path.startsWith(k.slice(0, -1)))
    const body = pages.get(path) ?? (spa ? pages.get(spa) : undefined)
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>404</title>not found')
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: (host = 'example.test') => `http://${host}:${port}`,
    events,
    dist,
    cookieHeaders,
    page: (path, body) => {
      pages.set(path, body)
    },
    async waitFor(pred, count = 1, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs
      for (;;) {
        const found = events.filter(pred)
        if (found.length >= count) return found
        if (Date.now() > end) {
          throw new Error(`expected ${count} matching events, got ${found.length}: ${JSON.stringify(events)}`)
        }
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dist, { recursive: true, force: true })
    },
  }
}
