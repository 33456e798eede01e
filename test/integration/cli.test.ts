import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createChdbClient } from '../../server/adapters/chdb.ts'
import { cli, serveProcess } from '../support/cli.ts'
import { pageview, post } from '../support/ingest.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'crumbless-cli-'))
/** A path below a regular file: no process, root included, can create a directory there. */
function unwritable(): string {
  const file = join(tmp(), 'a-file')
  writeFileSync(file, 'x')
  return join(file, 'data')
}
/** Live processes whose parent is `pid` (from `/proc/<n>/stat`; Linux). */
function childPids(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // After the parenthesised command name: state, then the parent's pid.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry))
    } catch {
      // The process ended while the list was read.
    }
  }
  return children
}

describe('start-up refuses bad configuration with one line naming the variable', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['non-numeric PORT', { PORT: 'eighty' }, /^crumbless: PORT: /],
    ['unwritable DATA_DIR', { DATA_DIR: unwritable() }, /^crumbless: DATA_DIR: /],
    [
      'unreachable CLICKHOUSE_URL',
      { CLICKHOUSE_URL: 'http://127.0.0.1:1/db' },
      /^crumbless: CLICKHOUSE_URL: /,
    ],
    ['malformed CLICKHOUSE_URL', { CLICKHOUSE_URL: 'not a url' }, /^crumbless: CLICKHOUSE_URL: /],
  ]
  for (const [name, env, line] of cases) {
    it(name, async () => {
      const r = await cli(['serve'], { DATA_DIR: tmp(), ...env })
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr.trim()).toMatch(line)
    })
  }
})

describe('the crumbless bin', () => {
  it('compiles the CLI once for processes started together and reuses that build', async () => {
    const build = tmp()
    const runs = await Promise.all([1, 2, 3].map(() => cli(['help'], { CRUMBLESS_BUILD_DIR: build })))
    for (const r of runs) {
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('usage: crumbless <command>')
    }
    // One content-addressed build, no half-written leftovers, plain .mjs chunks.
    const dirs = readdirSync(build)
    expect(dirs).toHaveLength(1)
    expect(dirs[0]).toMatch(/^[0-9a-f]{16}$/)
    expect(readdirSync(join(build, dirs[0] ?? ''))).toContain('crumbless.mjs')
    const again = await cli(['help'], { CRUMBLESS_BUILD_DIR: build })
    expect(again.code).toBe(0)
    expect(readdirSync(build)).toEqual(dirs)
  })

  it('runs through tsx, saying so, where the build cannot be written', async () => {
    const r = await cli(['help'], { CRUMBLESS_BUILD_DIR: unwritable() })
    expect(r.code).toBe(0)
    expect(r.stderr.trim()).toMatch(/^crumbless: cannot write .* running through tsx$/)
    expect(r.stdout).toContain('usage: crumbless <command>')
  })
})

describe('crumbless CLI', () => {
  it('migrates idempotently and manages sites', async () => {
    const env = { DATA_DIR: tmp() }
    expect((await cli(['migrate'], env)).stdout).toMatch(/applied: 1 core/)
    expect((await cli(['migrate'], env)).stdout).toMatch(/up to date/)
    const added = await cli(
      ['sites', 'add', 'WWW.Example.COM', '--timezone', 'Europe/Brussels', '--retention-days', '400'],
      env,
    )
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(/added example\.com/)
    expect((await cli(['sites', 'add', 'example.com'], env)).stderr).toMatch(/already exists/)
    expect((await cli(['sites', 'add', 'bad domain!'], env)).code).toBe(1)
    expect((await cli(['sites', 'add', 'x.example', '--timezone', 'Mars/Olympus'], env)).stderr).toMatch(
      /--timezone/,
    )
    expect((await cli(['sites', 'list'], env)).stdout).toMatch(
      /example\.com\tEurope\/Brussels\tretention 400 days/,
    )
    const refused = await cli(['sites', 'remove', 'example.com'], env, 'no\n')
    expect(refused.code).toBe(1)
    expect((await cli(['sites', 'remove', 'example.com', '--yes'], env)).stdout).toMatch(
      /removed example\.com/,
    )
    expect((await cli(['sites', 'list'], env)).stdout).toMatch(/no sites yet/)
    const demo = await cli(['demo', '--days', '2', '--visits', '20'], env)
    expect(demo.code).toBe(0)
    expect(demo.stdout).toMatch(/demo: [1-9]\d* events for demo\.example over 2 days/)
    expect((await cli(['sites', 'list'], env)).stdout).toMatch(/demo\.example\tEurope\/Amsterdam/)
    expect((await cli(['nonsense'], env)).stderr).toMatch(/unknown command/)
  }, 300_000)

  it('serves without child processes (esbuild is stopped once the server is built)', async () => {
    const { child } = await serveProcess({ DATA_DIR: tmp(), PORT: '0', HOST: '127.0.0.1' })
    try {
      const pid = child.pid ?? 0
      await vi.waitFor(() => expect(childPids(pid)).toEqual([]), { timeout: 10_000, interval: 200 })
    } finally {
      child.kill('SIGKILL')
    }
  }, 120_000)

  it('refuses a second process on a served data dir, and flushes buffered events on SIGTERM', async () => {
    const dataDir = tmp()
    await cli(['sites', 'add', 'term.example'], { DATA_DIR: dataDir })
    const { child, url } = await serveProcess({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      FLUSH_INTERVAL_MS: '600000',
      TRUSTED_PROXIES: 'loopback',
    })
    const exited = new Promise<number | null>((r) => child.on('exit', r))
    try {
      for (let i = 0; i < 3; i++)
        expect((await post(url, pageview('term.example', `/t${i}`))).status).toBe(202)
      const second = await cli(['sites', 'list'], { DATA_DIR: dataDir })
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(/^crumbless: DATA_DIR: .*one process per data directory/m)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      // A failed assertion must not leave a server running after the test.
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    const client = createChdbClient(join(dataDir, 'chdb'))
    const rs = await client.query({
      query: "SELECT count() n FROM events WHERE site_id = 'term.example'",
      format: 'JSONEachRow',
    })
    expect(Number(((await rs.json()) as { n: string }[])[0]?.n)).toBe(3)
    await client.close()
  }, 180_000)
})
