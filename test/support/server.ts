import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type NodeServer, startNodeServer } from '../../server/adapters/node.ts'
import type { Site } from '../../server/collect/types.ts'
import type { Logger } from '../../server/services.ts'
import type { Ch } from '../../server/store/client.ts'
import { newSite } from '../../server/store/sites.ts'

export interface TestServer {
  url: string
  ch: Ch
  server: NodeServer
  /** Every line the server logged, to assert that nothing personal is written. */
  logs: string[]
  dataDir: string
  addSite(domain: string, over?: Partial<Site>): Promise<Site>
  /** Writes everything buffered now. */
  flush(): Promise<void>
  close(): Promise<void>
}

export interface TestServerOptions {
  env?: Record<string, string>
  wrapCh?: (ch: Ch) => Ch
  now?: () => number
}

/**
 * The real crumbless Node server on a random loopback port, chDB in a fresh temp dir.
 * Call once per test file: chDB allows one data directory per process.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crumbless-test-'))
  const logs: string[] = []
  const log: Logger = { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) }
  const server = await startNodeServer({
    env: {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      FLUSH_INTERVAL_MS: '100',
      SITE_CACHE_MS: '0',
      TRUSTED_PROXIES: 'loopback',
      ...opts.env,
    },
    log,
    ...(opts.wrapCh ? { wrapCh: opts.wrapCh } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    ch: server.ch,
    server,
    logs,
    dataDir,
    async addSite(domain, over = {}) {
      const site = newSite(domain, over)
      await server.services.sites.save(site)
      return site
    },
    flush: () => server.services.sink.flush(),
    async close() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
