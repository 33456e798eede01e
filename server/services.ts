import type { Context } from 'hono'
import { parseTrustedProxies, type TrustedProxies } from './collect/client-ip.ts'
import type { PickedIngest, SinkOutcome } from './collect/ingest.ts'
import type { CollectPolicy } from './collect/pipeline.ts'
import type { HeaderGetter, Site } from './collect/types.ts'
import type { KeyedHash64 } from './collect/visitor-id.ts'
import type { Config } from './config.ts'
import { Metrics } from './metrics.ts'
import { RateLimiter } from './rate-limit.ts'
import type { Ch } from './store/client.ts'
import { SaltStore } from './store/salts.ts'
import { SiteStore } from './store/sites.ts'
import type { EventSink } from './store/writer.ts'

export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export interface Asset {
  body: string | Uint8Array
  type: string
  /** `immutable` for content-hashed names, `short` for stable names such as /js/script.js. */
  cache: 'immutable' | 'short'
}

/** Static files the runtime provides (read from disk on Node, bundled on edge). */
export type AssetLookup = (path: string) => Asset | undefined

/** What a runtime adapter provides; nothing here is read from globals in the core. */
export interface RuntimeParts {
  config: Config
  ch: Ch
  now: () => number
  /** The socket peer (or platform-reported) address of the request. */
  remoteAddr: (c: Context) => string
  /** ISO country code for the client from the runtime's geo source; '' when unknown. */
  country: (ip: string, c: Context) => string
  assets: AssetLookup
  log: Logger
  /** Where accepted rows go: a batching writer on Node, async inserts on edge. */
  sink: (metrics: Metrics) => EventSink
  /** Random bytes for new salts (Web Crypto by default). */
  random?: () => Uint8Array
  /**
   * Request header reads for the ingest hot path, by lower-case name. Defaults to `c.req.header`;
   * Node passes the already-parsed `IncomingMessage` headers, which skips a lookup layer per read.
   */
  requestHeaders?: (c: Context) => HeaderGetter
  /**
   * Runs {@link ingestRequest} off the HTTP thread (a worker thread on Node); absent = inline.
   * Gets the request's {@link INGEST_HEADERS} as a plain object and the current sites and salt.
   */
  ingestOffload?: IngestOffload
  /** The visitor id's keyed hash, where the runtime has one faster than `@noble/hashes`. */
  visitorHash?: KeyedHash64
}

export type IngestOffload = (
  request: PickedIngest,
  state: { sites: ReadonlyMap<string, Site>; salt: Uint8Array },
) => Promise<SinkOutcome>

export interface Services extends Omit<RuntimeParts, 'sink' | 'random' | 'requestHeaders'> {
  requestHeaders: (c: Context) => HeaderGetter
  /** The instance's GPC/DNT policy (sites may override it). */
  policy: CollectPolicy
  metrics: Metrics
  sites: SiteStore
  salts: SaltStore
  sink: EventSink
  trusted: TrustedProxies
  ingestLimit: RateLimiter
}

const honoHeaders =
  (c: Context): HeaderGetter =>
  (name) =>
    c.req.header(name)

function randomSalt(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32))
}

/**
 * Wires the shared stores around what the adapter injected.
 *
 * @example
 * const services = createServices({ config, ch, now: Date.now, remoteAddr, country, assets, log, sink })
 */
export function createServices(parts: RuntimeParts): Services {
  const metrics = new Metrics()
  return {
    ...parts,
    metrics,
    sites: new SiteStore(parts.ch, parts.now, parts.config.siteCacheMs),
    salts: new SaltStore(parts.ch, parts.now, parts.random ?? randomSalt),
    sink: parts.sink(metrics),
    requestHeaders: parts.requestHeaders ?? honoHeaders,
    policy: { gpc: parts.config.gpcPolicy, dnt: parts.config.dntPolicy },
    trusted: parseTrustedProxies(parts.config.trustedProxies),
    ingestLimit: new RateLimiter(parts.config.ingestRateLimit, 60_000),
  }
}
