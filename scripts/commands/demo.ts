import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { SingleBar } from 'cli-progress'
import { createCountryLookup } from '../../server/collect/geo.ts'
import { collect } from '../../server/collect/pipeline.ts'
import { Metrics } from '../../server/metrics.ts'
import { newSite, SiteStore } from '../../server/store/sites.ts'
import { BatchWriter } from '../../server/store/writer.ts'
import { makeVisit, prng } from '../demo/traffic.ts'
import { CliError } from './cli-error.ts'
import { withEngine } from './engine.ts'
import { validDomain } from './sites.ts'

const DAY = 86_400_000

function positive(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new CliError(`--${name}: expected a positive whole number`)
  return Number(raw)
}

/**
 * `crumbless demo`: registers a demo site and sends N days of generated traffic through the
 * real collect pipeline (bot checks, hashing with a per-day salt, enrichment) into the store.
 */
export async function runDemo(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      days: { type: 'string' },
      domain: { type: 'string' },
      visits: { type: 'string' },
      seed: { type: 'string' },
    },
  })
  const days = positive(values.days, 'days', 30)
  const visitsPerDay = positive(values.visits, 'visits', 300)
  const domain = validDomain(values.domain ?? 'demo.example')
  const rand = prng(positive(values.seed, 'seed', 42))
  const require = createRequire(import.meta.url)
  const country = createCountryLookup(
    readFileSync(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')),
  )
  await withEngine(async (ch) => {
    const sites = new SiteStore(ch, Date.now, 0)
    if (!(await sites.get(domain))) await sites.save(newSite(domain, { timezone: 'Europe/Amsterdam' }))
    const siteMap = await sites.all()
    const metrics = new Metrics()
    const writer = new BatchWriter(ch, metrics, {
      flushIntervalMs: 500,
      flushMaxRows: 20_000,
      bufferMaxRows: 1_000_000,
    })
    const bar = new SingleBar({ format: 'demo traffic [{bar}] {value}/{total} visits | {eta}s left' })
    const total = days * visitsPerDay
    bar.start(total, 0)
    const today = Math.floor(Date.now() / DAY) * DAY
    for (let d = days - 1; d >= 0; d--) {
      // Past days get a salt that lives only in this loop, as a destroyed salt would.
      const salt = crypto.getRandomValues(new Uint8Array(32))
      const dayStart = today - d * DAY
      const span = d === 0 ? Math.max(1, Date.now() - dayStart - 3_600_000) : DAY - 3_600_000
      for (let v = 0; v < visitsPerDay; v++) {
        const visit = makeVisit(rand, domain, 2000)
        const start = dayStart + Math.floor(rand() * span)
        const header = (name: string) => (name.toLowerCase() === 'user-agent' ? visit.userAgent : null)
        for (const { at, event } of visit.events) {
          const now = Math.min(start + at, dayStart + DAY - 1)
          const out = collect(
            [event],
            siteMap,
            { ip: visit.ip, userAgent: visit.userAgent, header, country: country(visit.ip), now, salt },
            { gpc: 'keep', dnt: 'keep' },
          )
          while (!writer.add(out.events, out.clicks)) await writer.flush()
        }
        bar.increment()
      }
    }
    await writer.close()
    bar.stop()
    console.log(`demo: ${metrics.inserted.get('events') ?? 0} events for ${domain} over ${days} days`)
  })
}
