import type { Ch } from '../store/client.ts'
import { EVENT_SUMS, eventCountsSelect, scrollSelect } from './rollups.ts'
import { sessioniseSql, VISIT_COLUMNS } from './sessions.ts'

/**
 * Snapshots of live days. Days that are not stored yet (today) are sessionised from events,
 * which is the costliest step of a report; a dashboard overview asks for it about ten times at
 * once. So the visits of a site's live days are written once into `live_visits` (and their
 * event sums, laid out as `event_rollup`, into `live_event_rollup`) under a snapshot id, keyed
 * by the count of those days' events (events are only ever appended, and a snapshot is retaken
 * after {@link MAX_AGE_MS}), and every query reads the snapshot until an event arrives. Exact: a
 * new event changes the key, and the next query takes a new snapshot. Concurrent queries share
 * one in-flight snapshot.
 */

/** What a snapshot holds: visits, or one dimension's event counts or scroll sums. */
export type SnapshotKind = { kind: 'visits' } | { kind: 'counts' | 'scroll'; dim: string }

const VISITS: SnapshotKind = { kind: 'visits' }

const tableOf = (k: SnapshotKind) => (k.kind === 'visits' ? 'live_visits' : 'live_event_rollup')

function buildSql(k: SnapshotKind, where: string): string {
  if (k.kind === 'visits') {
    return `INSERT INTO live_visits (snapshot, ${COLS}) SELECT {id:String}, ${COLS} FROM (${sessioniseSql(where)})`
  }
  const select = k.kind === 'counts' ? eventCountsSelect(where, [k.dim]) : scrollSelect(where, [k.dim])
  return `INSERT INTO live_event_rollup (snapshot, day, dim, value, ${EVENT_SUMS})
    SELECT {id:String}, day, dim, value, ${EVENT_SUMS} FROM (${select})`
}

interface Entry {
  key: string
  id: Promise<string | null>
  at: number
  table: string
}

/** A snapshot is taken again after this long, well before the table's 1 h TTL can remove it. */
const MAX_AGE_MS = 10 * 60_000

/** Per engine: `site|days` -> the newest snapshot. */
const byEngine = new WeakMap<Ch, Map<string, Entry>>()
/** Superseded snapshots, dropped once no query can still be reading them. */
const retired = new WeakMap<Ch, Array<{ id: Promise<string | null>; at: number; table: string }>>()
/** How long a superseded snapshot stays readable for queries that resolved it just before. */
const RETIRE_MS = 120_000

const COLS = VISIT_COLUMNS.join(', ')

function newId(): string {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return `s${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

const usable = new WeakMap<Ch, Promise<boolean>>()

/**
 * Snapshots need a plain single-node `live_visits` table: on a replicated cluster a query may
 * reach a replica that has not fetched the snapshot yet, so there visits are sessionised inline.
 */
function snapshotsUsable(ch: Ch): Promise<boolean> {
  let found = usable.get(ch)
  if (!found) {
    found = ch
      .query<{ engine: string }>(
        `SELECT engine FROM system.tables
         WHERE database = currentDatabase() AND name IN ('live_visits', 'live_event_rollup')`,
      )
      .then((rows) => rows.length === 2 && rows.every((r) => r.engine === 'MergeTree'))
      .catch(() => false)
    usable.set(ch, found)
  }
  return found
}

/**
 * The id of a `live_visits` snapshot holding every visit of `site` on the UTC `days`, `null`
 * when those days have no events (so no visits), or `undefined` where snapshots are not used
 * (the caller sessionises inline).
 *
 * @example
 * const id = await liveSnapshot(ch, 'example.com', ['2026-11-25'])
 * // SELECT ... FROM live_visits WHERE snapshot = {id:String}
 */
export async function liveSnapshot(
  ch: Ch,
  site: string,
  days: readonly string[],
  kind: SnapshotKind = VISITS,
): Promise<string | null | undefined> {
  if (!(await snapshotsUsable(ch))) return undefined
  const params = { site, days: [...days] }
  const [v] = await ch.query<{ n: number }>(
    `SELECT count() AS n FROM events
     WHERE site_id = {site:String} AND toDate(ts) IN {days:Array(Date)}`,
    params,
  )
  const cache = byEngine.get(ch) ?? new Map<string, Entry>()
  byEngine.set(ch, cache)
  const old = retired.get(ch) ?? []
  retired.set(ch, old)
  // Slots of past days and other ranges are forgotten once too old to be served anyway.
  for (const [k, e] of cache) {
    if (e.at >= Date.now() - MAX_AGE_MS) continue
    cache.delete(k)
    old.push({ id: e.id, at: Date.now(), table: e.table })
  }
  const slot = `${JSON.stringify(kind)}|${site}|${days.join(',')}`
  const hit = cache.get(slot)
  if (!v || Number(v.n) === 0) {
    cache.delete(slot)
    return null
  }
  const key = String(v.n)
  if (hit?.key === key && hit.at > Date.now() - MAX_AGE_MS) return hit.id
  const id = newId()
  const made = (async () => {
    const where = 'site_id = {site:String} AND toDate(ts) IN {days:Array(Date)}'
    await ch.command(buildSql(kind, where), { ...params, id })
    return id
  })()
  cache.set(slot, { key, id: made, at: Date.now(), table: tableOf(kind) })
  made.catch(() => cache.get(slot)?.id === made && cache.delete(slot))
  if (hit) old.push({ id: hit.id, at: Date.now(), table: tableOf(kind) })
  while (old.length > 0 && (old[0]?.at ?? 0) < Date.now() - RETIRE_MS) {
    const gone = old.shift()
    if (gone) void dropSnapshot(ch, gone.table, gone.id)
  }
  return made
}

async function dropSnapshot(ch: Ch, table: string, old: Promise<string | null>): Promise<void> {
  const id = await old.catch(() => null)
  // The id is made here (`s` + hex), never from a request; partitions cannot be bound parameters.
  if (id === null || !/^s[0-9a-f]{16}$/.test(id)) return
  await ch.command(`ALTER TABLE ${table} DROP PARTITION '${id}'`).catch(() => {})
}
