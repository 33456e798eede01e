import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon, { type RawRequest, type RequestSpec, type Result } from 'autocannon'
import { openChdb } from '../server/adapters/chdb.ts'
import { describeMachine, machine } from './machine.ts'
import {
  type Child,
  cpuSeconds,
  freePort,
  machineTicks,
  runNode,
  schedSeconds,
  startNode,
  stop,
  waitForHttp,
  watchMemory,
} from './proc.ts'
import { buildRequestPool, type PooledRequest } from './request-pool.ts'
import { check, percentile, printTargets, type Section } from './results.ts'
import { type LoadPhase, runWrk, wrkScript } from './wrk.ts'

export interface IngestParams {
  connections: number
  durationS: number
  /** Requests of the warm-up phase (also sizes the measured phase). */
  warmupRequests: number
  poolSize: number
  pages: number
  visitors: number
  /** Write a V8 CPU profile of the crumbless child into this directory. */
  cpuProfDir: string | null
  /** Also run the bare app with the ingest route's middleware (cors, bodyLimit, header reads). */
  diagnose: boolean
  /** Alternating bare/crumbless rounds; targets use the medians. */
  rounds: number
  /**
   * `wrk` (native, one thread) or `autocannon` (in the bench process). Both send the same pool in
   * the same order with fixed request counts; see README "Performance" for why wrk is the default.
   */
  loadGenerator: 'wrk' | 'autocannon'
}

export const DOMAIN = 'bench.example'

interface Load {
  result: LoadPhase
  warmup: LoadPhase
  /** CPU per request of the measured phase, in µs: the server (all its threads) and the load generator. */
  serverCpuUs: number
  loadCpuUs: number
  /**
   * The server's HTTP (main) thread in the measured phase, as % of its wall time: on a CPU, and
   * runnable but waiting for one. Their sum near 100 means that thread is the limit.
   */
  httpThreadOnCpuPct: number | null
  httpThreadWaitingPct: number | null
  /** Share of all cores' time that was idle in the measured phase, %. */
  coresIdlePct: number
}

/**
 * autocannon notices that a fixed-amount run is done only when it next samples its counters (every
 * second by default), so the run's duration was rounded up to the next whole second: up to 1 s too
 * long on phases of 9-17 s, which undercounted requests/s by up to 10%. Sampling every 50 ms bounds
 * that to 50 ms.
 */
const SAMPLE_MS = 50

function status(r: LoadPhase, code: number): number {
  return r.statusCodes[String(code)] ?? 0
}

function non2xx(r: LoadPhase): number {
  return Object.entries(r.statusCodes).reduce((n, [code, count]) => (/^2/.test(code) ? n : n + count), 0)
}

function fromAutocannon(r: Result, dropped: number): LoadPhase {
  return {
    requests: r.requests.total,
    durationS: r.duration,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMaxMs: r.latency.max,
    statusCodes: Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]),
    ),
    dropped,
    errors: r.errors + r.timeouts,
  }
}

/** CPU, scheduling and idle counters at the start of a measured phase; `end` turns them into figures. */
function measure(pid: number, loadCpuS: () => number) {
  const server0 = cpuSeconds(pid)
  const load0 = loadCpuS()
  const sched0 = schedSeconds(pid)
  const ticks0 = machineTicks()
  const wall0 = performance.now()
  return (requests: number) => {
    const wallS = (performance.now() - wall0) / 1000
    const ticks1 = machineTicks()
    const sched1 = schedSeconds(pid)
    const perRequest = (s: number) => Math.round((s * 1e6) / Math.max(1, requests))
    const pct = (x: number) => Math.round((100 * x) / Math.max(0.001, wallS))
    return {
      serverCpuUs: perRequest(cpuSeconds(pid) - server0),
      loadCpuUs: perRequest(loadCpuS() - load0),
      httpThreadOnCpuPct: sched0 && sched1 ? pct(sched1.onCpuS - sched0.onCpuS) : null,
      httpThreadWaitingPct: sched0 && sched1 ? pct(sched1.waitingS - sched0.waitingS) : null,
      coresIdlePct: Math.round(
        (100 * (ticks1.idle - ticks0.idle)) / Math.max(1, ticks1.total - ticks0.total),
      ),
    }
  }
}

type Figures = ReturnType<ReturnType<typeof measure>>

/** The wrk script of the pool, written once per bench run. */
let wrkFiles: { dir: string; script: string } | null = null
function wrkFilesFor(pool: readonly PooledRequest[]): { dir: string; script: string } {
  if (!wrkFiles) {
    const dir = mkdtempSync(join(tmpdir(), 'crumbless-bench-wrk-'))
    const script = join(dir, 'pool.lua')
    writeFileSync(script, wrkScript(pool))
    wrkFiles = { dir, script }
  }
  return wrkFiles
}

/** {@link drive} with wrk: the same fixed counts, measured from the first request sent to the last answer. */
async function driveWrk(
  url: string,
  pid: number,
  pool: readonly PooledRequest[],
  p: IngestParams,
): Promise<Load> {
  const { dir, script } = wrkFilesFor(pool)
  const target = `${url}/api/event`
  const warmup = await runWrk({
    url: target,
    script,
    connections: p.connections,
    total: p.warmupRequests,
    dir,
  })
  const rate = warmup.requests / Math.max(0.001, warmup.durationS)
  const total = Math.max(p.connections * 10, Math.round(rate * p.durationS))
  let end: ((requests: number) => Figures) | null = null
  let figures: Figures | null = null
  const result = await runWrk({
    url: target,
    script,
    connections: p.connections,
    total,
    dir,
    onStart: (wrk) => {
      end = measure(pid, () => (wrk.pid ? cpuSeconds(wrk.pid) : 0))
    },
    onDone: () => {
      figures = end?.(total) ?? null
    },
  })
  if (!figures) throw new Error('wrk: the measured phase was not timed')
  return { result, warmup, ...(figures as Figures) }
}

/** Drives `url` (served by process `pid`) with the shared request pool: a warm-up, then the measured run. */
async function drive(
  url: string,
  pid: number,
  pool: readonly PooledRequest[],
  p: IngestParams,
): Promise<Load> {
  if (p.loadGenerator === 'wrk') return driveWrk(url, pid, pool, p)
  let next = 0
  let dropped = 0
  const requests: RequestSpec[] = [
    {
      method: 'POST',
      path: '/api/event',
      setupRequest: (req: RawRequest) => {
        const pooled = pool[next++ % pool.length]!
        return { ...req, method: 'POST', path: '/api/event', body: pooled.body, headers: pooled.headers }
      },
      onResponse: (_status, _body, _ctx, headers) => {
        if (headers['x-crumbless-dropped'] !== undefined) dropped++
      },
    },
  ]
  // Fixed request counts (not durations): autocannon then waits for every answer, so no request
  // is left in flight when a phase ends and each stored row has a counted 202. The warm-up's rate
  // sizes the measured phase to last about `durationS`.
  const warmup = await autocannon({
    url,
    connections: p.connections,
    amount: p.warmupRequests,
    requests,
    sampleInt: SAMPLE_MS,
  })
  const rate = warmup.requests.total / Math.max(0.001, warmup.duration)
  const amount = Math.max(p.connections * 10, Math.round(rate * p.durationS))
  const warmupDropped = dropped
  dropped = 0
  const load0 = process.cpuUsage()
  const end = measure(pid, () => {
    const load = process.cpuUsage(load0)
    return (load.user + load.system) / 1e6
  })
  const result = await autocannon({ url, connections: p.connections, amount, requests, sampleInt: SAMPLE_MS })
  return {
    result: fromAutocannon(result, dropped),
    warmup: fromAutocannon(warmup, warmupDropped),
    ...end(result.requests.total),
  }
}

function summary(name: string, l: Load) {
  const r = l.result
  return {
    name,
    requestsPerSec: Math.round(r.requests / Math.max(0.001, r.durationS)),
    durationS: r.durationS,
    latencyP50Ms: r.latencyP50Ms,
    latencyP99Ms: r.latencyP99Ms,
    latencyMaxMs: r.latencyMaxMs,
    total: r.requests,
    status202: status(r, 202) + status(l.warmup, 202),
    non2xx: non2xx(r) + non2xx(l.warmup),
    errors: r.errors + l.warmup.errors,
    dropped: r.dropped + l.warmup.dropped,
    serverCpuUsPerRequest: l.serverCpuUs,
    loadGeneratorCpuUsPerRequest: l.loadCpuUs,
    httpThreadOnCpuPct: l.httpThreadOnCpuPct,
    httpThreadWaitingPct: l.httpThreadWaitingPct,
    coresIdlePct: l.coresIdlePct,
    statusCodes: r.statusCodes,
  }
}

async function countStored(dataDir: string): Promise<{ events: number; clickCells: number; clicks: number }> {
  const ch = openChdb(join(dataDir, 'chdb'))
  try {
    const [row] = await ch.query<{ events: number; clickCells: number; clicks: number }>(
      `SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM clicks) AS clickCells,
        (SELECT sum(clicks) FROM clicks) AS clicks`,
    )
    return row ?? { events: 0, clickCells: 0, clicks: 0 }
  } finally {
    await ch.close()
  }
}

async function runBare(
  pool: readonly PooledRequest[],
  p: IngestParams,
  middleware: '' | 'all' | 'fast' = '',
) {
  const port = await freePort()
  const child = startNode(['bench/bare-server.ts'], { PORT: String(port), BARE_MIDDLEWARE: middleware })
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, child)
    const mem = watchMemory(child.pid)
    const load = await drive(`http://127.0.0.1:${port}`, child.pid, pool, p)
    mem.stop()
    return {
      ...summary(
        middleware === 'all'
          ? 'bare + hono/cors + hono/body-limit'
          : middleware === 'fast'
            ? 'bare + hand-written size/CORS checks'
            : 'bare Hono',
        load,
      ),
      peakRssMb: mem.peakMb(),
    }
  } finally {
    await stop(child)
  }
}

async function runCrumbless(pool: readonly PooledRequest[], p: IngestParams) {
  const dataDir = mkdtempSync(join(tmpdir(), 'crumbless-bench-ingest-'))
  const port = await freePort()
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    TRUSTED_PROXIES: 'loopback',
    INGEST_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
  }
  // chDB allows one process per data dir: register the site before the server opens it.
  await runNode(['scripts/crumbless.mjs', 'sites', 'add', DOMAIN], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' })
  const flags = p.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${p.cpuProfDir}`] : []
  // Started as `npm start` starts it: the bin compiles the TypeScript and runs plain JavaScript.
  let child: Child | null = startNode(['scripts/crumbless.mjs', 'serve'], env, flags)
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, child)
    const mem = watchMemory(child.pid)
    const load = await drive(`http://127.0.0.1:${port}`, child.pid, pool, p)
    const peakRssMb = mem.peakMb()
    const peakAnonMb = mem.anonMb()
    const peakFileMb = mem.fileMb()
    mem.stop()
    const t0 = Date.now()
    const code = await stop(child)
    const shutdownMs = Date.now() - t0
    child = null
    const stored = await countStored(dataDir)
    const s = summary('crumbless', load)
    return {
      ...s,
      peakRssMb,
      peakAnonMb,
      peakFileMb,
      shutdownMs,
      exitCode: code,
      storedEvents: stored.events,
      storedClickCells: stored.clickCells,
      storedClicks: stored.clicks,
      expectedEvents: s.status202 - s.dropped,
      lost: s.status202 - s.dropped - stored.events,
      cpuProfiles: p.cpuProfDir ? readdirSync(p.cpuProfDir).map((f) => join(p.cpuProfDir ?? '', f)) : [],
    }
  } finally {
    if (child) await stop(child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const THROUGHPUT_HEAD = [
  'server',
  'req/s',
  'p50 ms',
  'p99 ms',
  'requests',
  'non-2xx',
  'peak RSS MB',
  'server CPU µs/req',
  'load generator CPU µs/req',
  'HTTP thread on CPU / waiting for one, %',
  'cores idle %',
]

interface ThreadFigures {
  httpThreadOnCpuPct: number | null
  httpThreadWaitingPct: number | null
  coresIdlePct: number
}

function threadCell(s: ThreadFigures): string {
  return s.httpThreadOnCpuPct === null ? '?' : `${s.httpThreadOnCpuPct} / ${s.httpThreadWaitingPct}`
}

function threadLine(s: ThreadFigures): string {
  return `HTTP thread on CPU / waiting ${threadCell(s)} %, cores idle ${s.coresIdlePct} %`
}

/**
 * Ingest bench: the real server (child process, embedded chDB, trusted loopback proxy) against a
 * bare Hono app, same load (wrk or autocannon); then the stored events against the 202 answers.
 *
 * @example
 * const section = await benchIngest({ connections: 50, durationS: 25, warmupS: 5, ... })
 */
export async function benchIngest(p: IngestParams): Promise<Section> {
  const m = machine()
  console.log(`ingest bench on ${describeMachine(m)}`)
  console.log(`  params: ${JSON.stringify(p)}`)
  const pool = buildRequestPool({ domain: DOMAIN, size: p.poolSize, pages: p.pages, visitors: p.visitors })
  console.log(`  request pool: ${pool.length} requests`)
  type Bare = Awaited<ReturnType<typeof runBare>>
  type Crumbless = Awaited<ReturnType<typeof runCrumbless>>
  const rounds: Array<{ bare: Bare; crumbless: Crumbless; ratio: number }> = []
  const diagnostics: Bare[] = []
  // Alternating rounds: other work on a shared machine moves both figures; the median ratio holds.
  for (let i = 0; i < p.rounds; i++) {
    const bare = await runBare(pool, p)
    console.log(
      `  round ${i + 1} bare: ${bare.requestsPerSec} req/s, p50 ${bare.latencyP50Ms} ms, p99 ${bare.latencyP99Ms} ms, ` +
        `CPU/req server ${bare.serverCpuUsPerRequest} µs, load generator ${bare.loadGeneratorCpuUsPerRequest} µs, ` +
        threadLine(bare),
    )
    const crumbless = await runCrumbless(pool, p)
    console.log(
      `  round ${i + 1} crumbless: ${crumbless.requestsPerSec} req/s, p50 ${crumbless.latencyP50Ms} ms, ` +
        `p99 ${crumbless.latencyP99Ms} ms, peak RSS ${crumbless.peakRssMb} MB (anon ${crumbless.peakAnonMb}, ` +
        `file ${crumbless.peakFileMb}), 202s ${crumbless.status202} (dropped ${crumbless.dropped}), ` +
        `stored ${crumbless.storedEvents}, non-2xx ${crumbless.non2xx}, CPU/req server ` +
        `${crumbless.serverCpuUsPerRequest} µs, load generator ${crumbless.loadGeneratorCpuUsPerRequest} µs, ` +
        threadLine(crumbless),
    )
    rounds.push({ bare, crumbless, ratio: crumbless.requestsPerSec / Math.max(1, bare.requestsPerSec) })
  }
  if (p.diagnose) {
    for (const mode of ['all', 'fast'] as const) {
      const d = await runBare(pool, p, mode)
      console.log(`  diagnostic ${d.name}: ${d.requestsPerSec} req/s, p99 ${d.latencyP99Ms} ms`)
      diagnostics.push(d)
    }
  }
  if (wrkFiles) rmSync(wrkFiles.dir, { recursive: true, force: true })
  wrkFiles = null
  const med = (f: (r: (typeof rounds)[number]) => number) => percentile(rounds.map(f), 50)
  const ratio = med((r) => r.ratio)
  const p99 = med((r) => r.crumbless.latencyP99Ms)
  const lost = rounds.reduce((s, r) => s + Math.abs(r.crumbless.lost), 0)
  const errors = rounds.reduce((s, r) => s + r.crumbless.non2xx + r.crumbless.errors, 0)
  const peakRss = Math.max(...rounds.map((r) => r.crumbless.peakRssMb))
  const targets = [
    check(
      `ingest req/s vs bare Hono (median of ${p.rounds})`,
      Math.round(ratio * 100) / 100,
      '>=',
      0.6,
      'x',
      2,
    ),
    check('ingest p99 latency (median)', p99, '<=', 25, ' ms'),
    check('events lost (202 answers - stored)', lost, '==', 0),
    check('non-2xx answers', errors, '==', 0),
    check('peak RSS of the server (max)', peakRss, '<=', 512, ' MB'),
  ]
  printTargets(targets)
  const row = (label: string, s: Bare) => [
    label,
    s.requestsPerSec.toLocaleString('en-US'),
    s.latencyP50Ms,
    s.latencyP99Ms,
    s.total.toLocaleString('en-US'),
    s.non2xx,
    s.peakRssMb,
    s.serverCpuUsPerRequest,
    s.loadGeneratorCpuUsPerRequest,
    threadCell(s),
    s.coresIdlePct,
  ]
  // The empty cells after the first two columns of the ratio rows.
  const blanks: string[] = Array(THROUGHPUT_HEAD.length - 2).fill('')
  const strip = <T extends { statusCodes: unknown }>({ statusCodes: _s, ...rest }: T) => rest
  return {
    ranAt: new Date().toISOString(),
    machine: m,
    params: {
      ...p,
      loadGenerator:
        p.loadGenerator === 'wrk'
          ? 'wrk 4.1 (one thread, child process)'
          : 'autocannon 9 (in the bench process)',
    },
    figures: {
      rounds: rounds.map((r) => ({ bare: strip(r.bare), crumbless: strip(r.crumbless), ratio: r.ratio })),
      diagnostics: diagnostics.map(strip),
      ratio,
      p99,
    },
    tables: [
      {
        title: 'Ingest throughput (same load; bare and crumbless alternate)',
        head: THROUGHPUT_HEAD,
        rows: [
          ...rounds.flatMap((r, i) => [
            row(`round ${i + 1}: bare Hono`, r.bare),
            row(`round ${i + 1}: crumbless`, r.crumbless),
            [`round ${i + 1}: ratio`, `${r.ratio.toFixed(2)}x`, ...blanks],
          ]),
          ...diagnostics.map((d) => row(`diagnostic: ${d.name}`, d)),
          [`**median ratio crumbless / bare**`, `**${ratio.toFixed(2)}x**`, ...blanks],
        ],
      },
      {
        title: 'Durability after SIGTERM (graceful flush; 202 answers include the warm-up)',
        head: [
          'round',
          '202 answers',
          'dropped on purpose',
          'stored rows',
          'lost',
          'click cells',
          'shutdown ms',
        ],
        rows: rounds.map((r, i) => [
          i + 1,
          r.crumbless.status202,
          r.crumbless.dropped,
          r.crumbless.storedEvents,
          r.crumbless.lost,
          r.crumbless.storedClickCells,
          r.crumbless.shutdownMs,
        ]),
      },
    ],
    targets,
    notes: [
      ...rounds.map(
        (r, i) =>
          `round ${i + 1}: crumbless peak RSS ${r.crumbless.peakRssMb} MB = anonymous ${r.crumbless.peakAnonMb} MB + ` +
          `file-backed ${r.crumbless.peakFileMb} MB (peaks; file-backed = pages of the mapped chDB engine library, shared and reclaimable).`,
      ),
      `Both servers run as child processes; ${p.loadGenerator === 'wrk' ? 'wrk runs as another child process' : 'autocannon runs in the bench process'} on the same machine, so the ` +
        'load generator shares the cores with the server under test. ' +
        (p.loadGenerator === 'wrk'
          ? "wrk sends exactly the phase's count of pool requests, then answers each connection's later turns with " +
            '`GET /__bench_tail` (404 on both servers, not counted, never stored) until the last counted request is answered; ' +
            'req/s is counted requests over the time from the first sent to the last answered. '
          : '') +
        'crumbless is started as `npm start` starts ' +
        'it (scripts/crumbless.mjs: compiled JavaScript, no TypeScript loader).',
      'CPU µs/req: CPU time of the measured phase (user + system; for the server all its threads, chDB included) ' +
        'divided by its requests. The two cores give 2,000,000 µs per second to share between server and load generator.',
      "HTTP thread on CPU / waiting for one: the server main thread's time on a CPU and runnable but queued for a " +
        'CPU (`/proc/<pid>/task/<pid>/schedstat`), as % of the measured phase; their sum near 100 means that thread ' +
        'sets the pace. Cores idle: idle share of all cores in the phase (`/proc/stat`).',
      'Diagnostics (--diagnose): the bare app plus hono/cors + hono/body-limit + header reads ("all"), and the same ' +
        'checks hand-written ("fast": Content-Length check, CORS header set directly), to isolate framework costs.',
      'Request mix: real browser user agents (top-user-agents), client IPs via X-Forwarded-For, a long tail of ' +
        `${p.pages} paths, referrers and UTM tags, ~30% engagement events (half with click cells), ~4% custom events with props.`,
    ],
  }
}
