import type { Ch } from '../server/store/client.ts'

export interface TableSize {
  rows: number
  bytesOnDisk: number
  compressed: number
  uncompressed: number
  parts: number
}

export interface ColumnSize {
  name: string
  type: string
  codec: string
  compressed: number
  uncompressed: number
}

/** Active parts of `table`: rows and bytes as `system.parts` reports them. */
export async function tableSize(ch: Ch, table: string): Promise<TableSize> {
  const [row] = await ch.query<TableSize>(
    `SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytesOnDisk, sum(data_compressed_bytes) AS compressed,
      sum(data_uncompressed_bytes) AS uncompressed, count() AS parts
     FROM system.parts WHERE database = currentDatabase() AND table = {table:String} AND active`,
    { table },
  )
  return row ?? { rows: 0, bytesOnDisk: 0, compressed: 0, uncompressed: 0, parts: 0 }
}

/** Per-column compressed bytes of `table` (largest first). */
export async function columnSizes(ch: Ch, table: string): Promise<ColumnSize[]> {
  return ch.query<ColumnSize>(
    `SELECT name, type, compression_codec AS codec, data_compressed_bytes AS compressed,
      data_uncompressed_bytes AS uncompressed
     FROM system.columns WHERE database = currentDatabase() AND table = {table:String}
     ORDER BY compressed DESC`,
    { table },
  )
}

/** Column definitions to try instead of the current ones: `name -> 'Type CODEC(...)'`. */
export type Variant = { name: string; columns: Record<string, string> }

const LC = [
  'site_id',
  'name',
  'hostname',
  'referrer',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'country',
  'device',
  'browser',
  'browser_version',
  'os',
  'os_version',
]
const lcZstd = (level: number) =>
  Object.fromEntries(LC.map((c) => [c, `LowCardinality(String) CODEC(ZSTD(${level}))`]))

/** Candidate codecs; each variant is a scratch table filled from `events`. */
export const VARIANTS: Variant[] = [
  {
    name: 'zstd1-all',
    columns: {
      ...lcZstd(1),
      path: 'String CODEC(ZSTD(1))',
      interactive: 'UInt8 CODEC(ZSTD(1))',
      scroll_depth: 'UInt8 CODEC(ZSTD(1))',
      retention_days: 'UInt16 CODEC(ZSTD(1))',
    },
  },
  {
    name: 'tuned',
    columns: {
      ...lcZstd(1),
      ts: "DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1))",
      visitor: 'UInt64 CODEC(Delta, ZSTD(1))',
      path: 'LowCardinality(String) CODEC(ZSTD(1))',
      width: 'UInt16 CODEC(T64, ZSTD(1))',
      engaged_ms: 'UInt32 CODEC(T64, ZSTD(1))',
      interactive: 'UInt8 CODEC(ZSTD(1))',
      scroll_depth: 'UInt8 CODEC(T64, ZSTD(1))',
      retention_days: 'UInt16 CODEC(ZSTD(1))',
    },
  },
  {
    name: 'tuned-zstd3',
    columns: {
      ...lcZstd(3),
      ts: "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(3))",
      visitor: 'UInt64 CODEC(Delta, ZSTD(3))',
      path: 'LowCardinality(String) CODEC(ZSTD(3))',
      width: 'UInt16 CODEC(ZSTD(3))',
      engaged_ms: 'UInt32 CODEC(ZSTD(3))',
      interactive: 'UInt8 CODEC(ZSTD(3))',
      scroll_depth: 'UInt8 CODEC(ZSTD(3))',
      retention_days: 'UInt16 CODEC(ZSTD(3))',
      props: 'Map(LowCardinality(String), String) CODEC(ZSTD(3))',
    },
  },
  {
    // Best per column from the variants above (10M-event run): what the report proposes.
    name: 'recommended',
    columns: {
      ...lcZstd(3),
      ts: "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(3))",
      visitor: 'UInt64 CODEC(ZSTD(3))',
      path: 'LowCardinality(String) CODEC(ZSTD(3))',
      width: 'UInt16 CODEC(ZSTD(3))',
      engaged_ms: 'UInt32 CODEC(T64, ZSTD(3))',
      interactive: 'UInt8 CODEC(ZSTD(3))',
      scroll_depth: 'UInt8 CODEC(ZSTD(3))',
      retention_days: 'UInt16 CODEC(ZSTD(3))',
    },
  },
]

/**
 * Copies `events` into a scratch table per variant (same partitioning and sort key), merges it
 * to one part per partition and returns its per-column sizes. The scratch tables are dropped.
 */
export async function tryVariants(
  ch: Ch,
  variants: readonly Variant[] = VARIANTS,
  source: { table: string; partitionBy: string; orderBy: string } = {
    table: 'events',
    partitionBy: 'toYYYYMM(ts)',
    orderBy: '(site_id, toDate(ts), visitor, ts)',
  },
) {
  const base = await columnSizes(ch, source.table)
  const out: Array<{ variant: string; total: TableSize; columns: ColumnSize[] }> = []
  for (const v of variants) {
    const table = `bench_codec_${source.table}_${v.name.replace(/[^a-z0-9]/g, '_')}`
    const defs = base
      .map((c) => `\`${c.name}\` ${v.columns[c.name] ?? `${c.type}${c.codec ? ` ${c.codec}` : ''}`}`)
      .join(',\n  ')
    await ch.command(`DROP TABLE IF EXISTS ${table}`)
    await ch.command(
      `CREATE TABLE ${table} (\n  ${defs}\n) ENGINE = MergeTree PARTITION BY ${source.partitionBy}
       ORDER BY ${source.orderBy}
       SETTINGS min_bytes_for_wide_part = 0, min_rows_for_wide_part = 0`,
    )
    const t0 = performance.now()
    await ch.command(
      `INSERT INTO ${table} SELECT ${base.map((c) => `\`${c.name}\``).join(', ')} FROM ${source.table}`,
    )
    await ch.command(`OPTIMIZE TABLE ${table} FINAL`)
    console.log(`  codec variant ${v.name}: copied and merged in ${Math.round(performance.now() - t0)} ms`)
    out.push({ variant: v.name, total: await tableSize(ch, table), columns: await columnSizes(ch, table) })
    await ch.command(`DROP TABLE ${table}`)
  }
  return out
}

/** Candidate codecs for the stored visits (`sessions`), measured the same way. */
export const SESSION_VARIANTS: Variant[] = [
  {
    name: 'recommended',
    columns: {
      ...Object.fromEntries(
        ['site_id', 'hostname', ...LC.filter((c) => !['site_id', 'name', 'hostname'].includes(c))].map(
          (c) => [c, 'LowCardinality(String) CODEC(ZSTD(3))'],
        ),
      ),
      visitor: 'UInt64 CODEC(ZSTD(3))',
      started: "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(3))",
      ended: "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(3))",
      entry_page: 'LowCardinality(String) CODEC(ZSTD(3))',
      exit_page: 'LowCardinality(String) CODEC(ZSTD(3))',
      pageviews: 'UInt32 CODEC(T64, ZSTD(3))',
      events: 'UInt32 CODEC(T64, ZSTD(3))',
      interactions: 'UInt32 CODEC(T64, ZSTD(3))',
      retention_days: 'UInt16 CODEC(ZSTD(3))',
    },
  },
]
