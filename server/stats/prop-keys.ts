import type { Ch } from '../store/client.ts'
import type { TimeRange } from './period.ts'

export interface PropKey {
  key: string
  events: number
}

/**
 * The custom property keys sent in a range, most used first, so the dashboard can offer them
 * instead of asking the owner to type one.
 *
 * @example
 * await propKeys(ch, 'example.com', range, 20) // [{ key: 'plan', events: 412 }]
 */
export function propKeys(ch: Ch, site: string, range: TimeRange, limit: number): Promise<PropKey[]> {
  return ch.query<PropKey>(
    `SELECT key, count() AS events
     FROM events ARRAY JOIN mapKeys(props) AS key
     WHERE site_id = {site:String}
       AND toDate(ts) BETWEEN {d0:Date} AND {d1:Date}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
     GROUP BY key
     ORDER BY events DESC, key
     LIMIT {limit:UInt32}`,
    { site, d0: range.d0, d1: range.d1, from: range.from, to: range.to, limit },
  )
}
