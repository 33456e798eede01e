/**
 * Test helpers for the runtime suites: start a runtime as a real child process on a loopback
 * port, wait for `/healthz`, stop it; generate a workerd config; migrate an HTTP ClickHouse.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@clickhouse/client'
import { loadMigrations } from '../../server/adapters/node-engine.ts'
import type { Ch, ClickHouseLike } from '../../server/store/client.ts'
import { wrapClient } from '../../server/store/client.ts'
import { migrate } from '../../server/store/migrate.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = (name: string) => join(ROOT, 'node_modules/.bin', name)

/** A port that was free a moment ago (workerd needs one up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

export interface RuntimeProcess {
  name: string
  url: string
  output(): string
  stop(): Promise<void>
}

/**
 * Spawns `cmd args` and resolves once `GET <url>/healthz` answers 200 (or fails with the output).
 * Without `url`, the process is expected to print `listening on <url>` (crumbless does, with PORT=0).
 */
export async function startRuntime(
  name: string,
  cmd: string,
  args: string[],
  opts: { env: Record<string, string>; url?: string; cwd?: string; timeoutMs?: number },
): Promise<RuntimeProcess> {
  const child: ChildProcess = spawn(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  let url = opts.url
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${out}`)
    url ??= /listening on (http:\/\/[^\s]+)/.exec(out)?.[1]
    try {
      if (url && (await fetch(`${url}/healthz`)).status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${name} did not become healthy:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    name,
    url: url!,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/**
 * A workerd config serving the built Worker on `port`. `cfBlobHeader` makes workerd build
 * `request.cf` from a JSON request header, standing in for Cloudflare's edge; outbound fetches
 * may reach loopback (the test ClickHouse).
 */
export function workerdConfig(
  dir: string,
  bundle: string,
  port: number,
  vars: Record<string, string>,
): string {
  const bindings = Object.entries(vars)
    .map(([k, v]) => `(name = ${JSON.stringify(k)}, text = ${JSON.stringify(v)})`)
    .join(',\n      ')
  // capnp resolves `embed` relative to the config file, so the bundle sits next to it.
  copyFileSync(bundle, join(dir, 'crumbless.js'))
  const file = join(dir, 'workerd.capnp')
  writeFileSync(
    file,
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .crumbless),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:${port}", http = (cfBlobHeader = "x-test-cf"), service = "main"),
  ],
);

const crumbless :Workerd.Worker = (
  modules = [ (name = "crumbless.js", esModule = embed "crumbless.js") ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "net",
  bindings = [
      ${bindings}
  ],
);
`,
  )
  return file
}

/** Runs the migrations against an HTTP ClickHouse from this process, as `crumbless migrate` would. */
export async function migrateOver(url: string): Promise<Ch> {
  const ch = wrapClient(createClient({ url, request_timeout: 30_000 }) as unknown as ClickHouseLike)
  await migrate(ch, loadMigrations())
  return ch
}

/** Polls `read` until `done` holds (ClickHouse writes land asynchronously). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await read()
    if (done(v) || Date.now() > end) return v
    await new Promise((r) => setTimeout(r, 100))
  }
}
