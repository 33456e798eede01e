/**
 * Cloudflare Workers entry: `export default { fetch, scheduled }`. Config comes from the Worker's
 * `env` bindings (`[vars]` and secrets), ClickHouse is reached over HTTP with
 * `@clickhouse/client-web`, the client IP is `CF-Connecting-IP`, the country `request.cf.country`.
 * Inserts use ClickHouse async inserts kept alive with `ctx.waitUntil`, so the visitor's 202 does
 * not wait for ClickHouse. Migrations are not run here: run `crumbless migrate` from Node.
 */
import type { Context, ExecutionContext, Hono } from 'hono'
import { createApp } from '../app.ts'
import { parseConfig } from '../config.ts'
import { createServices, type Services } from '../services.ts'
import { AsyncInsertSink } from '../store/async-insert-sink.ts'
import { bundledAssets } from './bundled-assets.ts'
import { edgeLogger, openEdgeClickHouse, stringEnv, upkeep } from './edge.ts'

type Env = Record<string, unknown>

interface Instance {
  app: Hono
  services: Services
  /** Insert promises started since the last response; the next response's ctx keeps them alive. */
  unclaimed: Promise<unknown>[]
}

let instance: Instance | null = null
let instanceEnv: Env | null = null

/** `request.cf.country` as Cloudflare sets it; `XX`/`T1` (unknown, Tor) count as unknown. */
function cfCountry(c: Context): string {
  const cf = (c.req.raw as Request & { cf?: { country?: unknown } }).cf
  const v = typeof cf?.country === 'string' ? cf.country.toUpperCase() : ''
  return /^[A-Z]{2}$/.test(v) && v !== 'XX' && v !== 'T1' ? v : ''
}

/**
 * Builds the app once per isolate, on the first request: bindings are only known then, and
 * Workers forbid timers and random numbers at global scope.
 */
function init(env: Env): Instance {
  if (instance && instanceEnv === env) return instance
  const config = parseConfig(stringEnv(env))
  const ch = openEdgeClickHouse(config)
  const unclaimed: Promise<unknown>[] = []
  const services = createServices({
    config,
    ch,
    now: Date.now,
    remoteAddr: (c) => c.req.header('cf-connecting-ip') ?? '',
    country: (_ip, c) => cfCountry(c),
    assets: bundledAssets(),
    log: edgeLogger(config.logLevel),
    sink: (metrics) =>
      new AsyncInsertSink(ch, metrics, {
        maxInFlightRows: config.bufferMaxRows,
        waitUntil: (p) => unclaimed.push(p),
        log: (m) => console.warn(m),
      }),
  })
  instance = { app: createApp(services), services, unclaimed }
  instanceEnv = env
  return instance
}

/** Hands the background inserts to this request's context, so the isolate stays up until they end. */
function claim(inst: Instance, ctx: ExecutionContext): void {
  if (inst.unclaimed.length === 0) return
  const work = inst.unclaimed.splice(0)
  ctx.waitUntil(Promise.allSettled(work))
}

/**
 * @example
 * // wrangler.toml: main = "dist/workers/crumbless.js"
 * export default worker
 */
const worker = {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const inst = init(env)
    try {
      return await inst.app.fetch(request, env, ctx)
    } finally {
      claim(inst, ctx)
    }
  },
  /** Cron trigger (hourly in wrangler.toml.example): salts older than yesterday, visits of ended days. */
  async scheduled(_event: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(upkeep(init(env).services))
  },
}

export default worker
