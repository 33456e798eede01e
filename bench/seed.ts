import { createRequire } from 'node:module'
import { parsePageUrl } from '../server/collect/page-url.ts'
import { parseReferrer, sourceFromUtm } from '../server/collect/referrer.ts'
import { parseDevice } from '../server/collect/user-agent.ts'
import type { Ch } from '../server/store/client.ts'
import { DEFAULT_RETENTION_DAYS } from '../server/store/sites.ts'
import { pagePath } from './request-pool.ts'

export interface SeedOptions {
  domain: string
  events: number
  days: number
  pages: number
  /** End of the seeded range (ms); events are spread over the `days` before it. */
  now: number
}

/** Referrer URLs with weights; ~45% of visits come without one (direct). */
const REFERRERS: Array<[string, number]> = [
  ['https://www.google.com/search?q=x', 300],
  ['https://www.bing.com/', 40],
  ['https://duckduckgo.com/', 35],
  ['https://news.ycombinator.com/item?id=1', 25],
  ['https://www.reddit.com/r/webdev/', 25],
  ['https://t.co/abc', 25],
  ['https://www.facebook.com/', 20],
  ['https://github.com/org/repo', 20],
  ['https://www.linkedin.com/feed/', 15],
  ['https://search.brave.com/', 10],
  ['https://www.ecosia.org/', 8],
  ['https://yandex.ru/', 8],
  ['https://www.baidu.com/', 5],
  ['android-app://com.google.android.gm/', 5],
  ['https://l.instagram.com/', 5],
  ['https://www.youtube.com/', 5],
]

const UTM_QUERIES = [
  'utm_source=newsletter&utm_medium=email&utm_campaign=spring-launch',
  'utm_source=newsletter&utm_medium=email&utm_campaign=weekly-digest',
  'utm_source=twitter&utm_medium=social&utm_campaign=launch-week',
  'utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=web+analytics&utm_content=ad-1',
  'utm_source=google&utm_medium=cpc&utm_campaign=generic&utm_term=privacy+analytics&utm_content=ad-2',
  'utm_source=producthunt&utm_medium=referral&utm_campaign=launch',
  'utm_source=partner-blog&utm_medium=referral',
]

/** ISO codes weighted roughly like a global English-language site's audience. */
const COUNTRIES: Array<[string, number]> = [
  ['US', 280],
  ['DE', 80],
  ['GB', 70],
  ['IN', 60],
  ['FR', 45],
  ['CA', 40],
  ['NL', 30],
  ['BR', 30],
  ['AU', 25],
  ['ES', 22],
  ['IT', 22],
  ['PL', 18],
  ['SE', 15],
  ['JP', 15],
  ['CH', 12],
  ['AT', 10],
  ['BE', 10],
  ['DK', 8],
  ['NO', 8],
  ['FI', 8],
  ['IE', 8],
  ['PT', 7],
  ['CZ', 7],
  ['RO', 6],
  ['UA', 6],
  ['MX', 6],
  ['AR', 5],
  ['TR', 5],
  ['ID', 5],
  ['SG', 5],
  ['KR', 5],
  ['ZA', 4],
  ['NG', 4],
  ['PH', 4],
  ['VN', 4],
  ['IL', 4],
  ['NZ', 4],
  ['GR', 3],
  ['HU', 3],
  ['CL', 3],
  ['CO', 3],
  ['EG', 2],
  ['PK', 2],
  ['BD', 2],
  ['TH', 2],
  ['MY', 2],
  ['KE', 2],
  ['HK', 2],
  ['TW', 2],
  ['', 6],
]

/** Repeats each value by its weight, so a uniform pick from the result is a weighted pick. */
function expand<T>(pairs: ReadonlyArray<readonly [T, number]>): T[] {
  return pairs.flatMap(([v, w]) => Array.from({ length: w }, () => v))
}

const MOBILE_WIDTHS = [360, 390, 393, 412, 430]
const DESKTOP_WIDTHS = [1280, 1366, 1440, 1536, 1920, 2560]

/**
 * The value pools of the seed, made by the collector's own functions (page URL, referrer and
 * device parsing) so seeded rows hold exactly what ingested rows would.
 */
export function seedDimensions(o: SeedOptions) {
  const base = `https://${o.domain}`
  const hostname = parsePageUrl(`${base}/`, false).hostname
  const pages = Array.from({ length: o.pages }, (_, i) => parsePageUrl(`${base}${pagePath(i)}`, false).path)
  const head = expand(REFERRERS).map((u) => parseReferrer(u, hostname))
  const tail = Array.from({ length: 3000 }, (_, i) =>
    parseReferrer(`https://blog-${i}.example.org/p/${i}`, hostname),
  )
  const utms = UTM_QUERIES.map((q) => {
    const { utm } = parsePageUrl(`${base}/?${q}`, false)
    return { ...utm, sourceFromUtm: sourceFromUtm(utm.source) }
  })
  const agents = createRequire(import.meta.url)('top-user-agents') as string[]
  // top-user-agents is ordered by share: weight by rank.
  const devices = expand(
    agents.flatMap((ua, rank): Array<[ReturnType<typeof parseDevice> & { width: number }, number]> => {
      const mobile = /Mobile|Android|iPhone/.test(ua)
      const widths = mobile ? MOBILE_WIDTHS : DESKTOP_WIDTHS
      const weight = Math.max(1, Math.round(40 / (1 + rank / 4)))
      return widths.map((width) => [{ ...parseDevice(ua, () => null, width), width }, weight])
    }),
  )
  return { hostname, pages, head, tail, utms, countries: expand(COUNTRIES), devices }
}

type Dimensions = ReturnType<typeof seedDimensions>

/** The bound parameters of {@link SEED_SQL}: one array per column of each value pool. */
export function seedParams(o: SeedOptions, d: Dimensions): Record<string, unknown> {
  const pluck = <T, K extends keyof T>(list: readonly T[], key: K) => list.map((x) => x[key])
  const spanMs = o.days * 86_400_000
  return {
    site: o.domain,
    hostname: d.hostname,
    n: o.events,
    // ~3.6 events per visit on average; a margin so the LIMIT, not the visits, ends the insert.
    visits: Math.ceil(o.events / 3) + 1000,
    t0: o.now - spanMs,
    span: spanMs,
    now: o.now,
    retention: DEFAULT_RETENTION_DAYS,
    pages: d.pages,
    head_ref: pluck(d.head, 'referrer'),
    head_src: pluck(d.head, 'source'),
    tail_ref: pluck(d.tail, 'referrer'),
    tail_src: pluck(d.tail, 'source'),
    utm_source: d.utms.map((u) => u.source),
    utm_medium: d.utms.map((u) => u.medium),
    utm_campaign: d.utms.map((u) => u.campaign),
    utm_term: d.utms.map((u) => u.term),
    utm_content: d.utms.map((u) => u.content),
    utm_src: d.utms.map((u) => u.sourceFromUtm),
    countries: d.countries,
    dev_device: pluck(d.devices, 'device'),
    dev_browser: pluck(d.devices, 'browser'),
    dev_bv: pluck(d.devices, 'browserVersion'),
    dev_os: pluck(d.devices, 'os'),
    dev_ov: pluck(d.devices, 'osVersion'),
    dev_width: pluck(d.devices, 'width'),
  }
}

/**
 * Generates visits with ClickHouse itself (`numbers()`), then one row per event, shaped as the
 * collector writes them. Per visit: a random visitor id (ids never span a UTC day, like the
 * daily salt), a start time uniform over the range but kept inside its UTC day, 1-4 pageviews
 * (35% single-page), an engagement event after 60% of the pageviews, a custom event with props
 * in 5% of visits. The landing page's events carry the referrer (45% direct, a head of real
 * search/social hosts and a long tail of blogs) and, in 8% of visits, UTM tags; later pages
 * have an internal referrer, which the collector stores as ''. Pages, countries and devices are
 * long-tailed/weighted pools from {@link seedDimensions}.
 */
export const SEED_SQL = `
INSERT INTO events (site_id, ts, visitor, name, hostname, path, referrer, source, utm_source, utm_medium,
  utm_campaign, utm_term, utm_content, country, device, browser, browser_version, os, os_version, width,
  interactive, engaged_ms, scroll_depth, props, retention_days)
SELECT
  {site:String}, fromUnixTimestamp64Milli(ts_ms, 'UTC'), visitor, name, {hostname:String},
  {pages:Array(String)}[page + 1],
  if(landing, ref, ''), if(landing, src, ''),
  if(landing AND u >= 0, {utm_source:Array(String)}[u + 1], ''),
  if(landing AND u >= 0, {utm_medium:Array(String)}[u + 1], ''),
  if(landing AND u >= 0, {utm_campaign:Array(String)}[u + 1], ''),
  if(landing AND u >= 0, {utm_term:Array(String)}[u + 1], ''),
  if(landing AND u >= 0, {utm_content:Array(String)}[u + 1], ''),
  {countries:Array(String)}[c + 1],
  {dev_device:Array(String)}[dv + 1], {dev_browser:Array(String)}[dv + 1], {dev_bv:Array(String)}[dv + 1],
  {dev_os:Array(String)}[dv + 1], {dev_ov:Array(String)}[dv + 1], {dev_width:Array(UInt16)}[dv + 1],
  toUInt8(name != 'engagement'),
  toUInt32(if(name = 'engagement', 1000 + cityHash64(v, slot, 'e') % 120000, 0)),
  toUInt8(if(name = 'engagement', cityHash64(v, slot, 'sd') % 101, 0)),
  mapFromArrays(
    multiIf(name = 'Signup', ['plan'], name = 'Download', ['file', 'version'],
      name = 'Outbound Link: Click', ['url'], []::Array(String)),
    multiIf(name = 'Signup', [if(cityHash64(v, 'plan') % 10 < 7, 'free', 'pro')],
      name = 'Download', [concat('release-', toString(cityHash64(v, 'f') % 20), '.zip'), toString(1 + cityHash64(v, 'fv') % 5)],
      name = 'Outbound Link: Click', [concat('https://github.com/org/repo-', toString(cityHash64(v, 'o') % 50))],
      []::Array(String))),
  {retention:UInt16}
FROM (
  SELECT v, visitor, slot, pv, landing, ref, src, u, c, dv,
    multiIf(slot = 2 * pv, ['Signup', 'Download', 'Outbound Link: Click', 'Newsletter'][1 + cityHash64(v, 'cn') % 4],
      slot % 2 = 0, 'pageview', 'engagement') AS name,
    if(page_j = 0, entry, toUInt32(floor(pow(length({pages:Array(String)}), (cityHash64(v, page_j, 'pg') % 1000000) / 1e6)) - 1)) AS page,
    start + page_j * step + multiIf(slot = 2 * pv, 5000, slot % 2 = 1, 500 + cityHash64(v, slot, 'dw') % (step - 1000), 0) AS ts_ms,
    multiIf(slot = 2 * pv, cityHash64(v, 'ck') % 100 < 5, slot % 2 = 1, cityHash64(v, slot, 'ek') % 100 < 60, 1) AS keep
  FROM (
    SELECT v, visitor, start, step, pv, entry, ref, src, u, c, dv, slot,
      if(slot = 2 * pv, toUInt32(cityHash64(v, 'cp') % pv), intDiv(slot, 2)) AS page_j,
      page_j = 0 AS landing
    FROM (
      SELECT number AS v,
        cityHash64(number, 'visitor') AS visitor,
        {t0:Int64} + toInt64(cityHash64(number, 't') % {span:Int64}) AS raw,
        raw - if(raw % 86400000 > 84600000, 1800000, 0) AS start,
        toInt64(20000 + cityHash64(number, 'st') % 180000) AS step,
        multiIf(cityHash64(number, 'pv') % 100 < 35, 1, cityHash64(number, 'pv') % 100 < 60, 2,
          cityHash64(number, 'pv') % 100 < 82, 3, 4) AS pv,
        toUInt32(floor(pow(length({pages:Array(String)}), (cityHash64(number, 'en') % 1000000) / 1e6)) - 1) AS entry,
        cityHash64(number, 'rf') % 100 AS rk,
        multiIf(rk < 45, '', rk < 85, {head_ref:Array(String)}[1 + cityHash64(number, 'rh') % length({head_ref:Array(String)})],
          {tail_ref:Array(String)}[1 + toUInt32(floor(pow(length({tail_ref:Array(String)}), (cityHash64(number, 'rt') % 1000000) / 1e6)) - 1)]) AS ref0,
        multiIf(rk < 45, '', rk < 85, {head_src:Array(String)}[1 + cityHash64(number, 'rh') % length({head_src:Array(String)})],
          {tail_src:Array(String)}[1 + toUInt32(floor(pow(length({tail_src:Array(String)}), (cityHash64(number, 'rt') % 1000000) / 1e6)) - 1)]) AS src0,
        if(cityHash64(number, 'ut') % 100 < 8, toInt64(cityHash64(number, 'uu') % length({utm_source:Array(String)})), -1) AS u,
        ref0 AS ref,
        if(src0 = '' AND u >= 0, {utm_src:Array(String)}[u + 1], src0) AS src,
        cityHash64(number, 'co') % length({countries:Array(String)}) AS c,
        cityHash64(number, 'dv') % length({dev_device:Array(String)}) AS dv,
        arrayJoin(range(toUInt64(2 * pv + 1))) AS slot
      FROM numbers({visits:UInt64})
    )
  )
)
WHERE keep AND ts_ms <= {now:Int64}
LIMIT {n:UInt64}`

/**
 * Seeds `o.events` rows for `o.domain` and returns how long the insert took.
 *
 * @example
 * await seedEvents(ch, { domain: 'bench.example', events: 10_000_000, days: 30, pages: 3000, now: Date.now() })
 */
export async function seedEvents(ch: Ch, o: SeedOptions): Promise<number> {
  const t0 = performance.now()
  await ch.command(SEED_SQL, seedParams(o, seedDimensions(o)), {
    max_insert_threads: 2,
    max_threads: 2,
  })
  return performance.now() - t0
}
