import { describe, expect, it } from 'vitest'
import { bucketLabel } from '../../dashboard/src/components/chart.tsx'
import { rowKey } from '../../dashboard/src/components/panels.ts'
import { countryName, flag } from '../../dashboard/src/lib/countries.ts'
import { csvField, toCsv } from '../../dashboard/src/lib/csv.ts'
import { parseFilters, serializeFilters, withFilter } from '../../dashboard/src/lib/filters.ts'
import { formatChange, formatDuration, formatMetric } from '../../dashboard/src/lib/format.ts'
import {
  addDays,
  intervalsFor,
  previousRange,
  rangeDays,
  rangeLabel,
  todayIn,
} from '../../dashboard/src/lib/period.ts'
import { readView, statsParams, writeView } from '../../dashboard/src/lib/view.ts'

describe('dashboard filters', () => {
  it('round-trips Plausible filter syntax, escaping the value separator', () => {
    const filters = [
      { property: 'visit:source', negated: false, value: 'Google' },
      { property: 'event:page', negated: true, value: '/a|b' },
      { property: 'event:props:plan', negated: false, value: '<script>' },
    ]
    const text = serializeFilters(filters)
    expect(text).toBe('visit:source==Google;event:page!=/a\\|b;event:props:plan==<script>')
    expect(parseFilters(text)).toEqual(filters)
  })

  it('turns a ; inside a value into the one-character wildcard, since ; always separates filters', () => {
    expect(serializeFilters([{ property: 'event:page', negated: false, value: '/a;b' }])).toBe(
      'event:page==/a*b',
    )
  })

  it('skips malformed parts and unknown property shapes instead of failing the view', () => {
    expect(parseFilters('nonsense;visit:os==Linux;visit:browser==;x==1')).toEqual([
      { property: 'visit:os', negated: false, value: 'Linux' },
    ])
  })

  it('replaces a filter on the same property and keeps the others', () => {
    const one = withFilter([], { property: 'visit:os', negated: false, value: 'Linux' })
    const two = withFilter(one, { property: 'visit:browser', negated: false, value: 'Firefox' })
    const three = withFilter(two, { property: 'visit:os', negated: false, value: 'Mac' })
    expect(three.map((f) => f.value)).toEqual(['Firefox', 'Mac'])
  })
})

describe('dashboard periods', () => {
  it('computes the days of each preset as the Stats API does', () => {
    const today = '2026-03-10'
    expect(rangeDays({ period: 'day', date: '' }, today)).toEqual([today, today])
    expect(rangeDays({ period: '7d', date: '' }, today)).toEqual(['2026-03-04', today])
    expect(rangeDays({ period: '30d', date: '' }, today)).toEqual(['2026-02-09', today])
    expect(rangeDays({ period: 'month', date: '2026-02-14' }, today)).toEqual(['2026-02-01', '2026-02-28'])
    expect(rangeDays({ period: '6mo', date: '' }, today)).toEqual(['2025-10-01', '2026-03-31'])
    expect(rangeDays({ period: 'custom', date: '2026-01-05,2026-01-01' }, today)).toEqual([
      '2026-01-01',
      '2026-01-05',
    ])
  })

  it('compares with the equally long range that ends the day before', () => {
    expect(previousRange({ period: '7d', date: '' }, '2026-03-10')).toEqual({
      period: 'custom',
      date: '2026-02-25,2026-03-03',
    })
    expect(previousRange({ period: 'day', date: '2026-03-01' }, '2026-03-10').date).toBe(
      '2026-02-28,2026-02-28',
    )
  })

  it('labels ranges the way the picker names them', () => {
    const today = '2026-03-10'
    expect(rangeLabel({ period: 'day', date: '' }, today)).toBe('Today')
    expect(rangeLabel({ period: 'day', date: addDays(today, -1) }, today)).toBe('Yesterday')
    expect(rangeLabel({ period: 'month', date: '2026-02-01' }, today)).toBe('February 2026')
    expect(rangeLabel({ period: 'custom', date: '2026-01-01,2026-01-31' }, today)).toBe('Jan 1 – Jan 31')
  })

  it('offers only intervals that fit the range', () => {
    expect(intervalsFor({ period: 'day', date: '' }, '2026-03-10')).toEqual(['hour'])
    expect(intervalsFor({ period: '12mo', date: '' }, '2026-03-10')).toEqual(['date', 'week', 'month'])
  })

  it("reads today's date in the site's time zone", () => {
    const t = Date.UTC(2026, 0, 1, 23, 30)
    expect(todayIn('UTC', t)).toBe('2026-01-01')
    expect(todayIn('Asia/Tokyo', t)).toBe('2026-01-02')
  })
})

describe('dashboard view URL', () => {
  it('keeps period, filters, compare, interval and metric in the query and back', () => {
    const q = new URLSearchParams(
      'period=custom&date=2026-01-01,2026-01-31&filters=visit:source==Google&compare=previous_period&interval=week&metric=pageviews',
    )
    const view = readView(q)
    expect(view).toEqual({
      range: { period: 'custom', date: '2026-01-01,2026-01-31' },
      filters: [{ property: 'visit:source', negated: false, value: 'Google' }],
      compare: true,
      interval: 'week',
      metric: 'pageviews',
    })
    expect(readView(writeView(view))).toEqual(view)
    expect(statsParams('example.com', view)).toEqual({
      site_id: 'example.com',
      period: 'custom',
      date: '2026-01-01,2026-01-31',
      filters: 'visit:source==Google',
    })
  })

  it('falls back to 30 days for unknown or incomplete periods', () => {
    expect(readView(new URLSearchParams('period=forever')).range).toEqual({ period: '30d', date: '' })
    expect(readView(new URLSearchParams('period=custom&date=2026-01-01')).range).toEqual({
      period: '30d',
      date: '',
    })
  })
})

describe('dashboard formatting', () => {
  it('formats counts, durations, percents and changes', () => {
    expect(formatMetric(1234, 'count')).toBe('1,234')
    expect(formatMetric(45_600, 'count')).toBe('45.6K')
    expect(formatDuration(125)).toBe('2m 5s')
    expect(formatDuration(3725)).toBe('1h 2m')
    expect(formatMetric(42.4, 'percent')).toBe('42%')
    expect(formatMetric(null, 'ratio')).toBe('—')
    expect(formatChange(12.3)).toBe('↑ 12%')
    expect(formatChange(-5)).toBe('↓ 5%')
  })

  it('writes CSV per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(
      toCsv([
        ['a', 1],
        ['b', 2],
      ]),
    ).toBe('a,1\r\nb,2\r\n')
  })

  it('shows countries as flag and English name', () => {
    expect(flag('de')).toBe('🇩🇪')
    expect(countryName('FR')).toBe('France')
    expect(countryName('')).toBe('Unknown')
  })

  it('reads breakdown rows by the property key and shortens chart buckets', () => {
    expect(rowKey('visit:source')).toBe('source')
    expect(rowKey('event:props:plan')).toBe('plan')
    expect(bucketLabel('2026-01-02 13:00:00', 'hour')).toBe('13:00')
    expect(bucketLabel('2026-01-02', 'date')).toBe('Jan 2')
    expect(bucketLabel('2026-01-01', 'month')).toBe('Jan 2026')
  })
})
