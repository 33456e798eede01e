/** Helpers for the ReplacingMergeTree tables of the auth module. */

let last = 0

/**
 * A row version that grows strictly within this process (microseconds of `now`, bumped on
 * ties), so two writes in the same millisecond still replace in order.
 *
 * @example
 * await ch.insert('memberships', [{ ...row, version: nextVersion(s.now()) }])
 */
export function nextVersion(nowMs: number): number {
  last = Math.max(Math.floor(nowMs) * 1000, last + 1)
  return last
}

/** Seconds since the epoch, for `DateTime('UTC')` columns. */
export function seconds(nowMs: number): number {
  return Math.floor(nowMs / 1000)
}

/**
 * Parses a `DateTime('UTC')` value as JSONEachRow returns it (`2026-01-02 03:04:05`) to ms.
 *
 * @example
 * dateTimeMs('2026-01-02 03:04:05') // 1767323045000
 */
export function dateTimeMs(value: string | number): number {
  if (typeof value === 'number') return value * 1000
  return Date.parse(`${value.replace(' ', 'T')}Z`)
}
