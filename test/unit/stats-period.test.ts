import { describe, expect, it } from 'vitest'
import { addMonths, isDate, localDate, startOfWeek, zonedMidnight } from '../../server/stats/dates.ts'
import { parseInterval, previousPeriod, resolvePeriod, toTimeRange } from '../../server/stats/period.ts'

describe('resolvePeriod', () => {
  const today = '2026-11-17'
  it.each([
    ['day', undefined, { first: '2026-11-17', last: '2026-11-17' }],
    ['day', '2026-02-28', { first: '2026-02-28', last: '2026-02-28' }],
    ['7d', undefined, { first: '2026-11-11', last: '2026-11-17' }],
    ['30d', '2026-03-01', { first: '2026-01-31', last: '2026-03-01' }],
    ['month', '2024-02-10', { first: '2024-02-01', last: '2024-02-29' }],
    ['6mo', undefined, { first: '2026-06-01', last: '2026-11-30' }],
    ['12mo', '2026-01-15', { first: '2025-02-01', last: '2026-01-31' }],
    ['custom', '2026-01-01,2026-01-31', { first: '2026-01-01', last: '2026-01-31' }],
    [undefined, undefined, { first: '2026-10-19', last: '2026-11-17' }],
  ])('%s with date %s', (period, date, expected) => {
    expect(resolvePeriod(period, date, today)).toEqual(expected)
  })

  it.each([
    ['week', undefined, 'period: "week" is not one of day, 7d, 30d, month, 6mo, 12mo, custom'],
    ['custom', undefined, 'date: period=custom needs date=YYYY-MM-DD,YYYY-MM-DD'],
    ['custom', '2026-01-31,2026-01-01', 'must not be after'],
    ['custom', '2026-01-01,2026-01-02,2026-01-03', 'needs date='],
    ['day', '2026-13-01', 'is not a date'],
    ['day', '17-11-2026', 'is not a date'],
    ['custom', '2000-01-01,2026-01-01', 'at most 10 years'],
  ])('rejects %s / %s', (period, date, message) => {
    expect(() => resolvePeriod(period, date, today)).toThrow(message)
  })

  it('previous_period is the same number of days just before', () => {
    expect(previousPeriod({ first: '2026-11-17', last: '2026-11-17' })).toEqual({
      first: '2026-11-16',
      last: '2026-11-16',
    })
    expect(previousPeriod({ first: '2026-03-01', last: '2026-03-31' })).toEqual({
      first: '2026-01-29',
      last: '2026-02-28',
    })
  })
})

describe('time zones', () => {
  it('a local day in Amsterdam starts at 23:00 UTC the day before (winter) and 22:00 (summer)', () => {
    expect(new Date(zonedMidnight('2026-11-17', 'Europe/Amsterdam')).toISOString()).toBe(
      '2026-11-16T23:00:00.000Z',
    )
    expect(new Date(zonedMidnight('2026-07-01', 'Europe/Amsterdam')).toISOString()).toBe(
      '2026-06-30T22:00:00.000Z',
    )
    expect(new Date(zonedMidnight('2026-11-17', 'America/New_York')).toISOString()).toBe(
      '2026-11-17T05:00:00.000Z',
    )
  })

  it('a day with a DST change has 23 or 25 hours', () => {
    const tz = 'Europe/Amsterdam'
    expect(zonedMidnight('2026-03-30', tz) - zonedMidnight('2026-03-29', tz)).toBe(23 * 3600_000)
    expect(zonedMidnight('2026-10-26', tz) - zonedMidnight('2026-10-25', tz)).toBe(25 * 3600_000)
  })

  it('midnight skipped by DST starts the day at the first local instant', () => {
    // America/Santiago skips 00:00 -> 01:00 on 2026-09-06.
    const t = zonedMidnight('2026-09-06', 'America/Santiago')
    expect(localDate(t, 'America/Santiago')).toBe('2026-09-06')
    expect(localDate(t - 1, 'America/Santiago')).toBe('2026-09-05')
  })

  it('23:30 UTC is the next day in Amsterdam', () => {
    expect(localDate(Date.parse('2026-11-17T23:30:00Z'), 'Europe/Amsterdam')).toBe('2026-11-18')
    expect(localDate(Date.parse('2026-11-17T23:30:00Z'), 'UTC')).toBe('2026-11-17')
  })

  it('toTimeRange gives the instants and the UTC days that hold them', () => {
    const r = toTimeRange({ first: '2026-11-17', last: '2026-11-18' }, 'Europe/Amsterdam')
    expect(new Date(r.from).toISOString()).toBe('2026-11-16T23:00:00.000Z')
    expect(new Date(r.to).toISOString()).toBe('2026-11-18T23:00:00.000Z')
    expect([r.d0, r.d1]).toEqual(['2026-11-16', '2026-11-18'])
    const utc = toTimeRange({ first: '2026-11-17', last: '2026-11-17' }, 'UTC')
    expect([utc.d0, utc.d1]).toEqual(['2026-11-17', '2026-11-17'])
  })
})

describe('dates and intervals', () => {
  it('validates calendar dates', () => {
    expect(isDate('2024-02-29')).toBe(true)
    expect(isDate('2026-02-29')).toBe(false)
    expect(isDate('2026-1-01')).toBe(false)
  })

  it('weeks start on Monday; months add across years', () => {
    expect(startOfWeek('2026-11-22')).toBe('2026-11-16')
    expect(startOfWeek('2026-11-16')).toBe('2026-11-16')
    expect(addMonths('2026-11-17', 3)).toBe('2027-02-01')
  })

  it('defaults the interval per period as Plausible does and rejects unknown ones', () => {
    expect(parseInterval(undefined, 'day')).toBe('hour')
    expect(parseInterval(undefined, '7d')).toBe('date')
    expect(parseInterval(undefined, '12mo')).toBe('month')
    expect(parseInterval('week', 'day')).toBe('week')
    expect(() => parseInterval('minute', 'day')).toThrow(
      'interval: "minute" is not one of hour, date, week, month',
    )
  })
})
