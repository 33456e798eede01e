import { stop as stopEsbuild } from 'esbuild'
import { startNodeServer } from '../../server/adapters/node.ts'
import { ensureAssets } from '../assets.ts'

export async function runServe(): Promise<void> {
  const built = await ensureAssets()
  if (built.length > 0) console.log(`built ${built.join(' and ')}`)
  const server = await startNodeServer({ env: process.env })
  // Everything esbuild builds (this CLI, the assets, the ingest worker) is built by now. Its service
  // process and the worker thread behind `buildSync` would otherwise stay for the server's life.
  await stopEsbuild()
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
