/**
 * One typed configuration object. Runtime adapters read their environment once
 * (Node's environment, Workers bindings, Deno.env) and pass the plain record here.
 */

export type Policy = 'drop' | 'keep'

export interface Config {
  port: number
  host: string
  /** Public base URL used in snippets and log lines. */
  publicUrl: string
  dataDir: string
  /** When set, ClickHouse over HTTP instead of the embedded engine. */
  clickhouseUrl: string | null
  clickhouseCluster: string | null
  /** CIDR list (or `*`) of proxies whose forwarding headers are believed. */
  trustedProxies: string[]
  gpcPolicy: Policy
  dntPolicy: Policy
  flushIntervalMs: number
  flushMaxRows: number
  bufferMaxRows: number
  /** Ingest requests per client IP per minute; 0 = off. */
  ingestRateLimit: number
  /** Stats API requests per API key per hour; 0 = off. */
  apiKeyRateLimit: number
  siteCacheMs: number
  /** Path to an MMDB country database; empty = the bundled one (Node). */
  geoDb: string
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** Whether this instance stores the visits of ended days (run it on one instance per ClickHouse). */
  sessionise: boolean
  /**
   * Node: run the ingest pipeline on a worker thread (`auto` = when there are 2+ cores), so the
   * HTTP thread only parses requests and answers them.
   */
  ingestThread: 'auto' | 'on' | 'off'
  /** Node with the ingest thread: `POST /api/event` read and answered on the sockets (`INGEST_SOCKET`). */
  ingestSocket: boolean
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`)
  }
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`)
  return value
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`)
}

function url(env: Env, name: string): string | null {
  const raw = env[name]
  if (raw === undefined || raw === '') return null
  try {
    const parsed = new URL(raw)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol')
    return raw
  } catch {
    throw new ConfigError(name, 'expected an http(s) URL such as http://user:pass@host:8123/db')
  }
}

function cluster(env: Env): string | null {
  const name = env.CLICKHOUSE_CLUSTER
  if (!name) return null
  if (!env.CLICKHOUSE_URL) {
    throw new ConfigError('CLICKHOUSE_CLUSTER', 'needs CLICKHOUSE_URL (the embedded engine is a single node)')
  }
  return name
}

/**
 * Parses and validates the environment into a {@link Config}.
 *
 * @example
 * const config = parseConfig({ PORT: '8000' })
 */
export function parseConfig(env: Env): Config {
  const port = int(env, 'PORT', 8000, 0, 65535)
  const host = env.HOST || '0.0.0.0'
  const publicUrl = url(env, 'PUBLIC_URL') ?? `http://localhost:${port}`
  return {
    port,
    host,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    dataDir: env.DATA_DIR || './data',
    clickhouseUrl: url(env, 'CLICKHOUSE_URL'),
    clickhouseCluster: cluster(env),
    trustedProxies: (env.TRUSTED_PROXIES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    gpcPolicy: oneOf(env, 'GPC_POLICY', ['drop', 'keep'], 'drop'),
    dntPolicy: oneOf(env, 'DNT_POLICY', ['drop', 'keep'], 'keep'),
    flushIntervalMs: int(env, 'FLUSH_INTERVAL_MS', 5000, 10),
    flushMaxRows: int(env, 'FLUSH_MAX_ROWS', 10_000, 1),
    bufferMaxRows: int(env, 'BUFFER_MAX_ROWS', 200_000, 1),
    ingestRateLimit: int(env, 'INGEST_RATE_LIMIT', 600),
    apiKeyRateLimit: int(env, 'API_KEY_RATE_LIMIT', 600),
    siteCacheMs: int(env, 'SITE_CACHE_MS', 10_000),
    geoDb: env.GEO_DB ?? '',
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    sessionise: oneOf(env, 'SESSIONISE', ['on', 'off'], 'on') === 'on',
    ingestThread: oneOf(env, 'INGEST_THREAD', ['auto', 'on', 'off'], 'auto'),
    ingestSocket: oneOf(env, 'INGEST_SOCKET', ['on', 'off'], 'on') === 'on',
  }
}
