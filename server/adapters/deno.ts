/**
 * Deno entry (self-hosted `deno run` or Deno Deploy): config from `Deno.env`, ClickHouse over
 * HTTP with `@clickhouse/client-web`, the client IP from the connection (`Deno.serve`'s
 * `remoteAddr`, then the trusted-proxy rules), the country from the bundled MMDB file read with
 * `Deno.readFile` — or `CF-IPCountry` / `x-vercel-ip-country` when a trusted proxy sets it.
 * Inserts are ClickHouse async inserts (see {@link AsyncInsertSink}); migrations are not run here.
 */
import { Buffer } from 'node:buffer'
import type { Context } from 'hono'
import { createApp } from '../app.ts'
import { createCountryLookup } from '../collect/geo.ts'
import { type Config, parseConfig } from '../config.ts'
import type { Services } from '../services.ts'
import { AsyncInsertSink } from '../store/async-insert-sink.ts'
import { edgeLogger, openEdgeClickHouse, selfHostedServices, upkeep } from './edge.ts'

interface DenoAddr {
  hostname: string
  port: number
}

interface DenoServer {
  addr: DenoAddr
  finished: Promise<void>
  shutdown(): Promise<void>
}

/** The part of the `Deno` namespace used here (this project type-checks against Node's types). */
declare const Deno: {
  env: { toObject(): Record<string, string> }
  readFile(path: string | URL): Promise<Uint8Array>
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void
  exit(code: number): never
  serve(
    options: { port: number; hostname: string; onListen?: (addr: DenoAddr) => void },
    handler: (request: Request, info: { remoteAddr: DenoAddr }) => Response | Promise<Response>,
  ): DenoServer
}

/** The MMDB file the build copies next to the bundle (`dist/deno/`). */
const BUNDLED_MMDB = new URL('./geo-whois-asn-country.mmdb', import.meta.url)

const peer = (c: Context) => (c.env as { remoteAddr?: DenoAddr } | undefined)?.remoteAddr?.hostname ?? ''

async function mmdbLookup(config: Config, warn: (m: string) => void): Promise<(ip: string) => string> {
  try {
    const bytes = await Deno.readFile(config.geoDb || BUNDLED_MMDB)
    // mmdb-lib reads through Buffer methods, which Deno provides in node:buffer only.
    return createCountryLookup(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (err) {
    warn(`no country database (${(err as Error).name}); country only from trusted proxy headers`)
    return () => ''
  }
}

export interface DenoCollector {
  url: string
  services: Services
  close(): Promise<void>
}

/**
 * Starts the collector with `Deno.serve`, prints `crumbless listening on <url>`.
 *
 * @example
 * // deno run -A dist/deno/crumbless.js   (CLICKHOUSE_URL=https://... PORT=8000)
 * await startDenoServer()
 */
export async function startDenoServer(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<DenoCollector> {
  const config = parseConfig(env)
  const log = edgeLogger(config.logLevel)
  const ch = openEdgeClickHouse(config)
  const mmdb = await mmdbLookup(config, log.warn)
  const services = selfHostedServices({
    config,
    log,
    ch,
    peer,
    mmdb,
    // A long-lived Deno process keeps pending promises alive by itself; nothing to hand them to.
    sink: (metrics) =>
      new AsyncInsertSink(ch, metrics, {
        maxInFlightRows: config.bufferMaxRows,
        waitUntil: () => {},
        log: log.warn,
      }),
  })
  const app = createApp(services)
  // onListen runs inside Deno.serve, before it returns the server.
  let listening: (addr: DenoAddr) => void = () => {}
  const ready = new Promise<DenoAddr>((resolve) => (listening = resolve))
  const server = Deno.serve(
    { port: config.port, hostname: config.host, onListen: (a) => listening(a) },
    (request, info) => app.fetch(request, info),
  )
  const addr = await ready
  const url = `http://${addr.hostname}:${addr.port}`
  const saltTimer = setInterval(() => void upkeep(services), 3_600_000)
  void upkeep(services)
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      clearInterval(saltTimer)
      await server.shutdown()
      await services.sink.close()
      await ch.close()
    })()
    return closing
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    try {
      Deno.addSignalListener(signal, () => void close().then(() => Deno.exit(0)))
    } catch {
      // Deno Deploy has no process signals; the platform stops isolates itself.
    }
  }
  // Always printed (like `crumbless serve`): operators and process managers read it.
  console.log(`crumbless listening on ${url}`)
  return { url, services, close }
}
