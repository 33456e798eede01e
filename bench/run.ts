/**
 * crumbless benchmarks: `tsx bench/run.ts <all|ingest|query|size> [flags]`.
 * Each bench prints the machine and its parameters, checks the targets of the benchmarks issue
 * and merges its section into bench/results.json and bench/results.md.
 *
 * Flags: --connections N --duration S --warmup REQUESTS (ingest), --cpu-prof DIR (ingest: profile the server),
 * --diagnose (ingest: also the bare app with the ingest middleware), --rounds N (ingest),
 * --load wrk|autocannon (ingest: the load generator; wrk when it is installed),
 * --events N --runs N --keep DIR --reuse DIR (query), --codecs (query: try alternative codecs).
 */
import { parseArgs } from 'node:util'
import { benchIngest } from './ingest.ts'
import { saveSection } from './results.ts'
import { wrkAvailable } from './wrk.ts'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '25' },
    warmup: { type: 'string', default: '20000' },
    'cpu-prof': { type: 'string' },
    events: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '15' },
    keep: { type: 'string' },
    reuse: { type: 'string' },
    codecs: { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    load: { type: 'string' },
  },
})

const which = positionals[0] ?? 'all'
const int = (name: string, raw: string | undefined): number => {
  if (!raw || !/^\d+$/.test(raw)) throw new Error(`--${name}: expected a whole number, got "${raw ?? ''}"`)
  return Number(raw)
}

/** wrk when it is installed (`apt-get install wrk`): it takes about half autocannon's CPU per request. */
function loadGenerator(): 'wrk' | 'autocannon' {
  const asked = values.load
  if (asked === 'autocannon') return 'autocannon'
  if (asked !== undefined && asked !== 'wrk')
    throw new Error(`--load: expected wrk or autocannon, got "${asked}"`)
  if (wrkAvailable()) return 'wrk'
  if (asked === 'wrk') throw new Error('--load wrk: wrk is not installed (apt-get install wrk)')
  console.log('  wrk is not installed (apt-get install wrk): the ingest bench uses autocannon')
  return 'autocannon'
}

async function ingest(): Promise<void> {
  const section = await benchIngest({
    connections: int('connections', values.connections),
    durationS: int('duration', values.duration),
    warmupRequests: int('warmup', values.warmup),
    poolSize: 20_000,
    pages: 5_000,
    visitors: 20_000,
    cpuProfDir: values['cpu-prof'] ?? null,
    diagnose: values.diagnose ?? false,
    rounds: int('rounds', values.rounds),
    loadGenerator: loadGenerator(),
  })
  saveSection('ingest', section)
}

async function query(): Promise<void> {
  const { benchQuery } = await import('./query.ts')
  const section = await benchQuery({
    events: int('events', values.events),
    runs: int('runs', values.runs),
    keepDir: values.keep ?? null,
    reuseDir: values.reuse ?? null,
    codecs: values.codecs ?? false,
  })
  saveSection('query', section)
}

async function size(): Promise<void> {
  const { benchSize } = await import('./size.ts')
  saveSection('size', await benchSize())
}

const BENCHES: Record<string, Array<() => Promise<void>>> = {
  all: [size, ingest, query],
  ingest: [ingest],
  query: [query],
  size: [size],
}

const run = BENCHES[which]
if (!run) {
  console.error(`usage: tsx bench/run.ts <all|ingest|query|size>`)
  process.exit(2)
}
for (const bench of run) await bench()
console.log('wrote bench/results.json and bench/results.md')
