import type { Site } from '../collect/types.ts'
import { excerpt, ParamError } from './errors.ts'
import { type Filter, parseFilters } from './filters.ts'
import { type Metric, parseMetrics } from './metrics.ts'
import { type DateRange, resolvePeriod, today } from './period.ts'

/** Reads one query parameter; `undefined` when absent. */
export type QueryGetter = (name: string) => string | undefined

export interface CommonParams {
  range: DateRange
  filters: Filter[]
  metrics: Metric[]
}

/**
 * The parameters every report shares: `period` + `date` in the site's zone, `filters`, `metrics`.
 *
 * @example
 * const p = commonParams((n) => c.req.query(n), site, s.now())
 */
export function commonParams(q: QueryGetter, site: Site, now: number): CommonParams {
  return {
    range: resolvePeriod(q('period'), q('date'), today(now, site.timezone)),
    filters: parseFilters(q('filters') ?? q('filter')),
    metrics: parseMetrics(q('metrics')),
  }
}

/** An integer parameter within `[min, max]`, or `fallback` when absent. */
export function intParam(q: QueryGetter, name: string, fallback: number, min: number, max: number): number {
  const raw = q(name)
  if (raw === undefined || raw === '') return fallback
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ParamError(name, `${excerpt(raw)} is not an integer from ${min} to ${max}`)
  }
  return Number(raw)
}

/** `compare=previous_period` (the only comparison v1 defines). */
export function compareParam(q: QueryGetter): boolean {
  const raw = q('compare')
  if (raw === undefined || raw === '') return false
  if (raw !== 'previous_period')
    throw new ParamError('compare', `${excerpt(raw)} is not one of previous_period`)
  return true
}

export function requiredParam(q: QueryGetter, name: string, example: string): string {
  const raw = q(name)
  if (raw === undefined || raw === '') throw new ParamError(name, `is required, e.g. ${name}=${example}`)
  return raw
}
