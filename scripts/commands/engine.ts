import { applyMigrations, openEngine } from '../../server/adapters/node-engine.ts'
import { type Config, parseConfig } from '../../server/config.ts'
import type { Ch } from '../../server/store/client.ts'

/** Opens the configured engine with migrations applied, for one-shot CLI commands. */
export async function withEngine<T>(fn: (ch: Ch, config: Config) => Promise<T>): Promise<T> {
  const config = parseConfig(process.env)
  const ch = await openEngine(config)
  try {
    await applyMigrations(ch, config)
    return await fn(ch, config)
  } finally {
    await ch.close()
  }
}
