/**
 * The one ClickHouse interface everything above the store sees. Both
 * `@clickhouse/client` (Node, chDB or HTTP) and `@clickhouse/client-web` (edge)
 * satisfy {@link ClickHouseLike}; {@link wrapClient} narrows them to {@link Ch}.
 */

export type Params = Record<string, unknown>
export type Settings = Record<string, string | number | boolean>

export interface Ch {
  /** Runs a SELECT with bound `{name:Type}` parameters and returns JSON rows. */
  query<T = Record<string, unknown>>(sql: string, params?: Params, settings?: Settings): Promise<T[]>
  /** Runs DDL or a statement without a result. */
  command(sql: string, params?: Params, settings?: Settings): Promise<void>
  /**
   * Inserts rows as JSONEachRow; with `columns`, each row is an array of values in that order, or
   * that array's JSON text, and goes as JSONCompactEachRow (no key per value: less to encode here
   * and to parse in ClickHouse). JSON text passes only through clients made with {@link ENCODED_JSON}.
   */
  insert(
    table: string,
    rows: ReadonlyArray<object | string>,
    settings?: Settings,
    columns?: readonly string[],
  ): Promise<void>
  /**
   * Inserts `body`, rows as JSONCompactEachRow lines (UTF-8, each ending in a newline) in `columns`
   * order, handing the bytes to the engine as they are. Only engines that take raw bytes have it
   * (chDB); elsewhere writers split the lines and use {@link Ch.insert}.
   */
  insertLines?(table: string, columns: readonly string[], body: Uint8Array): Promise<void>
  ping(): Promise<boolean>
  close(): Promise<void>
}

interface ResultSetLike {
  json<T>(): Promise<T[] | unknown>
}

/** The structural part of clickhouse-js (node and web) that crumbless uses. */
export interface ClickHouseLike {
  query(p: {
    query: string
    format: 'JSONEachRow'
    query_params?: Params
    clickhouse_settings?: Settings
  }): Promise<ResultSetLike>
  command(p: { query: string; query_params?: Params; clickhouse_settings?: Settings }): Promise<unknown>
  insert(p: {
    table: string
    values: ReadonlyArray<object | string>
    format: 'JSONEachRow' | 'JSONCompactEachRow'
    columns?: [string, ...string[]]
    clickhouse_settings?: Settings
  }): Promise<unknown>
  ping(): Promise<{ success: boolean }>
  close(): Promise<void>
}

/**
 * The `json` option of every clickhouse-js client crumbless makes: a row that is already JSON text
 * (an encoded event, see collect/event-values.ts) goes into the insert body as it is; everything
 * else is stringified as usual. No other row is ever a string, since JSON*EachRow rows are arrays
 * or objects.
 *
 * @example
 * createClient({ url, json: ENCODED_JSON })
 */
export const ENCODED_JSON = {
  parse: JSON.parse,
  stringify: (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value)),
}

/**
 * Every read returns 64-bit integers as JSON numbers, on chDB and HTTP alike, so
 * counts are plain numbers; callers that need an exact UInt64 select `toString(x)`.
 */
const READ_SETTINGS: Settings = { output_format_json_quote_64bit_integers: 0 }

/**
 * @example
 * const ch = wrapClient(createClient({ url }))
 * const rows = await ch.query<{ n: number }>('SELECT {a:UInt8} + 1 AS n', { a: 1 })
 */
export function wrapClient(client: ClickHouseLike, base: Settings = {}): Ch {
  return {
    async query<T>(sql: string, params?: Params, settings?: Settings): Promise<T[]> {
      const rs = await client.query({
        query: sql,
        format: 'JSONEachRow',
        query_params: params,
        clickhouse_settings: { ...base, ...READ_SETTINGS, ...settings },
      })
      return (await rs.json<T>()) as T[]
    },
    async command(sql, params, settings) {
      await client.command({
        query: sql,
        query_params: params,
        clickhouse_settings: { ...base, ...settings },
      })
    },
    async insert(table, rows, settings, columns) {
      if (rows.length === 0) return
      await client.insert({
        table,
        values: rows,
        ...(columns?.[0] !== undefined
          ? { format: 'JSONCompactEachRow', columns: [columns[0], ...columns.slice(1)] }
          : { format: 'JSONEachRow' }),
        clickhouse_settings: { ...base, ...settings },
      })
    },
    async ping() {
      try {
        return (await client.ping()).success
      } catch {
        return false
      }
    },
    close: () => client.close(),
  }
}
