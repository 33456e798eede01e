import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { csvField, toCsv } from '../../server/stats/export.ts'
import { emptyRaw, metricChange, metricValue, parseMetrics, type Raw } from '../../server/stats/metrics.ts'
import { bucketCountOk, bucketLabels, foldAndSort } from '../../server/stats/reports.ts'

const raw = (over: Partial<Raw>): Raw => ({ ...emptyRaw(), ...over })

describe('metrics', () => {
  it('parses and de-duplicates the allow-list, defaulting to visitors', () => {
    expect(parseMetrics(undefined)).toEqual(['visitors'])
    expect(parseMetrics('pageviews, visitors,pageviews')).toEqual(['pageviews', 'visitors'])
    expect(() => parseMetrics('visitors,conversion_rate')).toThrow('metrics: "conversion_rate" is not one of')
  })

  it('derives rates from sums, rounded like Plausible', () => {
    const r = raw({
      visits: 3,
      bounces: 1,
      duration: 100_500,
      visitPageviews: 4,
      pageviews: 4,
      engagedMs: 9_000,
      engagements: 2,
      scrollSum: 145,
      scrollN: 2,
    })
    expect(metricValue('bounce_rate', r)).toBe(33)
    expect(metricValue('visit_duration', r)).toBe(34)
    expect(metricValue('views_per_visit', r)).toBe(1.33)
    expect(metricValue('time_on_page', r)).toBe(2)
    expect(metricValue('scroll_depth', r)).toBe(73)
  })

  it('is 0 or null without data', () => {
    const r = emptyRaw()
    expect(metricValue('bounce_rate', r)).toBe(0)
    expect(metricValue('visit_duration', r)).toBe(0)
    expect(metricValue('scroll_depth', r)).toBeNull()
    expect(metricValue('time_on_page', raw({ pageviews: 3 }))).toBeNull()
  })

  it('change is a percentage, in points for bounce rate, 100 from zero', () => {
    expect(metricChange('visitors', 3, 2)).toBe(50)
    expect(metricChange('visitors', 0, 0)).toBe(0)
    expect(metricChange('visitors', 5, 0)).toBe(100)
    expect(metricChange('pageviews', 1, 4)).toBe(-75)
    expect(metricChange('bounce_rate', 40, 55)).toBe(-15)
    expect(metricChange('scroll_depth', 40, null)).toBeNull()
  })
})

describe('foldAndSort', () => {
  const groups = new Map<string, Raw>([
    ['/b', raw({ visitors: 1, pageviews: 2 })],
    ['/a', raw({ visitors: 5, pageviews: 5 })],
    ['/c', raw({ visitors: 2, pageviews: 2 })],
    ['/d', raw({ visitors: 2, pageviews: 9 })],
    ['/engaged-only', raw({ engagedMs: 10 })],
  ])

  it('sorts by the first metric, then value, and drops empty groups', () => {
    expect(foldAndSort(groups, 0, 'visitors').map((r) => r.value)).toEqual(['/a', '/c', '/d', '/b'])
    expect(foldAndSort(groups, 0, 'pageviews').map((r) => r.value)).toEqual(['/d', '/a', '/b', '/c'])
  })

  it('folds groups under k visitors into (other), last, keeping the sums', () => {
    const rows = foldAndSort(groups, 3, 'visitors')
    expect(rows.map((r) => [r.value, r.raw.visitors, r.raw.pageviews])).toEqual([
      ['/a', 5, 5],
      ['(other)', 5, 13],
    ])
  })
})

describe('timeseries buckets', () => {
  it('labels every bucket of the range', () => {
    expect(bucketLabels({ first: '2026-11-16', last: '2026-11-17' }, 'date')).toEqual([
      '2026-11-16',
      '2026-11-17',
    ])
    const hours = bucketLabels({ first: '2026-11-17', last: '2026-11-17' }, 'hour')
    expect(hours).toHaveLength(24)
    expect([hours[0], hours[23]]).toEqual(['2026-11-17 00:00:00', '2026-11-17 23:00:00'])
    expect(bucketLabels({ first: '2026-11-10', last: '2026-11-23' }, 'week')).toEqual([
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
    ])
    expect(bucketLabels({ first: '2026-10-15', last: '2027-01-02' }, 'month')).toEqual([
      '2026-10-01',
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
    ])
  })

  it('refuses hourly buckets over a year', () => {
    expect(bucketCountOk({ first: '2026-01-01', last: '2026-03-31' }, 'hour')).toBe(true)
    expect(bucketCountOk({ first: '2025-01-01', last: '2026-12-31' }, 'hour')).toBe(false)
    expect(bucketCountOk({ first: '2020-01-01', last: '2026-12-31' }, 'date')).toBe(true)
  })
})

describe('CSV export', () => {
  it('quotes separators and neutralises spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvField('+31 6')).toBe("'+31 6")
    expect(csvField(-5)).toBe('-5')
    expect(csvField(null)).toBe('')
    expect(toCsv(['name', 'visitors'], [['/', 2]])).toBe('name,visitors\r\n/,2\r\n')
  })

  it('round-trips through fflate', () => {
    const zip = zipSync({ 'a.csv': strToU8(toCsv(['x'], [['é']])) })
    expect(strFromU8(unzipSync(zip)['a.csv']!)).toBe('x\r\né\r\n')
  })
})
