import { isBotRequest } from './bots.ts'
import { widthBucket } from './clicks.ts'
import { parsePageUrl } from './page-url.ts'
import { privacySignal } from './privacy-signals.ts'
import { parseReferrer, sourceFromUtm } from './referrer.ts'
import { candidateDomains, hostnameAllowed, normalizeDomain } from './site.ts'
import { isSpamReferrer } from './spam.ts'
import type { ClickRow, DropReason, EventRow, HeaderGetter, Site, WireEvent } from './types.ts'
import { parseDevice } from './user-agent.ts'
import { type KeyedHash64, visitorId } from './visitor-id.ts'

/** Everything about one request that the pipeline may use; it goes out of scope with the request. */
export interface RequestFacts {
  ip: string
  userAgent: string
  header: HeaderGetter
  country: string
  now: number
  /** Today's (UTC) salt. */
  salt: Uint8Array
  /** The visitor id's keyed hash, when the runtime has a faster one than the default. */
  hash?: KeyedHash64
}

export interface CollectPolicy {
  gpc: 'drop' | 'keep'
  dnt: 'drop' | 'keep'
}

export interface Collected {
  events: EventRow[]
  clicks: ClickRow[]
  dropped: DropReason[]
}

function findSite(d: string, sites: ReadonlyMap<string, Site>): Site | undefined {
  for (const domain of candidateDomains(d)) {
    const site = sites.get(normalizeDomain(domain))
    if (site) return site
  }
  return undefined
}

function propsToStrings(p: WireEvent['p']): Record<string, string> {
  const out: Record<string, string> = {}
  if (p) for (const [k, v] of Object.entries(p)) out[k] = String(v)
  return out
}

function interactive(e: WireEvent): number {
  if (e.n === 'pageview') return 1
  if (e.n === 'engagement') return 0
  return e.i === false ? 0 : 1
}

/**
 * Turns validated wire events into anonymous rows. Pure: the request facts come in, rows and
 * drop reasons go out; nothing here keeps the IP or the user agent.
 *
 * @example
 * const { events, clicks, dropped } = collect(wire, sites, facts, { gpc: 'drop', dnt: 'keep' })
 */
export function collect(
  wire: readonly WireEvent[],
  sites: ReadonlyMap<string, Site>,
  facts: RequestFacts,
  defaults: CollectPolicy,
): Collected {
  const out: Collected = { events: [], clicks: [], dropped: [] }
  const bot = isBotRequest(facts.userAgent, facts.header)
  const visitors = new Map<string, string>()
  for (const e of wire) {
    const site = findSite(e.d, sites)
    if (!site) {
      out.dropped.push('unknown-site')
      continue
    }
    const page = parsePageUrl(e.u, e.h === true)
    const ref = parseReferrer(e.r, page.hostname)
    const reason = dropReason(site, page.hostname, ref.referrer, bot, facts, defaults)
    if (reason) {
      out.dropped.push(reason)
      continue
    }
    let visitor = visitors.get(site.domain)
    if (!visitor) {
      visitor = visitorId(facts.salt, site.domain, facts.ip, facts.userAgent, facts.hash)
      visitors.set(site.domain, visitor)
    }
    const device = parseDevice(facts.userAgent, facts.header, e.w)
    out.events.push({
      site_id: site.domain,
      ts: facts.now,
      visitor,
      name: e.n,
      hostname: page.hostname,
      path: page.path,
      referrer: ref.referrer,
      // As in Plausible, a tagged link (utm_source) names the source even when a referrer came along.
      source: page.utm.source ? sourceFromUtm(page.utm.source) : ref.source,
      utm_source: page.utm.source,
      utm_medium: page.utm.medium,
      utm_campaign: page.utm.campaign,
      utm_term: page.utm.term,
      utm_content: page.utm.content,
      country: facts.country,
      device: device.device,
      browser: device.browser,
      browser_version: device.browserVersion,
      os: device.os,
      os_version: device.osVersion,
      width: e.w ?? 0,
      interactive: interactive(e),
      engaged_ms: e.n === 'engagement' ? (e.e ?? 0) : 0,
      scroll_depth: e.n === 'engagement' ? Math.round(e.sd ?? 0) : 0,
      props: propsToStrings(e.p),
      retention_days: site.retentionDays,
    })
    if (e.c && e.c.length > 0) {
      const day = new Date(facts.now).toISOString().slice(0, 10)
      const bucket = widthBucket(e.w)
      for (const [x, y, flags] of e.c) {
        out.clicks.push({
          site_id: site.domain,
          day,
          path: page.path,
          width_bucket: bucket,
          x,
          y,
          rage: flags & 1,
          clicks: 1,
          retention_days: site.retentionDays,
        })
      }
    }
  }
  return out
}

function dropReason(
  site: Site,
  hostname: string,
  referrerHost: string,
  bot: boolean,
  facts: RequestFacts,
  defaults: CollectPolicy,
): DropReason | null {
  if (!hostnameAllowed(site.allowedHostnames, hostname)) return 'hostname'
  if (bot) return 'bot'
  const policy = {
    gpc: site.gpcPolicy === 'default' ? defaults.gpc : site.gpcPolicy,
    dnt: site.dntPolicy === 'default' ? defaults.dnt : site.dntPolicy,
  }
  const signal = privacySignal(facts.header, policy)
  if (signal) return signal
  if (referrerHost && isSpamReferrer(referrerHost)) return 'spam'
  return null
}
