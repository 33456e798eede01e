import type { Ch } from './client.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Splits a migration file into statements; `--` comments and blank lines are dropped. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** `0003_sessions.sql` -> `{ version: 3, name: 'sessions' }`; other names are not migrations. */
export function parseMigrationName(file: string): { version: number; name: string } | null {
  const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file)
  return m ? { version: Number(m[1]), name: m[2] ?? '' } : null
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations
(version UInt32, name String, applied_at DateTime('UTC') DEFAULT now())
ENGINE = MergeTree ORDER BY version`

/**
 * Applies every migration not yet recorded, in version order. Statements are
 * idempotent (`IF NOT EXISTS`), so a crash between a statement and its record is safe to re-run.
 *
 * @example
 * const applied = await migrate(ch, migrations, (sql) => sql)
 */
export async function migrate(
  ch: Ch,
  migrations: readonly Migration[],
  transform: (statement: string) => string[] = (s) => [s],
): Promise<Migration[]> {
  for (const statement of transform(MIGRATIONS_TABLE)) await ch.command(statement)
  const done = new Set(
    (await ch.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  )
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version))
  for (const m of pending) {
    for (const statement of splitStatements(m.sql)) {
      for (const s of transform(statement)) await ch.command(s)
    }
    await ch.insert('schema_migrations', [{ version: m.version, name: m.name }])
  }
  return pending
}
