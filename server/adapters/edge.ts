/**
 * What the Workers, Deno and Bun adapters share: the `@clickhouse/client-web` connection, the
 * trusted-proxy country header rule, a console logger. No `node:` imports here: this file is in
 * the Workers bundle.
 */
import { createClient } from '@clickhouse/client-web'
import type { Context } from 'hono'
import { parseTrustedProxies } from '../collect/client-ip.ts'
import { inRange, parseIp } from '../collect/ip.ts'
import { type Config, ConfigError } from '../config.ts'
import { createServices, type Logger, type RuntimeParts, type Services } from '../services.ts'
import { type Ch, type ClickHouseLike, ENCODED_JSON, wrapClient } from '../store/client.ts'
import { clusterCh } from '../store/cluster.ts'
import { bundledAssets } from './bundled-assets.ts'

/** Splits `https://user:pass@host:8443/db` into what clickhouse-js takes (database `default` when absent). */
export function clickhouseOptions(raw: string): {
  url: string
  username: string
  password: string
  database: string
} {
  const u = new URL(raw)
  return {
    url: `${u.protocol}//${u.host}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, '')) || 'default',
  }
}

/**
 * ClickHouse over HTTP with the web client (fetch only). Edge runtimes have no embedded engine,
 * so `CLICKHOUSE_URL` is required; with `CLICKHOUSE_CLUSTER`, runtime deletes go `ON CLUSTER`.
 *
 * @example
 * const ch = openEdgeClickHouse(parseConfig({ CLICKHOUSE_URL: 'https://default:pw@ch.example.com:8443/crumbless' }))
 */
export function openEdgeClickHouse(config: Config, fetchFn?: typeof fetch): Ch {
  if (!config.clickhouseUrl) {
    throw new ConfigError('CLICKHOUSE_URL', 'required on edge runtimes (there is no embedded engine)')
  }
  const base = {
    ...clickhouseOptions(config.clickhouseUrl),
    // fetch's `keepalive` means "may outlive the page" (and caps bodies at 64 KB in browsers);
    // connection reuse is the runtime's own business.
    keep_alive: { enabled: false },
    ...(fetchFn ? { fetch: fetchFn } : {}),
  }
  const open = (timeoutMs: number) =>
    wrapClient(
      createClient({ ...base, request_timeout: timeoutMs, json: ENCODED_JSON }) as unknown as ClickHouseLike,
    )
  const reads = open(30_000)
  // Four insert attempts of at most 5 s plus backoff stay inside Workers' 30 s waitUntil budget.
  const writes = open(5_000)
  const ch: Ch = {
    query: reads.query,
    command: reads.command,
    insert: writes.insert,
    ping: writes.ping,
    close: async () => {
      await Promise.all([reads.close(), writes.close()])
    },
  }
  return config.clickhouseCluster ? clusterCh(ch, config.clickhouseCluster) : ch
}

/** Headers a CDN or platform in front of the runtime sets to the visitor's country. */
export const COUNTRY_HEADERS = ['cf-ipcountry', 'x-vercel-ip-country', 'cloudfront-viewer-country'] as const

/**
 * A country lookup that believes a platform country header only when the socket peer is a trusted
 * proxy (the same `TRUSTED_PROXIES` rule as the client IP), and otherwise asks `fallback` (MMDB).
 * `XX` and `T1` (Tor) are Cloudflare's "unknown" values.
 *
 * @example
 * const country = trustedCountry(config, (c) => peer(c), (ip) => mmdb(ip))
 */
export function trustedCountry(
  config: Config,
  peer: (c: Context) => string,
  fallback: (ip: string) => string,
): (ip: string, c: Context) => string {
  const trusted = parseTrustedProxies(config.trustedProxies)
  const isTrusted = (addr: string) => {
    const bytes = parseIp(addr)
    return bytes !== null && (trusted.any || trusted.ranges.some((r) => inRange(bytes, r.net, r.prefix)))
  }
  return (ip, c) => {
    if (isTrusted(peer(c))) {
      for (const name of COUNTRY_HEADERS) {
        const v = c.req.header(name)?.trim().toUpperCase()
        if (v && /^[A-Z]{2}$/.test(v) && v !== 'XX' && v !== 'T1') return v
      }
    }
    return fallback(ip)
  }
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** Console logger honouring `LOG_LEVEL`; the platform adds timestamps on edge. */
export function edgeLogger(level: Config['logLevel']): Logger {
  const min = LEVELS.indexOf(level)
  const at = (l: (typeof LEVELS)[number], write: (m: string) => void) => (m: string) => {
    if (LEVELS.indexOf(l) >= min) write(`${l} ${m}`)
  }
  return { info: at('info', console.log), warn: at('warn', console.warn), error: at('error', console.error) }
}

/** Reads an env record with only string values (Workers bindings may also hold objects). */
export function stringEnv(env: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v
  return out
}

export { upkeep } from '../upkeep.ts'

/**
 * Services of a self-hosted edge runtime (Deno, Bun): ClickHouse over HTTP, the bundled assets,
 * country from trusted proxy headers or the runtime's MMDB lookup.
 *
 * @example
 * const services = selfHostedServices({ config, log, ch, peer, mmdb, sink })
 */
export function selfHostedServices(p: {
  config: Config
  log: Logger
  ch: Ch
  peer: (c: Context) => string
  mmdb: (ip: string) => string
  sink: RuntimeParts['sink']
}): Services {
  return createServices({
    config: p.config,
    ch: p.ch,
    now: Date.now,
    remoteAddr: p.peer,
    country: trustedCountry(p.config, p.peer, p.mmdb),
    assets: bundledAssets(),
    log: p.log,
    sink: p.sink,
  })
}
