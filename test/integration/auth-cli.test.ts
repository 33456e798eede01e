import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type NodeServer, startNodeServer } from '../../server/adapters/node.ts'
import { ensureSetupToken } from '../../server/auth/setup.ts'
import { cli } from '../support/cli.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'crumbless-users-'))
let server: NodeServer | undefined

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Runs `crumbless users ...` as a real process (stdin is a pipe, not a terminal). */
const users = (args: string[], input = '') => cli(['users', ...args], { DATA_DIR: dataDir }, input)

describe('crumbless users', () => {
  it('adds the first admin with a password from stdin', async () => {
    const r = await users(['add', '--admin', 'Ana@Example.com', '--password-stdin'], 'cli-password-1\n')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/added ana@example\.com \(instance admin\)/)
  })

  it('refuses a duplicate email', async () => {
    const dup = await users(['add', 'ana@example.com', '--password-stdin'], 'another-password\n')
    expect(dup.code).not.toBe(0)
    expect(dup.stderr).toMatch(/already exists/)
  })

  it('refuses a weak password and a bad email before touching the engine', async () => {
    const [weak, bad] = await Promise.all([
      users(['add', 'bo@example.com', '--password-stdin'], 'short\n'),
      users(['add', 'not-an-email', '--password-stdin'], 'long-enough-password\n'),
    ])
    expect(weak.stderr).toMatch(/at least 8/)
    expect(bad.stderr).toMatch(/email/)
  })

  it('asks for --password-stdin when there is no terminal', async () => {
    const noTty = await users(['add', 'bo@example.com'])
    expect(noTty.code).not.toBe(0)
    expect(noTty.stderr).toMatch(/--password-stdin/)
  })

  it('lists users', async () => {
    const r = await users(['list'])
    expect(r.stdout).toMatch(/^ana@example\.com\tadmin$/m)
    expect(r.stdout).not.toMatch(/bo@example\.com/)
  })

  it('the admin logs in to the server, and no setup link is issued', async () => {
    server = await startNodeServer({
      env: { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
      log: { info: () => {}, warn: () => {}, error: () => {} },
    })
    expect(await ensureSetupToken(server.services)).toBeNull()
    const url = `http://127.0.0.1:${server.port}`
    expect(await (await fetch(`${url}/api/setup`)).json()).toEqual({ needed: false })
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com', password: 'cli-password-1' }),
    })
    expect(login.status).toBe(200)
    expect((await login.json()).user).toMatchObject({ email: 'ana@example.com', isAdmin: true })
  })
})
