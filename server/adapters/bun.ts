/**
 * Bun entry: config from `Bun.env`, ClickHouse over HTTP with `@clickhouse/client-web`, the client
 * IP from `server.requestIP()` (then the trusted-proxy rules), the country from the bundled MMDB
 * file read with `Bun.file` — or `CF-IPCountry` / `x-vercel-ip-country` when a trusted proxy sets it.
 * Bun runs as a long-lived server like Node, so rows go through the same bounded batching writer.
 * Migrations are not run here: run `crumbless migrate` from Node.
 */
import type { Context } from 'hono'
import { createApp } from '../app.ts'
import { createCountryLookup } from '../collect/geo.ts'
import { type Config, parseConfig } from '../config.ts'
import type { Services } from '../services.ts'
import { BatchWriter, writerOptions } from '../store/writer.ts'
import { edgeLogger, openEdgeClickHouse, selfHostedServices, upkeep } from './edge.ts'

interface BunServer {
  port: number
  hostname: string
  requestIP(request: Request): { address: string; port: number } | null
  stop(closeActiveConnections?: boolean): Promise<void> | void
}

/** The part of the `Bun` namespace used here (this project type-checks against Node's types). */
declare const Bun: {
  env: Record<string, string | undefined>
  file(path: string | URL): { exists(): Promise<boolean>; arrayBuffer(): Promise<ArrayBuffer> }
  serve(options: {
    port: number
    hostname: string
    fetch: (request: Request, server: BunServer) => Response | Promise<Response>
  }): BunServer
}

/** The MMDB file the build copies next to the bundle (`dist/bun/`). */
const BUNDLED_MMDB = new URL('./geo-whois-asn-country.mmdb', import.meta.url)

const peer = (c: Context) => (c.env as BunServer | undefined)?.requestIP?.(c.req.raw)?.address ?? ''

async function mmdbLookup(config: Config, warn: (m: string) => void): Promise<(ip: string) => string> {
  const file = Bun.file(config.geoDb || BUNDLED_MMDB)
  if (!(await file.exists())) {
    warn('no country database found; country only from trusted proxy headers')
    return () => ''
  }
  return createCountryLookup(new Uint8Array(await file.arrayBuffer()))
}

export interface BunCollector {
  url: string
  services: Services
  close(): Promise<void>
}

/**
 * Starts the collector with `Bun.serve`, prints `crumbless listening on <url>`.
 *
 * @example
 * // bun dist/bun/crumbless.js   (CLICKHOUSE_URL=http://... PORT=8000)
 * await startBunServer()
 */
export async function startBunServer(
  env: Record<string, string | undefined> = Bun.env,
): Promise<BunCollector> {
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
    sink: (metrics) => new BatchWriter(ch, metrics, writerOptions(config, log.warn)),
  })
  const app = createApp(services)
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    fetch: (req, srv) => app.fetch(req, srv),
  })
  const url = `http://${server.hostname}:${server.port}`
  const saltTimer = setInterval(() => void upkeep(services), 3_600_000)
  void upkeep(services)
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      clearInterval(saltTimer)
      await server.stop()
      await services.sink.close()
      await ch.close()
    })()
    return closing
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void close().then(() => process.exit(0)))
  // Always printed (like `crumbless serve`): operators and process managers read it.
  console.log(`crumbless listening on ${url}`)
  return { url, services, close }
}
