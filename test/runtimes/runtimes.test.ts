/**
 * The same collector on four real runtimes — Node (tsx), Cloudflare's workerd with the built
 * Workers bundle, Deno and Bun with their bundles — all sharing one ClickHouse over HTTP.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRuntimes, type RuntimeBuild, WORKERS_BUDGET_BYTES } from '../../scripts/build-runtimes.ts'
import { KeyStore } from '../../server/auth/keys.ts'
import { hashPassword } from '../../server/auth/password.ts'
import { UserStore } from '../../server/auth/users.ts'
import type { Ch } from '../../server/store/client.ts'
import { newSite, SiteStore } from '../../server/store/sites.ts'
import { type ClickHouseHttp, spawnClickHouseHttp } from '../support/clickhouse-http.ts'
import { FIREFOX_UA } from '../support/ingest.ts'
import {
  BIN,
  eventually,
  freePort,
  migrateOver,
  ROOT,
  type RuntimeProcess,
  startRuntime,
  workerdConfig,
} from './runtime-process.ts'

const SITE = 'runtimes.example'
/** A Dutch address in the bundled MMDB database. */
const IP = '185.107.56.1'
const EMAIL = 'runtimes@example.com'
const PASSWORD = 'correct horse battery staple'

type Name = 'node' | 'workers' | 'deno' | 'bun'

interface Case {
  name: Name
  /** Headers that carry the client address (and, on workerd, `request.cf`). */
  client: Record<string, string>
  country: string
  geo: string
}

const CASES: Case[] = [
  { name: 'node', client: { 'x-forwarded-for': IP }, country: 'NL', geo: 'the MMDB file' },
  // workerd builds request.cf from this header (cfBlobHeader), as Cloudflare's edge would; DE on
  // purpose, so a pass proves the country came from request.cf and not from the IP.
  {
    name: 'workers',
    client: { 'cf-connecting-ip': IP, 'x-test-cf': '{"country":"DE"}' },
    country: 'DE',
    geo: 'request.cf.country',
  },
  { name: 'deno', client: { 'x-forwarded-for': IP }, country: 'NL', geo: 'the MMDB file (Deno.readFile)' },
  { name: 'bun', client: { 'x-forwarded-for': IP }, country: 'NL', geo: 'the MMDB file (Bun.file)' },
]

let clickhouse: ClickHouseHttp
let ch: Ch
let apiKey: string
let workDir: string
let builds: RuntimeBuild[]
/** The built tracker and dashboard as the bundles embed them (read just before bundling). */
let tracker: string
let dashboard: { js: string; code: string }
const procs = new Map<Name, RuntimeProcess>()

const bundleOf = (runtime: Name) => builds.find((b) => b.runtime === runtime)!.file

/** Node, Deno and Bun bind PORT=0 and print their URL; workerd needs its port in the config. */
async function start(name: Name, env: Record<string, string>): Promise<RuntimeProcess> {
  const all: Record<string, string> = { ...env, PORT: '0' }
  if (name === 'node')
    return startRuntime(name, process.execPath, ['scripts/crumbless.mjs', 'serve'], { env: all })
  if (name === 'bun') return startRuntime(name, BIN('bun'), [bundleOf('bun')], { env: all })
  if (name === 'deno') {
    const bundle = bundleOf('deno')
    const perms = ['--no-prompt', '--allow-net', '--allow-env', `--allow-read=${dirname(bundle)}`]
    return startRuntime(name, BIN('deno'), ['run', ...perms, bundle], { env: all })
  }
  // Workers: the client address is CF-Connecting-IP (no trusted proxy in front); no host or port to bind.
  const { TRUSTED_PROXIES: _none, HOST: _host, PORT: _port, ...vars } = all
  const port = await freePort()
  const config = workerdConfig(workDir, bundleOf('workers'), port, vars)
  return startRuntime(name, BIN('workerd'), ['serve', config], { env: {}, url: `http://127.0.0.1:${port}` })
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'crumbless-runtimes-'))
  // Bundles go to this test's own directory: other test files may be building at the same time.
  ;[builds, clickhouse] = await Promise.all([
    buildRuntimes(undefined, join(workDir, 'dist')),
    spawnClickHouseHttp(),
  ])
  tracker = readFileSync(join(ROOT, 'tracker/dist/script.js'), 'utf8')
  const { js } = JSON.parse(readFileSync(join(ROOT, 'dashboard/dist/manifest.json'), 'utf8')) as {
    js: string
  }
  dashboard = { js, code: readFileSync(join(ROOT, 'dashboard/dist', js), 'utf8') }
  ch = await migrateOver(clickhouse.url)
  await new SiteStore(ch, Date.now, 0).save(newSite(SITE))
  const user = await new UserStore(ch, Date.now).create({
    email: EMAIL,
    passwordHash: await hashPassword(PASSWORD),
    isAdmin: true,
  })
  apiKey = (await new KeyStore(ch, Date.now).create(user.id, 'runtime tests', [SITE])).secret
  const env = {
    CLICKHOUSE_URL: clickhouse.url,
    HOST: '127.0.0.1',
    TRUSTED_PROXIES: 'loopback',
    FLUSH_INTERVAL_MS: '100',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(workDir, 'data'),
  }
  const started = await Promise.all(CASES.map((c) => start(c.name, env)))
  for (const p of started) procs.set(p.name as Name, p)
}, 120_000)

afterAll(async () => {
  await Promise.all([...procs.values()].map((p) => p.stop()))
  await ch?.close()
  await clickhouse?.stop()
  rmSync(workDir, { recursive: true, force: true })
})

const url = (name: Name) => procs.get(name)!.url

function postEvent(name: Name, body: string, headers: Record<string, string> = {}): Promise<Response> {
  const c = CASES.find((x) => x.name === name)!
  return fetch(`${url(name)}/api/event`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX_UA, ...c.client, ...headers },
    body,
  })
}

const pageview = (path: string) =>
  JSON.stringify({ n: 'pageview', u: `https://${SITE}${path}`, d: SITE, r: null, w: 1280 })

async function rowFor(path: string): Promise<{ country: string; v: string } | undefined> {
  const read = () =>
    ch.query<{ country: string; v: string }>(
      'SELECT country, toString(visitor) AS v FROM events WHERE site_id = {s:String} AND path = {p:String}',
      { s: SITE, p: path },
    )
  return (await eventually(read, (rows) => rows.length > 0))[0]
}

/** Requests that every runtime must refuse exactly as the Node server does. */
const BAD: Array<{ what: string; body: string }> = [
  { what: 'malformed JSON', body: '{"n":"pageview",' },
  { what: 'a missing domain', body: JSON.stringify({ n: 'pageview', u: `https://${SITE}/` }) },
  { what: 'a non-http page URL', body: JSON.stringify({ n: 'pageview', u: 'javascript:alert(1)', d: SITE }) },
  {
    what: 'a body over 16 KB',
    body: JSON.stringify({ n: 'pageview', u: `https://${SITE}/`, d: SITE, p: { x: 'a'.repeat(17_000) } }),
  },
]

describe.each(CASES)('$name', ({ name, country, geo }) => {
  it('serves the tracker script built into it', async () => {
    const res = await fetch(`${url(name)}/js/script.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/javascript/)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(await res.text()).toBe(tracker)
  })

  it('serves the dashboard page and its content-hashed script', async () => {
    const page = await fetch(`${url(name)}/login`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(await page.text()).toContain(`/ui/${dashboard.js}`)
    const js = await fetch(`${url(name)}/ui/${dashboard.js}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toContain('immutable')
    expect(await js.text()).toBe(dashboard.code)
  })

  it(`answers 202 and stores the pageview with its country from ${geo} and a visitor id`, async () => {
    const res = await postEvent(name, pageview(`/on-${name}`))
    expect(res.status).toBe(202)
    expect(res.headers.get('x-crumbless-dropped')).toBeNull()
    const row = await rowFor(`/on-${name}`)
    expect(row?.country).toBe(country)
    expect(row?.v).toMatch(/^[1-9]\d*$/)
  })

  it('counts that pageview in the Stats API (API key)', async () => {
    const q = new URLSearchParams({
      site_id: SITE,
      period: 'day',
      metrics: 'pageviews',
      filters: `event:page==/on-${name}`,
    })
    const res = await fetch(`${url(name)}/api/v1/stats/aggregate?${q}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ results: { pageviews: { value: 1 } } })
  })

  it('logs in to the dashboard API and is recognised by its session cookie', async () => {
    const c = CASES.find((x) => x.name === name)!
    const login = await fetch(`${url(name)}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...c.client },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.getSetCookie().find((h) => h.startsWith('crumbless_session='))
    expect(cookie).toMatch(/HttpOnly/i)
    const me = await fetch(`${url(name)}/api/auth/me`, {
      headers: { cookie: cookie!.split(';')[0]!, ...c.client },
    })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ user: { email: EMAIL } })
  })

  it.each(BAD)('refuses $what with the same status and error as Node', async ({ body }) => {
    const [res, ref] = await Promise.all([postEvent(name, body), postEvent('node', body)])
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(res.status).toBe(ref.status)
    expect(await res.json()).toEqual(await ref.json())
  })
})

describe('the build', () => {
  it(`makes one bundle per edge runtime; the Workers one has no node: import, no chdb and stays under ${WORKERS_BUDGET_BYTES} B`, () => {
    expect(builds.map((b) => b.runtime)).toEqual(['workers', 'deno', 'bun'])
    const workers = builds[0]!
    expect(workers.bytes).toBeLessThan(WORKERS_BUDGET_BYTES)
    const code = readFileSync(workers.file, 'utf8')
    expect(code).not.toMatch(/["'`]node:[a-z_/]+["'`]/)
    expect(code).not.toMatch(/chdb/i)
    expect(code).toMatch(/export\s*\{[^}]*as default/)
  })
})

describe('across runtimes', () => {
  it('gives the same visitor id for the same IP and user agent on every runtime (one salt per day)', async () => {
    const ids = await Promise.all(CASES.map((c) => rowFor(`/on-${c.name}`)))
    expect(new Set(ids.map((r) => r?.v)).size).toBe(1)
  })

  it.each(['deno', 'bun'] as const)(
    '%s takes the country from CF-IPCountry set by a trusted proxy (loopback) over the MMDB answer',
    async (name) => {
      expect((await postEvent(name, pageview(`/cf-${name}`), { 'cf-ipcountry': 'JP' })).status).toBe(202)
      expect((await rowFor(`/cf-${name}`))?.country).toBe('JP')
    },
  )
})
