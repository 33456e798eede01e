/** Types shared by the collect pipeline and the store. */

/** One event as the tracker (or Plausible's script) posts it, after validation. */
export interface WireEvent {
  n: string
  u: string
  d: string
  r?: string | null
  p?: Record<string, string | number | boolean>
  h?: boolean
  i?: boolean
  sd?: number
  e?: number
  w?: number
  /** Click cells `[x 0-99, y multiple of 10, flags]`. */
  c?: Array<[number, number, number]>
}

/** Reads a request header, case-insensitively; `null` when absent. */
export type HeaderGetter = (name: string) => string | null | undefined

export type WidthBucket = 'mobile' | 'tablet' | 'desktop' | 'wide'

export type DropReason = 'bot' | 'unknown-site' | 'hostname' | 'gpc' | 'dnt' | 'spam' | 'rate'

export interface Site {
  domain: string
  name: string
  timezone: string
  retentionDays: number
  allowedHostnames: string[]
  kBreakdown: number
  kHeatmap: number
  gpcPolicy: 'drop' | 'keep' | 'default'
  dntPolicy: 'drop' | 'keep' | 'default'
  allowFraming: boolean
}

export interface DeviceInfo {
  browser: string
  browserVersion: string
  os: string
  osVersion: string
  device: 'desktop' | 'mobile' | 'tablet' | ''
}

export interface PageInfo {
  hostname: string
  path: string
  utm: { source: string; medium: string; campaign: string; term: string; content: string }
}

/** A row of the `events` table, as inserted with JSONEachRow. */
export interface EventRow {
  site_id: string
  /** Milliseconds since the epoch (DateTime64(3) accepts it). */
  ts: number
  /** UInt64 as a decimal string: JSON numbers lose precision past 2^53. */
  visitor: string
  name: string
  hostname: string
  path: string
  referrer: string
  source: string
  utm_source: string
  utm_medium: string
  utm_campaign: string
  utm_term: string
  utm_content: string
  country: string
  device: string
  browser: string
  browser_version: string
  os: string
  os_version: string
  width: number
  interactive: number
  engaged_ms: number
  scroll_depth: number
  props: Record<string, string>
  retention_days: number
}

/** A row of the `clicks` aggregate. */
export interface ClickRow {
  site_id: string
  /** `YYYY-MM-DD`, UTC. */
  day: string
  path: string
  width_bucket: WidthBucket
  x: number
  y: number
  rage: number
  clicks: number
  retention_days: number
}
