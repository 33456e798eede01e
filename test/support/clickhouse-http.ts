/**
 * TEST FIXTURE, not part of crumbless: a ClickHouse HTTP interface in front of
 * chDB, so HTTP-mode tests run real ClickHouse SQL through the official clients
 * (`@clickhouse/client`, `@clickhouse/client-web`) without a ClickHouse server.
 * See test/support/README.md for what of the interface it covers.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openEngine } from './clickhouse-http/engine.ts'
import { createHandler, type DownMode, type HandlerState } from './clickhouse-http/handler.ts'

export interface ClickHouseHttpOptions {
  /** chDB data directory; a fresh temp dir (removed on stop) when omitted. */
  dataDir?: string
  /** Loopback port; a free one when omitted. */
  port?: number
  /** Accepted user (default `default`). */
  user?: string
  /** Accepted password (default empty). */
  password?: string
}

export interface ClickHouseHttp {
  /** Base URL for `createClient({ url })`, e.g. `http://127.0.0.1:40123`. */
  url: string
  port: number
  stop(): Promise<void>
  /**
   * Simulates an outage: `true` drops every connection (clients see a reset),
   * `'503'` answers 503 like a proxy without a backend; `false` recovers.
   */
  setDown(down: boolean | '503'): Promise<void>
}

/**
 * POSTs to a control endpoint on a connection of its own: a pooled keep-alive socket may be one the
 * simulated outage just dropped, and a POST on it fails instead of being retried.
 */
function control(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

/**
 * Starts the server in THIS process. chDB binds one data path per process, so
 * use this only where the process has no other chDB; otherwise
 * {@link spawnClickHouseHttp}.
 *
 * @example
 * const ch = await startClickHouseHttp({ password: 'secret' })
 * const client = createClient({ url: ch.url, password: 'secret' })
 * await ch.stop()
 */
export async function startClickHouseHttp(opts: ClickHouseHttpOptions = {}): Promise<ClickHouseHttp> {
  const ownDir = opts.dataDir === undefined
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'crumbless-chhttp-'))
  const engine = await openEngine(dataDir)
  const server = createServer()
  const state: HandlerState = { down: undefined, onDown: () => server.closeIdleConnections() }
  const creds = { user: opts.user ?? 'default', password: opts.password ?? '' }
  server.on('request', createHandler(engine, creds, state))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  let stopped = false
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async setDown(down) {
      state.down = down === false ? undefined : down === '503' ? '503' : ('reset' satisfies DownMode)
      if (state.down !== undefined) state.onDown?.()
    },
    async stop() {
      if (stopped) return
      stopped = true
      await closeServer(server)
      await engine.close()
      if (ownDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const MAIN = fileURLToPath(new URL('./clickhouse-http-main.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))
const READY = 'CLICKHOUSE_HTTP_READY '

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const line = out.split('\n').find((l) => l.startsWith(READY))
      if (line !== undefined) {
        child.stdout?.off('data', onData)
        child.stdout?.resume()
        resolve(Number(line.slice(READY.length)))
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8')
    })
    child.once('exit', (code) =>
      reject(new Error(`clickhouse-http child exited (${code}) before ready: ${err}`)),
    )
  })
}

/**
 * Starts the server in a CHILD process (tsx), so the test process keeps its
 * own chDB and several runtime processes can share one ClickHouse. Resolves
 * once `/ping` answers. `setDown` goes over the test-only `/__control/*`
 * endpoints, which the simulated outage does not affect.
 *
 * @example
 * const ch = await spawnClickHouseHttp()
 * await ch.setDown(true) // clients now fail
 * await ch.setDown(false) // and recover
 * await ch.stop()
 */
export async function spawnClickHouseHttp(opts: ClickHouseHttpOptions = {}): Promise<ClickHouseHttp> {
  const child = spawn(TSX, [MAIN, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'pipe'] })
  const port = await waitForPort(child)
  const url = `http://127.0.0.1:${port}`
  const ping = await fetch(`${url}/ping`)
  if (!ping.ok) throw new Error(`clickhouse-http child is not answering /ping (${ping.status})`)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url,
    port,
    async setDown(down) {
      const path = down === false ? '/__control/up' : `/__control/down${down === '503' ? '?mode=503' : ''}`
      const status = await control(`${url}${path}`)
      if (status !== 204) throw new Error(`clickhouse-http control ${path} answered ${status}`)
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      // Closing stdin is the child's signal to stop; it also fires if this process dies.
      child.stdin?.end()
      await exited
    },
  }
}
