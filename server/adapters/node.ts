import { readFileSync } from 'node:fs'
import {
  createServer,
  type IncomingMessage,
  maxHeaderSize,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import type { HttpBindings } from '@hono/node-server'
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { createApp } from '../app.ts'
import { ensureSetupToken } from '../auth/setup.ts'
import { createCountryLookup } from '../collect/geo.ts'
import { INGEST_HEADERS, ingestPicked } from '../collect/ingest.ts'
import type { HeaderGetter } from '../collect/types.ts'
import { type Config, parseConfig } from '../config.ts'
import { MAX_BODY_BYTES } from '../routes/ingest.ts'
import { createServices, type Logger, type Services } from '../services.ts'
import type { Ch } from '../store/client.ts'
import { BatchWriter, writerOptions } from '../store/writer.ts'
import { upkeep } from '../upkeep.ts'
import { loadNodeAssets } from './node-assets.ts'
import { applyMigrations, openEngine } from './node-engine.ts'
import { type NodeListener, nodeIngestFastPath, socketIngestTaker } from './node-ingest-fast.ts'
import { nodeHeader } from './node-ingest-messages.ts'
import { attachSocketIngest, type SocketIngest } from './node-ingest-socket.ts'
import { IngestThread } from './node-ingest-thread.ts'
import { wasmKeyedHash } from './wasm-keyed-hash.ts'

export interface NodeServer {
  url: string
  port: number
  config: Config
  services: Services
  ch: Ch
  /** `POST /api/event` on the sockets (`INGEST_SOCKET`, with the ingest thread), or `null`. */
  socketIngest: SocketIngest | null
  /** Stops accepting, flushes the buffer, closes the engine. */
  close(): Promise<void>
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const
/** Node's own `keepAliveTimeout`: the socket ingest path closes idle connections after as long. */
const KEEP_ALIVE_MS = 5_000
/** A request the socket ingest path has not read whole after this long goes to Node's parser. */
const PARTIAL_REQUEST_MS = 10_000
/** Heads the socket ingest path reads; larger ones go to Node's parser (16 KiB unless set lower). */
const MAX_HEAD_BYTES = Math.min(8 * 1024, maxHeaderSize)

export function consoleLogger(level: Config['logLevel']): Logger {
  const min = LEVELS.indexOf(level)
  const at = (l: (typeof LEVELS)[number], write: (m: string) => void) => (m: string) => {
    if (LEVELS.indexOf(l) >= min) write(`${new Date().toISOString()} ${l} ${m}`)
  }
  return { info: at('info', console.log), warn: at('warn', console.warn), error: at('error', console.error) }
}

/** A file's bytes on a SharedArrayBuffer, so the ingest worker thread uses them without a copy. */
function readShared(path: string): Uint8Array {
  const file = readFileSync(path)
  const shared = new Uint8Array(new SharedArrayBuffer(file.byteLength))
  shared.set(file)
  return shared
}

function geoFile(config: Config): string {
  if (config.geoDb) return config.geoDb
  const require = createRequire(import.meta.url)
  return require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')
}

/**
 * Header reads straight from Node's parsed `IncomingMessage` headers (lower-case keys, repeated
 * headers joined the way Node joins them); `c.req.header` when the request did not come through
 * the Node server (`app.request` in tests).
 */
export function nodeRequestHeaders(c: Context): HeaderGetter {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming
  if (!incoming) return (name) => c.req.header(name)
  const headers = incoming.headers
  return (name) => nodeHeader(headers, name)
}

/**
 * The ingest worker thread when `INGEST_THREAD` asks for one (`auto`: with 2+ cores). Its inline
 * fallback (used if the worker dies) runs the same pipeline on this thread with these services.
 */
function startIngestThread(
  config: Config,
  services: Services,
  mmdb: Uint8Array,
  country: (ip: string) => string,
  log: Logger,
): IngestThread | null {
  const wanted =
    config.ingestThread === 'on' || (config.ingestThread === 'auto' && availableParallelism() > 1)
  if (!wanted) return null
  const options = {
    mmdb,
    trustedProxies: config.trustedProxies,
    rateLimit: config.ingestRateLimit,
    policy: services.policy,
  }
  const { trusted, ingestLimit: limiter, policy, visitorHash: hash } = services
  return new IngestThread(
    options,
    (request, state) => ingestPicked(request, { ...state, trusted, limiter, policy, country, hash }),
    log.warn,
  )
}

/**
 * Node's `createServer` with `fast` in front of the Hono listener: @hono/node-server always calls
 * it with options and its listener.
 */
function withFastPath(
  fast: (req: IncomingMessage, res: ServerResponse) => boolean,
  created: (server: Server) => void,
): typeof createServer {
  const create = (options: ServerOptions, hono: NodeListener) => {
    const server = createServer(options, (req, res) => fast(req, res) || hono(req, res))
    created(server)
    return server
  }
  return create as typeof createServer
}

export interface StartOptions {
  env: Record<string, string | undefined>
  log?: Logger
  /** Test hook: wrap the engine (e.g. to inject insert failures). */
  wrapCh?: (ch: Ch) => Ch
  now?: () => number
}

/**
 * Starts crumbless on Node: config from `env`, chDB or `CLICKHOUSE_URL`, pending migrations,
 * the batching writer, the HTTP server.
 *
 * @example
 * const server = await startNodeServer({ env: process.env })
 * console.log(server.url)
 */
export async function startNodeServer(opts: StartOptions): Promise<NodeServer> {
  const config = parseConfig(opts.env)
  const log = opts.log ?? consoleLogger(config.logLevel)
  const engine = await openEngine(config)
  const ch = opts.wrapCh ? opts.wrapCh(engine) : engine
  const applied = await applyMigrations(ch, config)
  if (applied.length > 0) log.info(`applied migrations: ${applied.map((m) => m.version).join(', ')}`)
  const mmdb = readShared(geoFile(config))
  const country = createCountryLookup(mmdb)
  const now = opts.now ?? Date.now
  const services = createServices({
    config,
    ch,
    now,
    remoteAddr: (c) => getConnInfo(c).remote.address ?? '',
    requestHeaders: nodeRequestHeaders,
    country: (ip) => country(ip),
    visitorHash: wasmKeyedHash(log.warn).hash,
    assets: loadNodeAssets(),
    log,
    sink: (metrics) => new BatchWriter(ch, metrics, writerOptions(config, log.warn), now),
  })
  const thread = startIngestThread(config, services, mmdb, country, log)
  if (thread) services.ingestOffload = thread.run
  const app = createApp(services)
  const fast = thread ? nodeIngestFastPath(services, thread) : null
  let sockets: SocketIngest | null = null
  const onSockets = (server: Server) => {
    if (!thread || !config.ingestSocket) return
    sockets = attachSocketIngest(server, {
      take: socketIngestTaker(services, thread),
      wanted: new Set(INGEST_HEADERS),
      keepAliveMs: KEEP_ALIVE_MS,
      partialMs: PARTIAL_REQUEST_MS,
      maxHead: MAX_HEAD_BYTES,
      maxBody: MAX_BODY_BYTES,
    })
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        ...(fast ? { createServer: withFastPath(fast, onSockets) } : {}),
      },
      () => resolve(s),
    )
  })
  const port = (server.address() as AddressInfo).port
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  const url = `http://${shown}:${port}`
  const saltTimer = setInterval(() => void upkeep(services), 3_600_000)
  saltTimer.unref()
  await services.salts.destroyOld()
  // Sessionising a long backlog can take a while; queries compute missing days live meanwhile.
  void upkeep(services)
  const setupToken = await ensureSetupToken(services)
  if (setupToken)
    log.info(`no users yet: create the first admin at ${config.publicUrl}/setup?token=${setupToken}`)
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      clearInterval(saltTimer)
      sockets?.close()
      await new Promise<void>((r) => server.close(() => r()))
      await thread?.close()
      await services.sink.close()
      await ch.close()
    })()
    return closing
  }
  return { url, port, config, services, ch, socketIngest: sockets, close }
}
