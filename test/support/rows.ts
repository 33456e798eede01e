import type { ClickRow, EventRow } from '../../server/collect/types.ts'

let seq = 0

/** A valid events row, for store-level tests that bypass ingest. */
export function eventRow(over: Partial<EventRow> = {}): EventRow {
  seq += 1
  return {
    site_id: 'example.com',
    ts: Date.parse('2026-11-25T12:00:00Z') + seq,
    visitor: String(1000 + seq),
    name: 'pageview',
    hostname: 'example.com',
    path: `/p/${seq}`,
    referrer: '',
    source: '',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    country: 'NL',
    device: 'desktop',
    browser: 'Firefox',
    browser_version: '140',
    os: 'Linux',
    os_version: '',
    width: 1280,
    interactive: 1,
    engaged_ms: 0,
    scroll_depth: 0,
    props: {},
    retention_days: 762,
    ...over,
  }
}

export function clickRow(over: Partial<ClickRow> = {}): ClickRow {
  return {
    site_id: 'example.com',
    day: '2026-11-25',
    path: '/',
    width_bucket: 'desktop',
    x: 50,
    y: 100,
    rage: 0,
    clicks: 1,
    retention_days: 762,
    ...over,
  }
}
