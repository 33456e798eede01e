import desktop from 'top-user-agents/desktop'
import mobile from 'top-user-agents/mobile'
import type { WireEvent } from '../../server/collect/types.ts'

/** A small deterministic PRNG, so `crumbless demo` and benchmarks are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T

/** Long tail: a few pages get most views (Zipf-like). */
function zipf(rand: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n ** rand() - 1))
}

const SECTIONS = ['blog', 'docs', 'pricing', 'features', 'changelog', 'about', 'careers', 'integrations']
const REFERRERS: (string | null)[] = [
  null,
  null,
  null,
  'https://www.google.com/',
  'https://www.google.nl/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://www.ecosia.org/',
  'https://news.ycombinator.com/',
  'https://t.co/abc',
  'https://www.linkedin.com/',
  'https://www.reddit.com/r/webdev/',
  'https://github.com/crumbless/crumbless',
  'https://chatgpt.com/',
  'https://l.facebook.com/',
]
const CAMPAIGNS = ['', '', '', '', '?utm_source=newsletter&utm_medium=email&utm_campaign=november']
const WIDTHS = [390, 412, 768, 1280, 1366, 1440, 1920]

export function pagePath(i: number): string {
  if (i === 0) return '/'
  const section = SECTIONS[i % SECTIONS.length]
  return i < SECTIONS.length ? `/${section}` : `/${section}/post-${i}`
}

export interface Visit {
  ip: string
  userAgent: string
  /** Events with their offsets in ms from the visit start. */
  events: { at: number; event: WireEvent }[]
}

function publicIp(rand: () => number): string {
  // Allocated unicast space, skipping 10/8, 127/8 and the multicast range.
  let first = 1 + Math.floor(rand() * 222)
  if (first === 10 || first === 127 || first === 172 || first === 192) first += 1
  return [first, 1 + Math.floor(rand() * 254), Math.floor(rand() * 256), 1 + Math.floor(rand() * 254)].join(
    '.',
  )
}

/**
 * One realistic visit: 1-5 pageviews with engagement after each, clicks, scrolls, sometimes a
 * signup, an outbound link or a download.
 *
 * @example
 * const visit = makeVisit(prng(1), 'demo.example', 2000)
 */
export function makeVisit(rand: () => number, domain: string, pages: number): Visit {
  const isMobile = rand() < 0.45
  const userAgent = pick(rand, isMobile ? mobile : desktop)
  const w = isMobile ? pick(rand, WIDTHS.slice(0, 2)) : pick(rand, WIDTHS.slice(2))
  const referrer = pick(rand, REFERRERS)
  const campaign = pick(rand, CAMPAIGNS)
  const views = rand() < 0.45 ? 1 : 2 + Math.floor(rand() * 4)
  const events: Visit['events'] = []
  let at = 0
  for (let v = 0; v < views; v++) {
    const u = `https://${domain}${pagePath(zipf(rand, pages))}${v === 0 ? campaign : ''}`
    events.push({ at, event: { n: 'pageview', u, d: domain, r: v === 0 ? referrer : null, w } })
    const engaged = Math.floor(2000 + rand() * 90_000)
    const clicks: [number, number, number][] = []
    const n = Math.floor(rand() * 6)
    for (let c = 0; c < n; c++) {
      clicks.push([Math.floor(10 + rand() * 80), Math.floor(rand() * 200) * 10, rand() < 0.03 ? 1 : 0])
    }
    at += engaged + Math.floor(rand() * 20_000)
    events.push({
      at,
      event: {
        n: 'engagement',
        u,
        d: domain,
        e: engaged,
        sd: Math.min(100, Math.floor(rand() * 110)),
        w,
        c: clicks,
      },
    })
    if (rand() < 0.04)
      events.push({
        at,
        event: { n: 'Signup', u, d: domain, p: { plan: pick(rand, ['free', 'pro', 'team']) } },
      })
    if (rand() < 0.05) {
      events.push({
        at,
        event: { n: 'Outbound Link: Click', u, d: domain, p: { url: 'https://github.com/crumbless' } },
      })
    }
    if (rand() < 0.02)
      events.push({
        at,
        event: { n: 'File Download', u, d: domain, p: { url: `https://${domain}/guide.pdf` } },
      })
    at += Math.floor(rand() * 5000)
  }
  return { ip: publicIp(rand), userAgent, events }
}
