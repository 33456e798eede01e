import type { Site } from '../collect/types.ts'
import type { Ch } from './client.ts'

export interface SiteRow {
  domain: string
  name: string
  timezone: string
  retention_days: number
  allowed_hostnames: string[]
  k_breakdown: number
  k_heatmap: number
  gpc_policy: string
  dnt_policy: string
  allow_framing: number
}

export const DEFAULT_RETENTION_DAYS = 762 // 25 months
/** TTL dates are DateTime (to 2106); 10,000 days keeps `ts + retention` far inside that range. */
export const MAX_RETENTION_DAYS = 10_000

function policy(v: string): Site['gpcPolicy'] {
  return v === 'drop' || v === 'keep' ? v : 'default'
}

export function rowToSite(r: SiteRow): Site {
  return {
    domain: r.domain,
    name: r.name || r.domain,
    timezone: r.timezone || 'UTC',
    retentionDays: r.retention_days || DEFAULT_RETENTION_DAYS,
    allowedHostnames: r.allowed_hostnames,
    kBreakdown: r.k_breakdown,
    kHeatmap: r.k_heatmap,
    gpcPolicy: policy(r.gpc_policy),
    dntPolicy: policy(r.dnt_policy),
    allowFraming: r.allow_framing === 1,
  }
}

export function siteToRow(s: Site): SiteRow {
  return {
    domain: s.domain,
    name: s.name,
    timezone: s.timezone,
    retention_days: s.retentionDays,
    allowed_hostnames: s.allowedHostnames,
    k_breakdown: s.kBreakdown,
    k_heatmap: s.kHeatmap,
    gpc_policy: s.gpcPolicy,
    dnt_policy: s.dntPolicy,
    allow_framing: s.allowFraming ? 1 : 0,
  }
}

/** Defaults for a newly registered site. */
export function newSite(domain: string, over: Partial<Site> = {}): Site {
  return {
    domain,
    name: domain,
    timezone: 'UTC',
    retentionDays: DEFAULT_RETENTION_DAYS,
    allowedHostnames: [],
    kBreakdown: 0,
    kHeatmap: 3,
    gpcPolicy: 'default',
    dntPolicy: 'default',
    allowFraming: false,
    ...over,
  }
}

/** Whether `tz` is an IANA zone the runtime knows (ClickHouse knows the same database). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** Every table holding a site's data or figures derived from it; live snapshots expire by TTL. */
const SITE_DATA_TABLES = [
  'events',
  'clicks',
  'sessions',
  'visit_rollup',
  'event_rollup',
  'quarter_rollup',
] as const

const SELECT_SITES = `SELECT domain, name, timezone, retention_days, allowed_hostnames, k_breakdown, k_heatmap,
  gpc_policy, dnt_policy, allow_framing FROM sites FINAL WHERE deleted = 0`

/**
 * Registered sites, cached in memory for `cacheMs` so ingest does not read ClickHouse per
 * request; a site added through another instance is seen within that time.
 *
 * @example
 * const sites = new SiteStore(ch, () => Date.now(), 10_000)
 * await sites.save(newSite('example.com'))
 * const site = await sites.get('example.com')
 */
export class SiteStore {
  private cache: Map<string, Site> | null = null
  private loadedAt = 0
  private loading: Promise<Map<string, Site>> | null = null

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
    private readonly cacheMs: number,
  ) {}

  private async load(): Promise<Map<string, Site>> {
    const rows = await this.ch.query<SiteRow>(SELECT_SITES)
    const map = new Map(rows.map((r) => [r.domain, rowToSite(r)]))
    this.cache = map
    this.loadedAt = this.now()
    return map
  }

  /** All sites, from the cache when it is fresh. */
  async all(): Promise<Map<string, Site>> {
    return this.cached() ?? this.reload()
  }

  /**
   * {@link all} without waiting, for the ingest hot path: the cached sites, or `null` before the
   * first load. A stale cache starts a reload and keeps ingest answering while it is in flight or
   * ClickHouse is away.
   */
  cached(): Map<string, Site> | null {
    if (this.cache && this.now() - this.loadedAt >= this.cacheMs) this.reload().catch(() => {})
    return this.cache
  }

  /** One load at a time, shared by every caller while it runs. */
  private reload(): Promise<Map<string, Site>> {
    this.loading ??= this.load().finally(() => (this.loading = null))
    return this.loading
  }

  async get(domain: string): Promise<Site | undefined> {
    return (await this.all()).get(domain)
  }

  async list(): Promise<Site[]> {
    await this.refresh()
    return [...(this.cache ?? new Map<string, Site>()).values()].sort((a, b) =>
      a.domain.localeCompare(b.domain),
    )
  }

  async refresh(): Promise<void> {
    await this.load()
  }

  /** Inserts or updates a site (a newer version replaces the older row on merge). */
  async save(site: Site): Promise<void> {
    await this.ch.insert('sites', [
      { ...siteToRow(site), created_at: Math.floor(this.now() / 1000), version: this.now(), deleted: 0 },
    ])
    await this.refresh()
  }

  /** Marks the site deleted and removes its events, clicks, stored visits and rollups. */
  async remove(domain: string): Promise<void> {
    const site = await this.get(domain)
    if (!site) return
    await this.ch.insert('sites', [
      { ...siteToRow(site), created_at: Math.floor(this.now() / 1000), version: this.now(), deleted: 1 },
    ])
    for (const table of SITE_DATA_TABLES) {
      await this.ch.command(`DELETE FROM ${table} WHERE site_id = {domain:String}`, { domain })
    }
    await this.refresh()
  }
}
