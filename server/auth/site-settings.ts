import { normalizeDomain } from '../collect/site.ts'
import type { Site } from '../collect/types.ts'
import { isTimeZone, MAX_RETENTION_DAYS } from '../store/sites.ts'

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
const HOST_PATTERN =
  /^(\*\.)?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
const POLICIES = ['drop', 'keep', 'default'] as const
export const MAX_ALLOWED_HOSTNAMES = 100

export type SiteSettings = Omit<Site, 'domain'>
type Result<T> = { ok: true; value: T } | { ok: false; error: string }

/**
 * A site domain from user input (`WWW.Example.com` -> `example.com`), or a message.
 *
 * @example
 * parseDomain(' Example.com ') // { ok: true, value: 'example.com' }
 */
export function parseDomain(raw: unknown): Result<string> {
  if (typeof raw !== 'string') return { ok: false, error: 'domain must be a string such as example.com' }
  const domain = normalizeDomain(raw)
  if (!DOMAIN.test(domain))
    return { ok: false, error: `domain: "${raw.slice(0, 100)}" is not a domain such as example.com` }
  return { ok: true, value: domain }
}

function int(field: string, v: unknown, min: number, max: number): Result<number> {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return { ok: false, error: `${field} must be a whole number from ${min} to ${max}` }
  }
  return { ok: true, value: v }
}

type Check = (v: unknown) => Result<unknown>

const CHECKS: Record<keyof SiteSettings, Check> = {
  name: (v) =>
    typeof v === 'string' && v.trim().length >= 1 && v.trim().length <= 100
      ? { ok: true, value: v.trim() }
      : { ok: false, error: 'name must be 1 to 100 characters' },
  timezone: (v) =>
    typeof v === 'string' && v.length <= 64 && isTimeZone(v)
      ? { ok: true, value: v }
      : { ok: false, error: 'timezone must be an IANA time zone such as Europe/Amsterdam' },
  retentionDays: (v) => int('retentionDays', v, 1, MAX_RETENTION_DAYS),
  kBreakdown: (v) => int('kBreakdown', v, 0, 1000),
  kHeatmap: (v) => int('kHeatmap', v, 0, 1000),
  gpcPolicy: (v) => policy('gpcPolicy', v),
  dntPolicy: (v) => policy('dntPolicy', v),
  allowFraming: (v) =>
    typeof v === 'boolean'
      ? { ok: true, value: v }
      : { ok: false, error: 'allowFraming must be true or false' },
  allowedHostnames: (v) => {
    if (!Array.isArray(v) || v.length > MAX_ALLOWED_HOSTNAMES) {
      return {
        ok: false,
        error: `allowedHostnames must be a list of at most ${MAX_ALLOWED_HOSTNAMES} hostnames`,
      }
    }
    const out: string[] = []
    for (const h of v) {
      const host = typeof h === 'string' ? h.trim().toLowerCase().replace(/\.$/, '') : ''
      if (!HOST_PATTERN.test(host)) {
        return {
          ok: false,
          error: `allowedHostnames: "${String(h).slice(0, 100)}" is not a hostname such as shop.example.com or *.example.com`,
        }
      }
      if (!out.includes(host)) out.push(host)
    }
    return { ok: true, value: out }
  },
}

function policy(field: string, v: unknown): Result<Site['gpcPolicy']> {
  return typeof v === 'string' && (POLICIES as readonly string[]).includes(v)
    ? { ok: true, value: v as Site['gpcPolicy'] }
    : { ok: false, error: `${field} must be one of ${POLICIES.join(', ')}` }
}

/**
 * Validates a PATCH body of site settings: only known fields, each in range. Returns the
 * changed fields, or the first problem as a message naming the field.
 *
 * @example
 * parseSettings({ timezone: 'Europe/Amsterdam', kHeatmap: 5 })
 * // { ok: true, value: { timezone: 'Europe/Amsterdam', kHeatmap: 5 } }
 */
export function parseSettings(body: Record<string, unknown>): Result<Partial<SiteSettings>> {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(body)) {
    if (field === 'domain') {
      if (value === undefined) continue
      return { ok: false, error: 'domain cannot be changed; add a new site instead' }
    }
    const check = Object.hasOwn(CHECKS, field) ? CHECKS[field as keyof SiteSettings] : undefined
    if (!check)
      return {
        ok: false,
        error: `unknown field "${field.slice(0, 50)}"; allowed: ${Object.keys(CHECKS).join(', ')}`,
      }
    const r = check(value)
    if (!r.ok) return r
    out[field] = r.value
  }
  return { ok: true, value: out as Partial<SiteSettings> }
}

/** The JSON shape of a site in the dashboard API. */
export function siteJson(site: Site): Site {
  return {
    domain: site.domain,
    name: site.name,
    timezone: site.timezone,
    retentionDays: site.retentionDays,
    allowedHostnames: site.allowedHostnames,
    kBreakdown: site.kBreakdown,
    kHeatmap: site.kHeatmap,
    gpcPolicy: site.gpcPolicy,
    dntPolicy: site.dntPolicy,
    allowFraming: site.allowFraming,
  }
}

/** The `<script>` tag to paste; the domain is validated, so it needs no escaping. */
export function snippet(publicUrl: string, domain: string): string {
  return `<script defer data-domain="${domain}" src="${publicUrl}/js/script.js"></script>`
}
