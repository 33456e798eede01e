import { type ClickHouseClient, createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { type Ch, type ClickHouseLike, ENCODED_JSON, wrapClient } from '../store/client.ts'

type ConnectionOption = NonNullable<Parameters<typeof createClient>[0]>['connection']

/**
 * `@clickhouse/client` on the embedded chDB engine at `path`. chdb types its connection with
 * the older `@clickhouse/client-common` package; at runtime the interface is the same, so the
 * one cast lives here.
 */
export function createChdbClient(path: string): ClickHouseClient {
  return createClient({
    connection: createChdbConnection({ path }) as unknown as ConnectionOption,
    json: ENCODED_JSON,
  })
}

/**
 * {@link Ch} on chDB. One data path per process. `insertLines` goes through chDB's raw insert: the
 * bytes reach the engine without a JS string copy (clickhouse-js would join the rows into one string,
 * which the connection copies again into the SQL text).
 */
export function openChdb(path: string): Ch {
  const connection = createChdbConnection({ path })
  const client = createClient({ connection: connection as unknown as ConnectionOption, json: ENCODED_JSON })
  return {
    ...wrapClient(client as unknown as ClickHouseLike),
    async insertLines(table, columns, body) {
      await connection.chdb.rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow' })
    },
  }
}
