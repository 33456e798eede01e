import { applyMigrations, openEngine } from '../../server/adapters/node-engine.ts'
import { parseConfig } from '../../server/config.ts'

export async function runMigrate(): Promise<void> {
  const config = parseConfig(process.env)
  const ch = await openEngine(config)
  try {
    const applied = await applyMigrations(ch, config)
    console.log(
      applied.length ? `applied: ${applied.map((m) => `${m.version} ${m.name}`).join(', ')}` : 'up to date',
    )
  } finally {
    await ch.close()
  }
}
