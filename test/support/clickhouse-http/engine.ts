import { Session } from 'chdb'

/** What one statement produced on chDB. */
export interface EngineResult {
  bytes: Uint8Array
  rowsRead: number
  bytesRead: number
  elapsedNs: number
}

/** chDB behind a queue: one fresh connection per statement, one statement at a time. */
export interface Engine {
  run(sql: string, format: string): Promise<EngineResult>
  /** The engine's ClickHouse version, for error bodies. */
  readonly version: string
  /** The engine's time zone, for `X-ClickHouse-Timezone`. */
  readonly timezone: string
  close(): Promise<void>
}

/**
 * Opens chDB at `dataDir`. A base session keeps the engine bound for the
 * server's lifetime; every statement runs on its own short-lived connection to
 * the same path, because chDB keeps `SET`, `USE` and query parameters per
 * connection and HTTP requests must not see each other's. Statements run one
 * at a time: chDB's parameter state is not safe under concurrent connections.
 *
 * @example
 * const engine = await openEngine('/tmp/ch')
 * const r = await engine.run('SELECT 1', 'TabSeparated') // bytes: "1\n"
 */
export async function openEngine(dataDir: string): Promise<Engine> {
  const base = new Session(dataDir)
  const info = (
    await base.queryAsync('SELECT version() AS v, timezone() AS tz', { format: 'JSONEachRow' })
  ).json<{
    v: string
    tz: string
  }>()
  let tail: Promise<unknown> = Promise.resolve()
  let closed = false

  async function execute(sql: string, format: string): Promise<EngineResult> {
    const session = new Session(dataDir)
    try {
      const r = await session.queryAsync(sql, { format })
      return {
        bytes: r.bytes(),
        rowsRead: r.rowsRead,
        bytesRead: r.bytesRead,
        elapsedNs: Math.round(r.elapsed * 1e9),
      }
    } finally {
      session.close()
    }
  }

  return {
    version: info.v,
    timezone: info.tz,
    run(sql, format) {
      if (closed) return Promise.reject(new Error('The test ClickHouse server is stopped'))
      const next = tail.then(() => execute(sql, format))
      tail = next.catch(() => undefined)
      return next
    },
    async close() {
      closed = true
      await tail
      base.close()
    },
  }
}
