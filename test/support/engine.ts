import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb } from '../../server/adapters/chdb.ts'
import { loadMigrations } from '../../server/adapters/node-engine.ts'
import type { Ch } from '../../server/store/client.ts'
import { migrate } from '../../server/store/migrate.ts'

/** A migrated chDB engine in a fresh temp dir (one per test file: one data path per process). */
export async function freshEngine(): Promise<{ ch: Ch; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'crumbless-engine-'))
  const ch = openChdb(dir)
  await migrate(ch, loadMigrations())
  return { ch, dir }
}

/**
 * `ch` with `before(table)` awaited ahead of every insert, row or raw-lines alike (which it may
 * fail by throwing).
 */
export function beforeInserts(ch: Ch, before: (table: string) => void | Promise<void>): Ch {
  const lines = ch.insertLines?.bind(ch)
  return {
    ...ch,
    query: ch.query.bind(ch),
    command: ch.command.bind(ch),
    ping: ch.ping.bind(ch),
    close: ch.close.bind(ch),
    async insert(table, rows, settings, columns) {
      await before(table)
      return ch.insert(table, rows, settings, columns)
    },
    ...(lines && {
      async insertLines(table: string, columns: readonly string[], body: Uint8Array) {
        await before(table)
        return lines(table, columns, body)
      },
    }),
  }
}

/** Wraps an engine so that the next `n` inserts throw, as a network or server failure would. */
export function failingInserts(ch: Ch): { ch: Ch; failNext(n: number): void; attempts: () => number } {
  let failures = 0
  let attempts = 0
  return {
    failNext: (n) => {
      failures = n
    },
    attempts: () => attempts,
    ch: beforeInserts(ch, () => {
      attempts += 1
      if (failures > 0) {
        failures -= 1
        throw new Error('injected insert failure')
      }
    }),
  }
}
