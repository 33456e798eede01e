import type { Ch } from '../store/client.ts'
import { utcDate } from './dates.ts'

export const REALTIME_WINDOW_MS = 5 * 60 * 1000

/**
 * `GET /api/v1/stats/realtime/visitors`: distinct visitors with any event in the last 5 minutes.
 *
 * @example
 * await realtimeVisitors(ch, 'example.com', Date.now()) // 3
 */
export async function realtimeVisitors(ch: Ch, site: string, now: number): Promise<number> {
  const from = now - REALTIME_WINDOW_MS
  const [row] = await ch.query<{ n: number }>(
    `SELECT uniqExact(visitor) AS n FROM events
     WHERE site_id = {site:String} AND toDate(ts) BETWEEN {d0:Date} AND {d1:Date}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')`,
    { site, from, now, d0: utcDate(from), d1: utcDate(now) },
  )
  return Number(row?.n ?? 0)
}
