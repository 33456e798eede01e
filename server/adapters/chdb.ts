import { type ClickHouseClient, createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { type Ch, type ClickHouseLike, ENCODED_JSON, wrapClient } from '../store/client.ts'

type ConnectionOption = NonNullable<Parameters<typeof createClient>[0]>['connection']

type ChdbConnection = ReturnType<typeof createChdbConnection>

/**
 * `@clickhouse/client` on a chDB connection. chdb types its connection with the older
 * `@clickhouse/client-common` package; at runtime the interface is the same, so the one cast
 * lives here.
 */
function clientOn(connection: ChdbConnection): ClickHouseClient {
  return createClient({ connection: connection as unknown as ConnectionOption, json: ENCODED_JSON })
}

/** `@clickhouse/client` on the embedded chDB engine at `path`. */
export function createChdbClient(path: string): ClickHouseClient {
  return clientOn(createChdbConnection({ path }))
}

/**
 * {@link Ch} on chDB. One data path per process. `insertLines` goes through chDB's raw insert: the
 * bytes reach the engine without a JS string copy (clickhouse-js would join the rows into one string,
 * which the connection copies again into the SQL text).
 */
export function openChdb(path: string): Ch {
  const connection = createChdbConnection({ path })
  return {
    ...wrapClient(clientOn(connection) as unknown as ClickHouseLike),
    async insertLines(table, columns, body) {
      await connection.chdb.rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow' })
    },
  }
}
