import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { type NodeServer, startNodeServer } from '../server/adapters/node.ts'
import { newSite } from '../server/store/sites.ts'
import { DOMAIN } from './ingest.ts'
import { describeMachine, machine } from './machine.ts'
import { callUrl, overviewCalls, type StatsCall } from './overview.ts'
import { peakRssMb, rssMb } from './proc.ts'
import { check, percentile, printTargets, type Section, type Table, type TargetCheck } from './results.ts'
import { seedEvents } from './seed.ts'
import { columnSizes, tableSize, tryVariants } from './storage.ts'
import { createTracer, sqlShape } from './trace.ts'

export interface QueryParams {
  events: number
  runs: number
  /** Keep the seeded data dir here (created if missing) for later `--reuse`. */
  keepDir: string | null
  /** Reuse a data dir seeded by an earlier `--keep` run. */
  reuseDir: string | null
  codecs: boolean
}

const DAYS = 30
const PAGES = 3000

/** Lets Linux restart the peak-RSS counter (VmHWM), so seeding does not count as query memory. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const value = await fn()
  return [value, performance.now() - t0]
}

/** A user and a Stats API key through the auth module (there is no CLI for keys). */
async function apiKey(server: NodeServer): Promise<string> {
  const { authOf } = await import('../server/auth/state.ts')
  const auth = authOf(server.services)
  const email = 'bench@bench.example'
  const user =
    (await auth.users.byEmail(email)) ?? (await auth.users.create({ email, passwordHash: '', isAdmin: true }))
  const { secret } = await auth.keys.create(user.id, 'bench', [DOMAIN])
  return secret
}

/**
 * The Stats API base URL: the server itself, or, while `server/app.ts` does not mount the Stats
 * API yet, a Hono app with the real `statsApiRoutes` and `readAccess` on the same services.
 */
async function statsBase(
  server: NodeServer,
  key: string,
): Promise<{ url: string; close(): void; mounted: boolean }> {
  const probe = await fetch(`${server.url}/api/v1/stats/realtime/visitors?site_id=${DOMAIN}`, {
    headers: { authorization: `Bearer ${key}` },
  })
  await probe.arrayBuffer()
  if (probe.status !== 404) return { url: server.url, close: () => {}, mounted: true }
  const { statsApiRoutes } = await import('../server/routes/stats-api.ts')
  const { readAccess } = await import('../server/auth/access.ts')
  const app = new Hono()
  app.route('/', statsApiRoutes(server.services, readAccess(server.services)))
  const srv = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const port = (srv.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}`, close: () => srv.close(), mounted: false }
}

async function call(base: string, key: string, c: StatsCall): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(callUrl(base, c), { headers: { authorization: `Bearer ${key}` } })
  const body = await res.text()
  const ms = performance.now() - t0
  if (res.status !== 200) throw new Error(`${c.name}: HTTP ${res.status} ${body.slice(0, 300)}`)
  return ms
}

const round = (n: number) => Math.round(n * 10) / 10

/**
 * Per overview call, the SQL statements it ran with their median time, slowest first, and the
 * `EXPLAIN indexes = 1` of the slowest, so a slow call points at its statement.
 */
async function slowStatements(server: NodeServer, log: ReturnType<typeof createTracer>['log']) {
  const byLabel = new Map<string, Map<string, { ms: number[]; params: Record<string, unknown> }>>()
  for (const q of log) {
    const stmts = byLabel.get(q.label) ?? new Map()
    byLabel.set(q.label, stmts)
    // The same SQL runs for the current and the previous period: tell them apart by parameters.
    const key = `${q.sql}\u0000${JSON.stringify(q.params)}`
    const s = stmts.get(key) ?? { ms: [], params: q.params }
    s.ms.push(q.ms)
    stmts.set(key, s)
  }
  const out = []
  for (const [label, stmts] of byLabel) {
    const list = [...stmts.entries()]
      .map(([key, s]) => {
        const sql = key.split('\u0000')[0] ?? key
        return { sql, params: s.params, p50: round(percentile(s.ms, 50)), shape: sqlShape(sql) }
      })
      .sort((a, b) => b.p50 - a.p50)
    const slowest = list[0]
    let explain: string[] = []
    if (slowest?.sql.trimStart().toUpperCase().startsWith('SELECT')) {
      try {
        const rows = await server.ch.query<{ explain: string }>(
          `EXPLAIN indexes = 1 ${slowest.sql}`,
          slowest.params,
        )
        explain = rows.map((r) => r.explain)
      } catch (err) {
        explain = [`EXPLAIN failed: ${(err as Error).message.split('\n')[0]}`]
      }
    }
    out.push({
      call: label,
      statements: list.map(({ params: _p, ...rest }) => rest),
      explainSlowest: explain,
    })
  }
  return out
}

/**
 * Query bench: seeds `events` rows over 30 days in a fresh data dir, sessionises closed days as
 * the server does, merges, measures storage, then times every overview call of the Stats API
 * (p50/p95 over `runs`) and the overview fired in parallel.
 *
 * @example
 * const section = await benchQuery({ events: 10_000_000, runs: 15, keepDir: null, reuseDir: null, codecs: false })
 */
export async function benchQuery(p: QueryParams): Promise<Section> {
  const m = machine()
  console.log(`query bench on ${describeMachine(m)}`)
  console.log(`  params: ${JSON.stringify(p)}`)
  const dataDir = p.reuseDir ?? p.keepDir ?? mkdtempSync(join(tmpdir(), 'crumbless-bench-query-'))
  const fresh = !p.reuseDir || !existsSync(join(dataDir, 'chdb'))
  const tracer = createTracer()
  const server = await startNodeServer({
    env: { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', API_KEY_RATE_LIMIT: '0' },
    wrapCh: tracer.wrap,
  })
  const { ch, services } = server
  const notes: string[] = []
  const figures: Record<string, unknown> = {}
  try {
    if (!(await services.sites.get(DOMAIN))) await services.sites.save(newSite(DOMAIN))
    const [existing] = await ch.query<{ n: number }>('SELECT count() AS n FROM events')
    const now = Date.now()
    if (fresh || (existing?.n ?? 0) === 0) {
      console.log(`  seeding ${p.events.toLocaleString('en-US')} events over ${DAYS} days...`)
      const seedMs = await seedEvents(ch, { domain: DOMAIN, events: p.events, days: DAYS, pages: PAGES, now })
      figures.seedMs = Math.round(seedMs)
      console.log(
        `  seeded in ${(seedMs / 1000).toFixed(1)} s (${Math.round(p.events / (seedMs / 1000)).toLocaleString('en-US')} rows/s)`,
      )
    }
    const [count] = await ch.query<{ n: number; visitors: number }>(
      'SELECT count() AS n, uniq(visitor) AS visitors FROM events',
    )
    figures.events = count?.n ?? 0
    figures.dailyVisitorIds = count?.visitors ?? 0

    // Production sessionises each closed UTC day once (on start and hourly); so does the bench.
    try {
      const { sessioniseClosedDays } = await import('../server/stats/sessions.ts')
      const [days, ms] = await timed(() => sessioniseClosedDays(ch, Date.now()))
      figures.sessionise = { days: days.length, ms: Math.round(ms) }
      console.log(`  sessionised ${days.length} closed days in ${(ms / 1000).toFixed(1)} s`)
    } catch (err) {
      notes.push(`sessionising closed days failed: ${(err as Error).message.split('\n')[0]}`)
    }

    const [, optimizeMs] = await timed(() => ch.command('OPTIMIZE TABLE events FINAL'))
    figures.optimizeMs = Math.round(optimizeMs)
    const events = await tableSize(ch, 'events')
    const sessions = await tableSize(ch, 'sessions').catch(() => null)
    const columns = await columnSizes(ch, 'events')
    const perEvent = events.bytesOnDisk / Math.max(1, events.rows)
    figures.storage = { events, sessions, columns }
    console.log(
      `  storage: ${perEvent.toFixed(2)} B/event on disk (${events.rows} rows, ${events.parts} parts)`,
    )

    let variants: Awaited<ReturnType<typeof tryVariants>> = []
    if (p.codecs) {
      variants = await tryVariants(ch)
      figures.codecVariants = variants
    }

    const key = await apiKey(server)
    const stats = await statsBase(server, key)
    if (!stats.mounted)
      notes.push(
        'server/app.ts did not mount the Stats API yet: timed statsApiRoutes on a bench-side Hono app with the same services',
      )
    const calls = overviewCalls(DOMAIN, '30d')
    const peakReset = resetPeakRss()
    const rssBefore = rssMb()
    const perCall: Array<{
      name: string
      p50: number
      p95: number
      min: number
      max: number
      onLoad: boolean
    }> = []
    try {
      for (const c of calls) {
        await call(stats.url, key, c) // warm-up: first-use caches, parsed query plans
        tracer.setLabel(c.name)
        const times: number[] = []
        for (let i = 0; i < p.runs; i++) times.push(await call(stats.url, key, c))
        tracer.setLabel('')
        const row = {
          name: c.name,
          p50: round(percentile(times, 50)),
          p95: round(percentile(times, 95)),
          min: round(Math.min(...times)),
          max: round(Math.max(...times)),
          onLoad: c.onLoad,
        }
        perCall.push(row)
        console.log(`  ${c.name}: p50 ${row.p50} ms, p95 ${row.p95} ms`)
      }
      const onLoad = calls.filter((c) => c.onLoad)
      const everything: number[] = []
      const parallel: number[] = []
      for (let i = 0; i < p.runs; i++) {
        parallel.push((await timed(() => Promise.all(onLoad.map((c) => call(stats.url, key, c)))))[1])
      }
      for (let i = 0; i < Math.max(3, Math.ceil(p.runs / 3)); i++) {
        everything.push((await timed(() => Promise.all(calls.map((c) => call(stats.url, key, c)))))[1])
      }
      figures.perCall = perCall
      figures.statements = await slowStatements(server, tracer.log)
      figures.parallelOverview = {
        calls: onLoad.map((c) => c.name),
        p50: round(percentile(parallel, 50)),
        p95: round(percentile(parallel, 95)),
      }
      figures.parallelAllTabs = {
        calls: calls.length,
        p50: round(percentile(everything, 50)),
        p95: round(percentile(everything, 95)),
      }
      console.log(`  parallel overview (${onLoad.length} calls): p50 ${round(percentile(parallel, 50))} ms`)
      console.log(
        `  parallel, every tab (${calls.length} calls): p50 ${round(percentile(everything, 50))} ms`,
      )
    } finally {
      stats.close()
    }
    const memory = {
      rssBeforeQueriesMb: rssBefore,
      peakRssDuringQueriesMb: peakReset ? peakRssMb() : null,
      peakRssWholeRunMb: peakReset ? null : peakRssMb(),
    }
    figures.memory = memory
    notes.push(
      'chDB has no system.query_log, so query memory is the RSS of the bench process, which hosts the server and the ' +
        'embedded engine (peak counter reset after seeding).',
      `Data: ${p.events.toLocaleString('en-US')} events for one site over the last ${DAYS} days; ${PAGES} pages ` +
        '(log-uniform long tail), 1-4 pageviews per visit, engagement after 60% of pageviews, custom events in 5% of ' +
        "visits; rows built with the collector's own URL, referrer and user-agent parsers. Timings after OPTIMIZE FINAL " +
        'and sessionising closed days; Stats API over HTTP with an API key, client in the same process.',
    )

    const big = p.events >= 10_000_000
    const worst = Math.max(...perCall.map((r) => r.p50))
    const par = figures.parallelOverview as { p50: number }
    const at = big ? '' : ` (at ${p.events.toLocaleString('en-US')} events, target is for 10M)`
    const targets: TargetCheck[] = [
      check(`slowest overview call p50${at}`, round(worst), '<=', 250, ' ms', 1),
      check(`parallel overview${at}`, par.p50, '<=', 600, ' ms', 1),
      check('bytes on disk per event', Math.round(perEvent * 100) / 100, '<=', 15, ' B', 2),
    ]
    printTargets(targets)

    const tables: Table[] = [
      {
        title: `Stats API calls of the overview (30d, ${p.events.toLocaleString('en-US')} events, ${p.runs} runs each)`,
        head: ['call', 'on page load', 'p50 ms', 'p95 ms', 'min ms', 'max ms'],
        rows: [
          ...perCall.map((r) => [r.name, r.onLoad ? 'yes' : 'tab', r.p50, r.p95, r.min, r.max]),
          [
            `**overview in parallel (${calls.filter((c) => c.onLoad).length} calls)**`,
            'yes',
            par.p50,
            (figures.parallelOverview as { p95: number }).p95,
            '',
            '',
          ],
          [
            `every tab in parallel (${calls.length} calls)`,
            '',
            (figures.parallelAllTabs as { p50: number }).p50,
            (figures.parallelAllTabs as { p95: number }).p95,
            '',
            '',
          ],
        ],
      },
      {
        title: 'Slowest SQL statement of each call (median ms; full SQL and EXPLAIN in results.json)',
        head: ['call', 'statements', 'slowest ms', 'slowest statement'],
        rows: (figures.statements as Awaited<ReturnType<typeof slowStatements>>).map((x) => [
          x.call,
          x.statements.length,
          x.statements[0]?.p50 ?? '',
          x.statements[0]?.shape ?? '',
        ]),
      },
      {
        title: 'Storage (after OPTIMIZE TABLE events FINAL)',
        head: ['table', 'rows', 'bytes on disk', 'B per event', 'compressed', 'uncompressed', 'parts'],
        rows: [
          [
            'events',
            events.rows,
            events.bytesOnDisk,
            (events.bytesOnDisk / Math.max(1, events.rows)).toFixed(2),
            events.compressed,
            events.uncompressed,
            events.parts,
          ],
          ...(sessions
            ? [
                [
                  'sessions (stored visits)',
                  sessions.rows,
                  sessions.bytesOnDisk,
                  (sessions.bytesOnDisk / Math.max(1, events.rows)).toFixed(2),
                  sessions.compressed,
                  sessions.uncompressed,
                  sessions.parts,
                ],
              ]
            : []),
        ],
      },
      {
        title: 'events columns (compressed bytes per event)',
        head: ['column', 'type', 'codec', 'B/event', 'ratio', ...variants.map((v) => v.variant)],
        rows: columns.map((c) => [
          c.name,
          c.type,
          c.codec || '(default LZ4)',
          (c.compressed / Math.max(1, events.rows)).toFixed(3),
          `${(c.uncompressed / Math.max(1, c.compressed)).toFixed(1)}x`,
          ...variants.map((v) => {
            const vc = v.columns.find((x) => x.name === c.name)
            return vc ? (vc.compressed / Math.max(1, events.rows)).toFixed(3) : ''
          }),
        ]),
      },
      {
        title: 'Query engine memory (RSS of the process with server + chDB)',
        head: ['before queries MB', 'peak during queries MB'],
        rows: [
          [
            memory.rssBeforeQueriesMb,
            memory.peakRssDuringQueriesMb ?? `${memory.peakRssWholeRunMb} (whole run)`,
          ],
        ],
      },
    ]
    if (variants.length > 0) {
      tables.push({
        title: 'Codec variants (whole table, bytes on disk per event)',
        head: ['variant', 'B/event on disk', 'compressed B/event'],
        rows: [
          ['current schema', perEvent.toFixed(2), (events.compressed / Math.max(1, events.rows)).toFixed(2)],
          ...variants.map((v) => [
            v.variant,
            (v.total.bytesOnDisk / Math.max(1, v.total.rows)).toFixed(2),
            (v.total.compressed / Math.max(1, v.total.rows)).toFixed(2),
          ]),
        ],
      })
    }
    return {
      ranAt: new Date().toISOString(),
      machine: m,
      params: {
        ...p,
        days: DAYS,
        pages: PAGES,
        period: '30d',
        dataDir: p.keepDir || p.reuseDir ? dataDir : '(temp)',
      },
      figures,
      tables,
      targets,
      notes,
    }
  } finally {
    await server.close()
    if (!p.keepDir && !p.reuseDir) rmSync(dataDir, { recursive: true, force: true })
  }
}
