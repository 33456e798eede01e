/**
 * The ClickHouse cluster form of the schema, derived from the single-node migrations.
 *
 * Big tables are sharded: each node holds `<table>_local` (a `Replicated*MergeTree`, one copy per
 * replica of its shard) and every node has a `Distributed` table under the original name on top,
 * so reads and writes keep using `events`, `clicks`, `sessions`. Small tables (sites, users, keys,
 * salts, ...) are not sharded: one `Replicated*MergeTree` with the same Keeper path on every node,
 * so each node holds all of it (see {@link SHARDING_KEYS} for why).
 */
import type { Ch, Params, Settings } from './client.ts'

/**
 * Sharded tables and their sharding keys. A visitor's events of a day stay on one shard, so
 * visits (sessions) can be computed shard-locally; clicks are summed per site, so all of a
 * site's click cells land on one shard and `SummingMergeTree` can merge them.
 *
 * Every other table is replicated to all nodes instead of sharded: they are tiny, several are
 * `ReplacingMergeTree` read with `FINAL` (which only collapses versions within one shard, so
 * random sharding would show stale rows), and the salts table relies on "the earliest row of a
 * day wins", which needs every row of a day in one place. With one Keeper path per table,
 * `ALTER ... DROP PARTITION` on salts replicates to every node without `ON CLUSTER`.
 */
export const SHARDING_KEYS: Readonly<Record<string, string>> = {
  events: 'cityHash64(site_id, visitor)',
  sessions: 'cityHash64(site_id, visitor)',
  clicks: 'cityHash64(site_id)',
}

const MERGE_TREES = new Set([
  'MergeTree',
  'SummingMergeTree',
  'ReplacingMergeTree',
  'AggregatingMergeTree',
  'CollapsingMergeTree',
  'VersionedCollapsingMergeTree',
])

const CREATE =
  /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(\([\s\S]*\))\s*ENGINE\s*=\s*([A-Za-z]+)(?:\s*\(([^)]*)\))?([\s\S]*)$/i
const ALTER = /^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]*)$/i
const DELETE = /^DELETE\s+FROM\s+([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]*)$/i
const DROP = /^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(SYNC)?\s*$/i
/** Column changes must reach the Distributed table too, or it would not expose the new column. */
const COLUMN_ALTER = /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i

/** Cluster names come from operator config; they are still checked before going into DDL. */
function quoteCluster(cluster: string): string {
  if (!/^[A-Za-z0-9_.{}-]+$/.test(cluster))
    throw new Error(`CLICKHOUSE_CLUSTER: invalid cluster name "${cluster}"`)
  return `'${cluster}'`
}

function replicatedEngine(engine: string, args: string | undefined, zkPath: string): string {
  const extra = args?.trim() ? `, ${args.trim()}` : ''
  return `Replicated${engine}('${zkPath}', '{replica}'${extra})`
}

function createStatements(m: RegExpExecArray, on: string): string[] {
  const [, ifNotExists = '', table = '', columns = '', engine = '', args, rest = ''] = m
  if (engine.startsWith('Replicated') || engine === 'Distributed') {
    throw new Error(`${table}: migrations must use the single-node engine, not ${engine}`)
  }
  if (!MERGE_TREES.has(engine)) throw new Error(`${table}: engine ${engine} cannot be replicated`)
  const ine = ifNotExists ? 'IF NOT EXISTS ' : ''
  const key = SHARDING_KEYS[table]
  if (key === undefined) {
    const engineSql = replicatedEngine(engine, args, `/clickhouse/tables/all/{database}/${table}`)
    return [`CREATE TABLE ${ine}${table} ON CLUSTER ${on}\n${columns}\nENGINE = ${engineSql}${rest}`]
  }
  const local = `${table}_local`
  const engineSql = replicatedEngine(engine, args, `/clickhouse/tables/{shard}/{database}/${local}`)
  return [
    `CREATE TABLE ${ine}${local} ON CLUSTER ${on}\n${columns}\nENGINE = ${engineSql}${rest}`,
    `CREATE TABLE ${ine}${table} ON CLUSTER ${on} AS ${local}\nENGINE = Distributed(${on}, currentDatabase(), '${local}', ${key})`,
  ]
}

/**
 * Rewrites one statement that changes data or schema of a sharded table so it runs on the
 * `_local` tables of every shard. Statements on other tables are returned unchanged.
 *
 * @example
 * clusterRewrite('c')('DELETE FROM events WHERE site_id = {domain:String}')
 * // "DELETE FROM events_local ON CLUSTER 'c' WHERE site_id = {domain:String}"
 */
export function clusterRewrite(cluster: string): (statement: string) => string {
  const on = quoteCluster(cluster)
  return (statement) => {
    const sql = statement.trim()
    const alter = ALTER.exec(sql)
    if (alter && SHARDING_KEYS[alter[1] ?? ''] !== undefined && !/^ON\s+CLUSTER\b/i.test(alter[2] ?? '')) {
      return `ALTER TABLE ${alter[1]}_local ON CLUSTER ${on} ${alter[2]}`
    }
    const del = DELETE.exec(sql)
    if (del && SHARDING_KEYS[del[1] ?? ''] !== undefined && !/^ON\s+CLUSTER\b/i.test(del[2] ?? '')) {
      return `DELETE FROM ${del[1]}_local ON CLUSTER ${on} ${del[2]}`
    }
    return statement
  }
}

/**
 * The migration transform for `migrate(ch, migrations, clusterTransform(name))`.
 *
 * - `CREATE TABLE` of a sharded table -> `<t>_local ON CLUSTER` with the `Replicated*` engine
 *   (Keeper path `/clickhouse/tables/{shard}/{database}/<t>_local`) plus a `Distributed` table
 *   `<t>` on top, sharded by {@link SHARDING_KEYS}.
 * - `CREATE TABLE` of any other table -> `ON CLUSTER`, `Replicated*` engine with one Keeper path
 *   for the whole cluster (`/clickhouse/tables/all/...`): a full copy on every node.
 * - `ALTER TABLE` / `DELETE FROM` a sharded table -> on `<t>_local ON CLUSTER`; column changes
 *   also go to the Distributed table. `DROP TABLE` of a sharded table drops both.
 * - Anything else (`INSERT`, statements on replicated-everywhere tables, whose `ALTER`s
 *   Keeper replicates by itself) is returned unchanged.
 *
 * @example
 * const applied = await migrate(ch, loadMigrations(), clusterTransform('crumbless'))
 */
export function clusterTransform(cluster: string): (statement: string) => string[] {
  const on = quoteCluster(cluster)
  const rewrite = clusterRewrite(cluster)
  return (statement) => {
    const sql = statement.trim()
    const create = CREATE.exec(sql)
    if (create) return createStatements(create, on)
    const drop = DROP.exec(sql)
    if (drop && SHARDING_KEYS[drop[2] ?? ''] !== undefined) {
      const ie = drop[1] ? 'IF EXISTS ' : ''
      const sync = drop[3] ? ' SYNC' : ''
      return [
        `DROP TABLE ${ie}${drop[2]} ON CLUSTER ${on}${sync}`,
        `DROP TABLE ${ie}${drop[2]}_local ON CLUSTER ${on}${sync}`,
      ]
    }
    const alter = ALTER.exec(sql)
    if (alter && SHARDING_KEYS[alter[1] ?? ''] !== undefined && COLUMN_ALTER.test(alter[2] ?? '')) {
      return [rewrite(sql), `ALTER TABLE ${alter[1]} ON CLUSTER ${on} ${alter[2]}`]
    }
    return [rewrite(sql)]
  }
}

/**
 * Reads on a cluster: a JOIN or IN between two Distributed reads of `events` runs shard-locally.
 * That is correct because events are sharded by visitor, so both sides of a per-visitor join
 * live on the same shard; ClickHouse's default (`deny`) would refuse such queries.
 */
export const CLUSTER_READ_SETTINGS: Settings = { distributed_product_mode: 'local' }

/**
 * A {@link Ch} whose `command` sends the app's runtime mutations (`DELETE FROM events ...`,
 * `ALTER TABLE sessions DELETE ...`) to the `_local` tables of every shard, because ClickHouse
 * cannot delete through a `Distributed` table. Reads (with {@link CLUSTER_READ_SETTINGS}) and
 * inserts use the Distributed tables under the original names.
 *
 * @example
 * const ch = config.clickhouseCluster ? clusterCh(engine, config.clickhouseCluster) : engine
 */
export function clusterCh(ch: Ch, cluster: string): Ch {
  const rewrite = clusterRewrite(cluster)
  const lines = ch.insertLines
  return {
    query: <T>(sql: string, params?: Params, settings?: Settings) =>
      ch.query<T>(sql, params, { ...CLUSTER_READ_SETTINGS, ...settings }),
    command: (sql, params, settings) => ch.command(rewrite(sql), params, settings),
    insert: (table, rows, settings, columns) => ch.insert(table, rows, settings, columns),
    ...(lines && { insertLines: lines.bind(ch) }),
    ping: () => ch.ping(),
    close: () => ch.close(),
  }
}

/**
 * The migration transform for the configured cluster (`CLICKHOUSE_CLUSTER`), or the identity.
 *
 * @example
 * await migrate(ch, loadMigrations(), migrationTransform(config.clickhouseCluster))
 */
export function migrationTransform(cluster: string | null): (statement: string) => string[] {
  return cluster ? clusterTransform(cluster) : (statement) => [statement]
}

/**
 * `ch` itself without a cluster, {@link clusterCh} with one.
 *
 * @example
 * const ch = withCluster(await openEngine(config), config.clickhouseCluster)
 */
export function withCluster(ch: Ch, cluster: string | null): Ch {
  return cluster ? clusterCh(ch, cluster) : ch
}
