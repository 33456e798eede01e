import { accessSync, constants, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ClickHouseLogLevel, createClient } from '@clickhouse/client'
import { type Config, ConfigError } from '../config.ts'
import { type Ch, type ClickHouseLike, ENCODED_JSON, wrapClient } from '../store/client.ts'
import { migrationTransform, withCluster } from '../store/cluster.ts'
import { type Migration, migrate, parseMigrationName } from '../store/migrate.ts'
import { openChdb } from './chdb.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../store/migrations/', import.meta.url))

/** Reads the numbered `.sql` files of `server/store/migrations/`. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .map((file) => ({ file, parsed: parseMigrationName(file) }))
    .filter((m) => m.parsed !== null)
    .map(({ file, parsed }) => ({ ...parsed!, sql: readFileSync(join(dir, file), 'utf8') }))
}

/** Splits `http://user:pass@host:8123/db` into what clickhouse-js takes. */
export function httpOptions(raw: string): {
  url: string
  username: string
  password: string
  database: string
} {
  const u = new URL(raw)
  const database = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, '')) || 'default'
  return {
    url: `${u.protocol}//${u.host}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database,
  }
}

function ensureWritable(dir: string): string {
  const abs = resolve(dir)
  try {
    mkdirSync(abs, { recursive: true })
    accessSync(abs, constants.W_OK)
  } catch (err) {
    throw new ConfigError(
      'DATA_DIR',
      `${abs} is not a writable directory (${(err as NodeJS.ErrnoException).code})`,
    )
  }
  return abs
}

/**
 * The ClickHouse client for Node: chDB in `DATA_DIR` by default, HTTP with `CLICKHOUSE_URL`.
 * Fails with a {@link ConfigError} naming the variable when the engine cannot be used.
 */
export async function openEngine(config: Config): Promise<Ch> {
  if (!config.clickhouseUrl) {
    const dir = ensureWritable(config.dataDir)
    try {
      const ch = openChdb(join(dir, 'chdb'))
      await ch.query('SELECT 1')
      return ch
    } catch (err) {
      const detail = (err as Error).message.split('\n')[0]
      throw new ConfigError(
        'DATA_DIR',
        `${dir} cannot be opened (${detail}); the embedded engine allows one process per data directory, so stop the running server first or use the dashboard`,
      )
    }
  }
  const opts = httpOptions(config.clickhouseUrl)
  const quiet = { log: { level: ClickHouseLogLevel.OFF } }
  const admin = createClient({ ...opts, ...quiet, database: 'default', request_timeout: 10_000 })
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(opts.database)}` })
  } catch (err) {
    throw new ConfigError(
      'CLICKHOUSE_URL',
      `not reachable or not usable: ${(err as Error).message.split('\n')[0]}`,
    )
  } finally {
    await admin.close()
  }
  const ch = wrapClient(
    createClient({
      ...opts,
      ...quiet,
      request_timeout: 30_000,
      json: ENCODED_JSON,
    }) as unknown as ClickHouseLike,
  )
  return withCluster(ch, config.clickhouseCluster)
}

/** Applies pending migrations, in their `ON CLUSTER` form when `CLICKHOUSE_CLUSTER` is set. */
export function applyMigrations(ch: Ch, config: Config): Promise<Migration[]> {
  return migrate(ch, loadMigrations(), migrationTransform(config.clickhouseCluster))
}

/** Database names come from operator config, never from requests; still, only plain names pass. */
function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new ConfigError('CLICKHOUSE_URL', `bad database name "${name}"`)
  return `\`${name}\``
}
