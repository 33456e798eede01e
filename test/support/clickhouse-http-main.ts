/**
 * TEST FIXTURE entry: runs the ClickHouse-over-chDB HTTP server as its own
 * process (see `spawnClickHouseHttp`). Argument 1 is the JSON options. Prints
 * `CLICKHOUSE_HTTP_READY <port>` once listening; stops when stdin closes (the
 * parent asked, or the parent died) or on SIGTERM/SIGINT.
 */
import { type ClickHouseHttpOptions, startClickHouseHttp } from './clickhouse-http.ts'

const opts = JSON.parse(process.argv[2] ?? '{}') as ClickHouseHttpOptions
const server = await startClickHouseHttp(opts)
let stopping = false

async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await server.stop()
  process.exit(0)
}

process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdout.write(`CLICKHOUSE_HTTP_READY ${server.port}\n`)
