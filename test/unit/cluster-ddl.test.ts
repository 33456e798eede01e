import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openChdb } from '../../server/adapters/chdb.ts'
import { loadMigrations } from '../../server/adapters/node-engine.ts'
import type { Ch } from '../../server/store/client.ts'
import {
  clusterCh,
  clusterRewrite,
  clusterTransform,
  migrationTransform,
  SHARDING_KEYS,
  withCluster,
} from '../../server/store/cluster.ts'
import { migrate, splitStatements } from '../../server/store/migrate.ts'

const t = clusterTransform('analytics')
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()

describe('clusterTransform', () => {
  it('turns events into a replicated _local table plus a Distributed table sharded by site and visitor', () => {
    const sql = `CREATE TABLE IF NOT EXISTS events
(
    site_id LowCardinality(String),
    ts DateTime64(3, 'UTC'),
    visitor UInt64,
    retention_days UInt16
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, toDate(ts), visitor, ts)
TTL toDateTime(ts) + toIntervalDay(retention_days)`
    const out = t(sql).map(oneLine)
    expect(out).toEqual([
      "CREATE TABLE IF NOT EXISTS events_local ON CLUSTER 'analytics' ( site_id LowCardinality(String), ts DateTime64(3, 'UTC'), visitor UInt64, retention_days UInt16 ) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}') PARTITION BY toYYYYMM(ts) ORDER BY (site_id, toDate(ts), visitor, ts) TTL toDateTime(ts) + toIntervalDay(retention_days)",
      "CREATE TABLE IF NOT EXISTS events ON CLUSTER 'analytics' AS events_local ENGINE = Distributed('analytics', currentDatabase(), 'events_local', cityHash64(site_id, visitor))",
    ])
  })

  it('keeps the SummingMergeTree column argument after the Keeper path and replica for clicks, sharded by site', () => {
    const out = t(
      'CREATE TABLE IF NOT EXISTS clicks (site_id String, clicks UInt64) ENGINE = SummingMergeTree(clicks) ORDER BY site_id',
    ).map(oneLine)
    expect(out[0]).toContain(
      "ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/clicks_local', '{replica}', clicks) ORDER BY site_id",
    )
    expect(out[1]).toContain(
      "Distributed('analytics', currentDatabase(), 'clicks_local', cityHash64(site_id))",
    )
  })

  it('replicates small ReplacingMergeTree tables to every node under their own name, without Distributed', () => {
    const out = t(
      'CREATE TABLE IF NOT EXISTS sites (domain String, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY domain',
    ).map(oneLine)
    expect(out).toEqual([
      "CREATE TABLE IF NOT EXISTS sites ON CLUSTER 'analytics' (domain String, version UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/sites', '{replica}', version) ORDER BY domain",
    ])
  })

  it('sends mutations of sharded tables to the _local tables on every shard', () => {
    expect(t('ALTER TABLE sessions DELETE WHERE day = {day:Date}')).toEqual([
      "ALTER TABLE sessions_local ON CLUSTER 'analytics' DELETE WHERE day = {day:Date}",
    ])
    expect(t('DELETE FROM events WHERE site_id = {domain:String}')).toEqual([
      "DELETE FROM events_local ON CLUSTER 'analytics' WHERE site_id = {domain:String}",
    ])
  })

  it('alters columns on both the local and the Distributed table', () => {
    expect(t('ALTER TABLE events ADD COLUMN IF NOT EXISTS x UInt8')).toEqual([
      "ALTER TABLE events_local ON CLUSTER 'analytics' ADD COLUMN IF NOT EXISTS x UInt8",
      "ALTER TABLE events ON CLUSTER 'analytics' ADD COLUMN IF NOT EXISTS x UInt8",
    ])
  })

  it('drops both tables of a sharded table', () => {
    expect(t('DROP TABLE IF EXISTS clicks')).toEqual([
      "DROP TABLE IF EXISTS clicks ON CLUSTER 'analytics'",
      "DROP TABLE IF EXISTS clicks_local ON CLUSTER 'analytics'",
    ])
  })

  it('leaves statements on replicated-everywhere tables and inserts alone', () => {
    const drop = "ALTER TABLE salts DROP PARTITION '2026-01-01'"
    expect(t(drop)).toEqual([drop])
    expect(t('INSERT INTO sites VALUES')).toEqual(['INSERT INTO sites VALUES'])
  })

  it('refuses engines it cannot replicate and cluster names that could inject SQL', () => {
    expect(() => t('CREATE TABLE x (a UInt8) ENGINE = Memory')).toThrow(/cannot be replicated/)
    expect(() => clusterTransform("c' OR 1")).toThrow(/invalid cluster name/)
  })

  it('rewrites every statement of the shipped migrations and covers each sharded table', () => {
    const created = new Set<string>()
    for (const m of loadMigrations()) {
      for (const s of splitStatements(m.sql)) {
        for (const out of t(s)) {
          expect(out).not.toMatch(/ENGINE = (MergeTree|SummingMergeTree|ReplacingMergeTree)\b/)
          const name = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(out)?.[1]
          if (name) created.add(name)
        }
      }
    }
    for (const table of Object.keys(SHARDING_KEYS)) {
      expect(created).toContain(`${table}_local`)
      expect(created).toContain(table)
    }
  })

  it('is a rewrite that can be applied twice without changing the result', () => {
    const r = clusterRewrite('analytics')
    const once = r('DELETE FROM clicks WHERE site_id = {d:String}')
    expect(r(once)).toBe(once)
  })
})

describe('migrate with CLICKHOUSE_CLUSTER', () => {
  // No ClickHouse cluster runs here, so this one records what would be sent to it.
  function recorder(): { ch: Ch; sent: string[]; readSettings: unknown[] } {
    const sent: string[] = []
    const readSettings: unknown[] = []
    const ch: Ch = {
      query: async <T>(_sql: string, _params?: unknown, settings?: unknown) => {
        readSettings.push(settings)
        return [] as T[]
      },
      command: async (sql) => {
        sent.push(sql)
      },
      insert: async () => {},
      ping: async () => true,
      close: async () => {},
    }
    return { ch, sent, readSettings }
  }

  it('creates each _local table before the Distributed table on top of it, everything ON CLUSTER', async () => {
    const { ch, sent } = recorder()
    await migrate(withCluster(ch, 'analytics'), loadMigrations(), migrationTransform('analytics'))
    expect(sent[0]).toMatch(/^CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER 'analytics'/)
    for (const sql of sent) expect(sql).toMatch(/ON CLUSTER 'analytics'/)
    for (const table of Object.keys(SHARDING_KEYS)) {
      const local = sent.findIndex((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table}_local `))
      const dist = sent.findIndex((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER`))
      expect(local).toBeGreaterThanOrEqual(0)
      expect(dist).toBe(local + 1)
    }
  })

  it('sends the runtime deletes of sites and sessions to the shards, and is the identity without a cluster', async () => {
    const { ch, sent } = recorder()
    await withCluster(ch, 'analytics').command('ALTER TABLE sessions DELETE WHERE day = {day:Date}')
    await withCluster(ch, null).command('DELETE FROM events WHERE site_id = {domain:String}')
    expect(sent).toEqual([
      "ALTER TABLE sessions_local ON CLUSTER 'analytics' DELETE WHERE day = {day:Date}",
      'DELETE FROM events WHERE site_id = {domain:String}',
    ])
    expect(migrationTransform(null)('CREATE TABLE x (a UInt8) ENGINE = MergeTree ORDER BY a')).toHaveLength(1)
  })

  it('lets per-visitor joins of two Distributed reads run shard-locally', async () => {
    const { ch, readSettings } = recorder()
    await withCluster(ch, 'analytics').query('SELECT 1', {}, { max_threads: 2 })
    expect(readSettings).toEqual([{ distributed_product_mode: 'local', max_threads: 2 }])
  })
})

describe('cluster DDL on the real ClickHouse parser (chDB)', () => {
  let ch: Ch
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crumbless-cluster-'))
    ch = openChdb(dir)
  })
  afterAll(async () => {
    await ch.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('parses every generated statement of the shipped migrations', async () => {
    const statements = loadMigrations().flatMap((m) => splitStatements(m.sql).flatMap(t))
    expect(statements.length).toBeGreaterThan(10)
    for (const q of statements) {
      const [row] = await ch.query<{ f: string }>('SELECT formatQuery({q:String}) AS f', { q })
      expect(row?.f).toMatch(/ON CLUSTER analytics/)
    }
  })

  it('applies the single-node form (no transform) on chDB and the runtime mutations still run through clusterCh only when a cluster is set', async () => {
    const applied = await migrate(ch, loadMigrations())
    expect(applied.map((m) => m.version)).toContain(1)
    const tables = await ch.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' ORDER BY name",
    )
    expect(tables.map((r) => r.name)).toEqual(expect.arrayContaining(['clicks', 'events', 'salts', 'sites']))
    // A clustered Ch rewrites the delete to events_local, which does not exist on a single node.
    await expect(
      clusterCh(ch, 'analytics').command('DELETE FROM events WHERE site_id = {d:String}', { d: 'x' }),
    ).rejects.toThrow(/events_local|cluster/i)
    await ch.command('DELETE FROM events WHERE site_id = {d:String}', { d: 'x' })
  })
})
