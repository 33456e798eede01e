import type { Ch } from '../server/store/client.ts'

export interface TracedQuery {
  label: string
  ms: number
  sql: string
  params: Record<string, unknown>
}

/**
 * Wraps a {@link Ch} so every `query` is timed under the label set with `setLabel`, for the
 * query bench's per-statement breakdown of each Stats API call.
 *
 * @example
 * const tracer = createTracer()
 * startNodeServer({ env, wrapCh: tracer.wrap })
 */
export function createTracer() {
  let label = ''
  const log: TracedQuery[] = []
  const wrap = (ch: Ch): Ch => ({
    ...ch,
    async query<T>(
      sql: string,
      params?: Record<string, unknown>,
      settings?: Record<string, string | number | boolean>,
    ) {
      const t0 = performance.now()
      const rows = await ch.query<T>(sql, params, settings)
      if (label) log.push({ label, ms: performance.now() - t0, sql, params: params ?? {} })
      return rows
    },
    command: (sql, params, settings) => ch.command(sql, params, settings),
    insert: (table, rows, settings) => ch.insert(table, rows, settings),
    ping: () => ch.ping(),
    close: () => ch.close(),
  })
  return {
    wrap,
    setLabel: (l: string) => {
      label = l
    },
    log,
  }
}

/** A one-line excerpt of a statement: its first words after SELECT and the tables it reads. */
export function sqlShape(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  const tables = [
    ...new Set([...flat.matchAll(/FROM (events|sessions|sessionised_days|clicks)\b/g)].map((m) => m[1])),
  ]
  return `${flat.slice(0, 90)}… [${tables.join(', ')}]`
}
