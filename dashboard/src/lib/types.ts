/** Shapes of the server's JSON answers (see the contracts in the project brief). */

export type Role = 'owner' | 'viewer' | 'admin' | 'share'
export type PrivacyPolicy = 'drop' | 'keep' | 'default'

export interface SiteSummary {
  domain: string
  name: string
  timezone: string
  role: Role
}

export interface SiteSettings {
  domain: string
  name: string
  timezone: string
  retentionDays: number
  allowedHostnames: string[]
  kBreakdown: number
  kHeatmap: number
  gpcPolicy: PrivacyPolicy
  dntPolicy: PrivacyPolicy
  allowFraming: boolean
}

export interface SiteDetail {
  site: SiteSettings
  role: Role
  snippet: string
}

export interface Share {
  id: string
  url: string
  hasPassword: boolean
  createdAt: string | number
}

export interface Member {
  userId: string
  email: string
  role: 'owner' | 'viewer'
}

export interface ApiKey {
  id: string
  name: string
  sites: string[]
  createdAt: string | number
}

export interface MetricValue {
  value: number | null
  change?: number | null
  comparison_value?: number | null
}

export type AggregateResults = Record<string, MetricValue>

export type Row = Record<string, string | number | null>

export interface HeatmapResults {
  cells: Array<[number, number, number]>
  rage: Array<[number, number, number]>
  pageviews: number
  scroll: Array<{ depth: number; visitors: number }>
  suppressed: number
  k: number
}
