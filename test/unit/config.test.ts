import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../server/config.ts'

describe('parseConfig', () => {
  it('has working defaults for the embedded engine', () => {
    const c = parseConfig({})
    expect(c).toMatchObject({
      port: 8000,
      dataDir: './data',
      clickhouseUrl: null,
      gpcPolicy: 'drop',
      dntPolicy: 'keep',
      flushIntervalMs: 5000,
      flushMaxRows: 10_000,
      ingestThread: 'auto',
      ingestSocket: true,
      trustedProxies: [],
      publicUrl: 'http://localhost:8000',
    })
  })

  it('reads every documented variable', () => {
    const c = parseConfig({
      PORT: '9000',
      PUBLIC_URL: 'https://stats.example.com/',
      CLICKHOUSE_URL: 'http://u:p@ch:8123/crumbless',
      TRUSTED_PROXIES: '10.0.0.0/8, loopback',
      GPC_POLICY: 'keep',
      DNT_POLICY: 'drop',
      BUFFER_MAX_ROWS: '10',
      INGEST_RATE_LIMIT: '0',
      INGEST_SOCKET: 'off',
    })
    expect(c).toMatchObject({
      port: 9000,
      publicUrl: 'https://stats.example.com',
      clickhouseUrl: 'http://u:p@ch:8123/crumbless',
      trustedProxies: ['10.0.0.0/8', 'loopback'],
      gpcPolicy: 'keep',
      dntPolicy: 'drop',
      bufferMaxRows: 10,
      ingestRateLimit: 0,
      ingestSocket: false,
    })
  })

  const bad: [Record<string, string>, string][] = [
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CLICKHOUSE_URL: 'ftp://x' }, 'CLICKHOUSE_URL'],
    [{ GPC_POLICY: 'maybe' }, 'GPC_POLICY'],
    [{ FLUSH_MAX_ROWS: '0' }, 'FLUSH_MAX_ROWS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ INGEST_THREAD: 'sometimes' }, 'INGEST_THREAD'],
    [{ INGEST_SOCKET: 'yes' }, 'INGEST_SOCKET'],
    [{ CLICKHOUSE_CLUSTER: 'prod' }, 'CLICKHOUSE_CLUSTER'],
  ]
  for (const [env, variable] of bad) {
    it(`rejects ${JSON.stringify(env)} naming ${variable}`, () => {
      expect(() => parseConfig(env)).toThrow(ConfigError)
      expect(() => parseConfig(env)).toThrow(new RegExp(`^${variable}: `))
    })
  }
})
