import { gzipSync } from 'node:zlib'
import {
  ClickHouseLogLevel,
  createClient as createNodeClient,
  ClickHouseError as NodeClickHouseError,
} from '@clickhouse/client'
import {
  createClient as createWebClient,
  ClickHouseError as WebClickHouseError,
} from '@clickhouse/client-web'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wrapClient } from '../../server/store/client.ts'
import { type ClickHouseHttp, spawnClickHouseHttp } from '../support/clickhouse-http.ts'

const PASSWORD = 'p@ss:word'
// Failures are the point of several tests; keep the clients' own error logging quiet.
const log = { level: ClickHouseLogLevel.OFF }
let ch: ClickHouseHttp

beforeAll(async () => {
  ch = await spawnClickHouseHttp({ password: PASSWORD })
})
afterAll(async () => {
  await ch?.stop()
})

type AnyClient = ReturnType<typeof createNodeClient> | ReturnType<typeof createWebClient>
interface Flavour {
  name: 'node' | 'web'
  make(opts?: { database?: string; password?: string; multipart?: boolean }): AnyClient
  ClickHouseError: typeof NodeClickHouseError | typeof WebClickHouseError
}

const flavours: Flavour[] = [
  {
    name: 'node',
    make: (o = {}) =>
      createNodeClient({
        url: ch.url,
        password: o.password ?? PASSWORD,
        database: o.database,
        use_multipart_params: o.multipart,
        log,
      }),
    ClickHouseError: NodeClickHouseError,
  },
  {
    name: 'web',
    make: (o = {}) =>
      createWebClient({
        url: ch.url,
        password: o.password ?? PASSWORD,
        database: o.database,
        use_multipart_params: o.multipart,
        log,
      }),
    ClickHouseError: WebClickHouseError,
  },
]

async function rows<T>(
  client: AnyClient,
  query: string,
  query_params?: Record<string, unknown>,
): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow', query_params })
  return rs.json<T>()
}

const auth = { Authorization: `Basic ${btoa(`default:${PASSWORD}`)}` }

describe.each(flavours)('$name client against the chDB-backed HTTP server', (f) => {
  const db = `db_${f.name}`

  it('answers ping', async () => {
    const client = f.make()
    expect((await client.ping()).success).toBe(true)
    await client.close()
  })

  it('runs DDL, inserts JSONEachRow and reads it back', async () => {
    const client = f.make()
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` })
    await client.command({
      query: `CREATE TABLE ${db}.t (id UInt64, name String, tags Array(String), ts DateTime64(3, 'UTC'))
              ENGINE = MergeTree ORDER BY id`,
    })
    await client.insert({
      table: `${db}.t`,
      format: 'JSONEachRow',
      values: [
        { id: 1, name: "it's", tags: ['a'], ts: '2026-01-02 03:04:05.678' },
        { id: '18446744073709551615', name: 'ünï 🦀', tags: [], ts: '2026-01-02 03:04:06.000' },
      ],
    })
    const got = await rows<{ id: string; name: string }>(
      client,
      `SELECT toString(id) AS id, name FROM ${db}.t ORDER BY id`,
    )
    expect(got).toEqual([
      { id: '1', name: "it's" },
      { id: '18446744073709551615', name: 'ünï 🦀' },
    ])
    await client.close()
  })

  it('binds String, UInt64, Array(String) and DateTime64 parameters exactly', async () => {
    const client = f.make()
    const tricky = `it's "quoted" \\ back\\slash\ttab\nnewline ünïcødé 🦀 {x:String}`
    const [row] = await rows<Record<string, unknown>>(
      client,
      `SELECT {s:String} AS s, toString({big:UInt64}) AS big, toString({bigint:UInt64}) AS bigint,
              {arr:Array(String)} AS arr, toString({ts:DateTime64(3, 'UTC')}) AS ts,
              toString({d:DateTime64(3, 'UTC')}) AS d, {none:Nullable(String)} AS none,
              {m:Map(String, UInt32)} AS m`,
      {
        s: tricky,
        big: '18446744073709551615',
        bigint: 9007199254740993n,
        arr: ["a'b", 'c\\d', 'e,f]', ''],
        ts: '2026-03-04 05:06:07.089',
        d: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
        none: null,
        m: { "k'1": 1, k2: 2 },
      },
    )
    expect(row).toEqual({
      s: tricky,
      big: '18446744073709551615',
      bigint: '9007199254740993',
      arr: ["a'b", 'c\\d', 'e,f]', ''],
      ts: '2026-03-04 05:06:07.089',
      d: '2026-01-02 03:04:05.678',
      none: null,
      m: { "k'1": 1, k2: 2 },
    })
    await client.close()
  })

  it('binds parameters sent in a multipart body', async () => {
    const client = f.make({ multipart: true })
    const [row] = await rows<{ s: string; n: number }>(client, 'SELECT {s:String} AS s, {n:UInt8} + 1 AS n', {
      s: "multi'part",
      n: 41,
    })
    expect(row).toEqual({ s: "multi'part", n: 42 })
    await client.close()
  })

  it('keeps concurrent requests apart (parameters, settings, database)', async () => {
    const client = f.make()
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        client
          .query({
            query: "SELECT {i:UInt32} AS i, getSetting('max_threads') AS m, currentDatabase() AS d",
            format: 'JSONEachRow',
            query_params: { i },
            clickhouse_settings: { max_threads: (i % 4) + 1 },
          })
          .then((rs) => rs.json<{ i: number; m: number; d: string }>()),
      ),
    )
    expect(results).toEqual(Array.from({ length: 24 }, (_, i) => [{ i, m: (i % 4) + 1, d: 'default' }]))
    await client.close()
  })

  it('passes settings through, per request only', async () => {
    const client = f.make()
    const q = (settings?: Record<string, number>) =>
      client
        .query({
          query: "SELECT getSetting('max_threads') AS m, toUInt64(1) AS one",
          format: 'JSONEachRow',
          clickhouse_settings: settings,
        })
        .then((rs) => rs.json<{ m: unknown; one: unknown }>())
    const [tuned] = await q({ max_threads: 3, output_format_json_quote_64bit_integers: 1 })
    expect(tuned).toEqual({ m: 3, one: '1' })
    const [plain] = await q({ output_format_json_quote_64bit_integers: 0 })
    expect(plain?.one).toBe(1)
    expect(plain?.m).not.toBe(3)
    await client.close()
  })

  it('selects the database given to the client', async () => {
    const admin = f.make()
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}_sel` })
    await admin.close()
    const client = f.make({ database: `${db}_sel` })
    expect(await rows(client, 'SELECT currentDatabase() AS d')).toEqual([{ d: `${db}_sel` }])
    await client.command({ query: 'CREATE TABLE local (x UInt8) ENGINE = Memory' })
    await client.insert({ table: 'local', format: 'JSONEachRow', values: [{ x: 7 }] })
    expect(await rows(client, 'SELECT x FROM local')).toEqual([{ x: 7 }])
    const other = f.make()
    expect(await rows(other, `SELECT x FROM ${db}_sel.local`)).toEqual([{ x: 7 }])
    expect(await rows(other, 'SELECT currentDatabase() AS d')).toEqual([{ d: 'default' }])
    await Promise.all([client.close(), other.close()])
  })

  it('surfaces a wrong password as an authentication error', async () => {
    const client = f.make({ password: 'wrong' })
    const err = await client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(f.ClickHouseError)
    expect(err).toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' })
    expect((await client.ping()).success).toBe(f.name === 'node') // node pings /ping, which needs no auth
    await client.close()
  })

  it('throws ClickHouseError with the engine code for SQL errors', async () => {
    const client = f.make()
    await expect(
      client.query({ query: 'SELECT * FROM no_such_table', format: 'JSONEachRow' }),
    ).rejects.toMatchObject({
      code: '60',
      type: 'UNKNOWN_TABLE',
    })
    const syntax = await client.command({ query: 'SELEC 1' }).catch((e: unknown) => e)
    expect(syntax).toBeInstanceOf(f.ClickHouseError)
    expect(syntax).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' })
    await client.close()
  })

  it('fails while the server is down and recovers after', async () => {
    const client = f.make()
    expect((await client.ping()).success).toBe(true)
    await ch.setDown(true)
    try {
      await expect(rows(client, 'SELECT 1 AS x')).rejects.toBeInstanceOf(Error)
      expect((await client.ping()).success).toBe(false)
      await ch.setDown('503')
      await expect(rows(client, 'SELECT 1 AS x')).rejects.toThrow(/Service Unavailable/)
    } finally {
      await ch.setDown(false)
    }
    expect(await rows(client, 'SELECT 1 AS x')).toEqual([{ x: 1 }])
    await client.close()
  })

  it('works behind wrapClient', async () => {
    const ch2 = wrapClient(f.make())
    expect(await ch2.ping()).toBe(true)
    await ch2.command(`CREATE TABLE IF NOT EXISTS ${db}.w (k String, n UInt64) ENGINE = MergeTree ORDER BY k`)
    await ch2.insert(`${db}.w`, [
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
    ])
    const got = await ch2.query<{ total: number }>(
      `SELECT sum(n) AS total FROM ${db}.w WHERE k IN {ks:Array(String)}`,
      {
        ks: ['a', 'b'],
      },
    )
    expect(got).toEqual([{ total: 3 }])
    await ch2.close()
  })
})

describe('the HTTP interface itself', () => {
  it('answers /ping and bare GET / with Ok.', async () => {
    for (const path of ['/ping', '/']) {
      const res = await fetch(`${ch.url}${path}`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('Ok.\n')
    }
  })

  it('sends the X-ClickHouse-* headers and echoes the query id', async () => {
    const res = await fetch(`${ch.url}/?query_id=my-id&default_format=JSONEachRow`, {
      method: 'POST',
      headers: auth,
      body: 'SELECT number FROM system.numbers LIMIT 3',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-clickhouse-query-id')).toBe('my-id')
    expect(res.headers.get('x-clickhouse-format')).toBe('JSONEachRow')
    expect(res.headers.get('x-clickhouse-timezone')).toBeTruthy()
    expect(JSON.parse(res.headers.get('x-clickhouse-summary') ?? '{}')).toMatchObject({ result_rows: '3' })
    expect(await res.text()).toBe('{"number":0}\n{"number":1}\n{"number":2}\n')
  })

  it('renders errors in ClickHouse format with the exception code header and status', async () => {
    const res = await fetch(`${ch.url}/`, { method: 'POST', headers: auth, body: 'SELECT * FROM nope' })
    expect(res.status).toBe(404)
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('60')
    expect(await res.text()).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\) \(version [\d.]+\)\n$/s)
  })

  it('accepts X-ClickHouse-User/Key and user/password parameters, rejects wrong ones', async () => {
    const viaHeaders = await fetch(`${ch.url}/?query=SELECT%201`, {
      headers: { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': PASSWORD },
    })
    expect(await viaHeaders.text()).toBe('1\n')
    const viaUrl = await fetch(
      `${ch.url}/?query=SELECT%202&user=default&password=${encodeURIComponent(PASSWORD)}`,
    )
    expect(await viaUrl.text()).toBe('2\n')
    const wrong = await fetch(`${ch.url}/?query=SELECT%201`, { headers: { 'X-ClickHouse-Key': 'nope' } })
    expect(wrong.status).toBe(403)
    expect(wrong.headers.get('x-clickhouse-exception-code')).toBe('516')
  })

  it('refuses two statements in one request, like the real server, but not a ; inside data', async () => {
    const post = (body: string, query = '') =>
      fetch(`${ch.url}/${query}`, { method: 'POST', headers: auth, body })
    const two = await post("SELECT 1; SELECT ';'")
    expect(two.status).toBe(400)
    expect(await two.text()).toMatch(/Multi-statements are not allowed.*\(SYNTAX_ERROR\)/s)
    expect(await (await post("SELECT 'a;b' AS x; -- trailing\n")).text()).toBe('a;b\n')
    expect((await post('CREATE TABLE semi (s String) ENGINE = Memory')).status).toBe(200)
    const insert = `?query=${encodeURIComponent('INSERT INTO semi FORMAT JSONEachRow')}`
    expect((await post('{"s":"x; DROP TABLE semi;"}\n', insert)).status).toBe(200)
    expect(await (await post('SELECT s FROM semi')).text()).toBe('x; DROP TABLE semi;\n')
  })

  it('runs GET requests read-only, like the real server', async () => {
    const res = await fetch(
      `${ch.url}/?query=${encodeURIComponent('CREATE TABLE ro (x UInt8) ENGINE = Memory')}`,
      {
        headers: auth,
      },
    )
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('164')
  })

  it('takes a gzip request body and compresses the response only when asked', async () => {
    const query = encodeURIComponent('SELECT {s:String} AS s FORMAT JSONEachRow')
    const res = await fetch(`${ch.url}/?query=${query}&param_s=zipped&enable_http_compression=1`, {
      method: 'POST',
      headers: { ...auth, 'Content-Encoding': 'gzip', 'Accept-Encoding': 'gzip' },
      body: gzipSync(''),
    })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(await res.text()).toBe('{"s":"zipped"}\n') // fetch decompresses
    const plain = await fetch(`${ch.url}/?query=${query}&param_s=plain`, {
      method: 'POST',
      headers: { ...auth, 'Accept-Encoding': 'gzip' },
    })
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(await plain.text()).toBe('{"s":"plain"}\n')
  })

  it('inserts rows sent gzip-compressed by the node client', async () => {
    const client = createNodeClient({
      url: ch.url,
      password: PASSWORD,
      compression: { request: true, response: true },
      log,
    })
    await client.command({ query: 'CREATE TABLE IF NOT EXISTS gz (x UInt32) ENGINE = MergeTree ORDER BY x' })
    await client.insert({ table: 'gz', format: 'JSONEachRow', values: [{ x: 1 }, { x: 2 }, { x: 3 }] })
    const rs = await client.query({ query: 'SELECT sum(x) AS s FROM gz', format: 'JSONEachRow' })
    expect(rs.response_headers['content-encoding']).toBe('gzip')
    expect(await rs.json()).toEqual([{ s: 6 }])
    await client.close()
  })

  it('lands async inserts that the client does not wait for', async () => {
    const client = createWebClient({ url: ch.url, password: PASSWORD, log })
    await client.command({ query: 'CREATE TABLE IF NOT EXISTS ai (x UInt32) ENGINE = MergeTree ORDER BY x' })
    await client.insert({
      table: 'ai',
      format: 'JSONEachRow',
      values: [{ x: 5 }],
      clickhouse_settings: { async_insert: 1, wait_for_async_insert: 0 },
    })
    await expect
      .poll(async () => rows(client, 'SELECT count() AS c FROM ai'), { timeout: 20_000 })
      .toEqual([{ c: 1 }])
    await client.close()
  })
})
