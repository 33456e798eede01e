import { createRequire } from 'node:module'

/** One prepared ingest request: a wire-format body and its headers. */
export interface PooledRequest {
  body: string
  headers: Record<string, string>
}

export interface PoolOptions {
  domain: string
  size: number
  pages: number
  visitors: number
  seed?: number
}

/** Small deterministic PRNG (mulberry32), so every run sends the same mix. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A long-tail index in [0, n): log-uniform, so index 0 is common and most of the range is rare. */
export function longTail(r: number, n: number): number {
  return Math.min(n - 1, Math.floor(n ** r) - 1)
}

const SECTIONS = ['blog', 'docs', 'products', 'guides', 'changelog', 'careers', 'help', 'news']
const TOP_PAGES = ['/', '/pricing', '/about', '/features', '/contact', '/signup', '/login', '/blog', '/docs']

/** The i-th page of a site with `n` pages: a few well-known ones, then sectioned long-tail paths. */
export function pagePath(i: number): string {
  const top = TOP_PAGES[i]
  if (top) return top
  const section = SECTIONS[i % SECTIONS.length]
  return i % 5 === 0 ? `/${section}/${i}/details` : `/${section}/article-${i}`
}

/** Referrers as browsers report them (full URLs; the collector keeps only the host). */
const REFERRERS: Array<[string, number]> = [
  ['https://www.google.com/', 30],
  ['https://www.bing.com/', 5],
  ['https://duckduckgo.com/', 4],
  ['https://news.ycombinator.com/item?id=4242', 3],
  ['https://www.reddit.com/r/webdev/comments/abc/', 3],
  ['https://t.co/xyz123', 3],
  ['https://www.facebook.com/', 2],
  ['https://github.com/someone/project', 2],
  ['https://www.linkedin.com/feed/', 2],
  ['https://search.brave.com/', 1],
  ['https://www.ecosia.org/', 1],
  ['android-app://com.google.android.gm/', 1],
]
const REFERRER_WEIGHT = REFERRERS.reduce((s, [, w]) => s + w, 0)

const UTM = [
  'utm_source=newsletter&utm_medium=email&utm_campaign=spring-launch',
  'utm_source=twitter&utm_medium=social&utm_campaign=launch-week',
  'utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=analytics&utm_content=ad-1',
  'utm_source=producthunt&utm_medium=referral',
]

const CUSTOM: Array<{ n: string; p: (r: () => number) => Record<string, string | number | boolean> }> = [
  { n: 'Signup', p: (r) => ({ plan: r() < 0.7 ? 'free' : 'pro' }) },
  { n: 'Download', p: (r) => ({ file: `release-${Math.floor(r() * 20)}.zip`, size: Math.floor(r() * 1e6) }) },
  { n: 'Outbound Link: Click', p: (r) => ({ url: `https://github.com/org/repo-${Math.floor(r() * 50)}` }) },
  { n: 'Newsletter', p: () => ({ placement: 'footer', confirmed: true }) },
]

function publicIpv4(r: () => number): string {
  for (;;) {
    const a = 1 + Math.floor(r() * 223)
    const b = Math.floor(r() * 256)
    if (a === 10 || a === 127 || a === 100 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168))
      continue
    if (a === 169 && b === 254) continue
    return `${a}.${b}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`
  }
}

function publicIpv6(r: () => number): string {
  const h = () => Math.floor(r() * 65536).toString(16)
  return `2a0${Math.floor(r() * 9) + 1}:${h()}:${h()}:${h()}::${h()}`
}

function pick<T>(list: readonly T[], r: number): T {
  return list[Math.floor(r * list.length)] as T
}

function referrer(r: () => number): string | null {
  const x = r()
  if (x < 0.4) return null
  if (x < 0.5) return `https://blog-${Math.floor(r() * 2000)}.example.org/posts/${Math.floor(r() * 100)}`
  let w = r() * REFERRER_WEIGHT
  for (const [url, weight] of REFERRERS) {
    w -= weight
    if (w <= 0) return url
  }
  return null
}

/**
 * Builds `size` varied ingest requests up front: real browser user agents (top-user-agents),
 * client IPs via X-Forwarded-For, a long tail of `pages` paths, referrers and UTM tags, ~30%
 * engagement events (half of them with click cells), ~4% custom events with props.
 *
 * @example
 * const pool = buildRequestPool({ domain: 'bench.example', size: 20_000, pages: 5_000, visitors: 20_000 })
 */
export function buildRequestPool(o: PoolOptions): PooledRequest[] {
  const r = rng(o.seed ?? 42)
  const agents = createRequire(import.meta.url)('top-user-agents') as string[]
  const visitors = Array.from({ length: o.visitors }, () => ({
    ip: r() < 0.1 ? publicIpv6(r) : publicIpv4(r),
    ua: pick(agents, r()),
  }))
  const out: PooledRequest[] = []
  for (let i = 0; i < o.size; i++) {
    const v = visitors[longTail(r(), visitors.length)] ?? visitors[0]!
    const mobile = /Mobile|Android|iPhone/.test(v.ua)
    const w = mobile ? pick([360, 390, 393, 412, 430], r()) : pick([1280, 1366, 1440, 1536, 1920, 2560], r())
    const path = pagePath(longTail(r(), o.pages))
    const query = r() < 0.08 ? `?${pick(UTM, r())}` : ''
    const kind = r()
    const event: Record<string, unknown> = {
      u: `https://${o.domain}${path}${query}`,
      d: o.domain,
      r: referrer(r),
      w,
    }
    if (kind < 0.66) {
      event.n = 'pageview'
    } else if (kind < 0.96) {
      event.n = 'engagement'
      event.e = Math.floor(500 + r() * 120_000)
      event.sd = Math.floor(r() * 101)
      if (r() < 0.5) {
        const clicks = 1 + Math.floor(r() * 6)
        event.c = Array.from({ length: clicks }, () => [
          Math.floor(r() * 100),
          Math.floor(r() * 300) * 10,
          r() < 0.03 ? 1 : 0,
        ])
      }
    } else {
      const custom = pick(CUSTOM, r())
      event.n = custom.n
      event.p = custom.p(r)
    }
    out.push({
      body: JSON.stringify(event),
      headers: {
        'content-type': 'text/plain',
        'user-agent': v.ua,
        'x-forwarded-for': v.ip,
        'accept-language': 'en-US,en;q=0.9',
      },
    })
  }
  return out
}
