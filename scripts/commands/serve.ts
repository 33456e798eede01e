import { startNodeServer } from '../../server/adapters/node.ts'
import { ensureAssets } from '../assets.ts'

export async function runServe(): Promise<void> {
  const built = await ensureAssets()
  if (built.length > 0) console.log(`built ${built.join(' and ')}`)
  const server = await startNodeServer({ env: process.env })
  console.log(`crumbless listening on ${server.url}`)
  const stop = (signal: string) => {
    console.log(`${signal}: flushing and shutting down`)
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`shutdown failed: ${(err as Error).message}`)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
}
