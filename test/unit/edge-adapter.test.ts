import { build } from 'esbuild'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { assertEdgeClean, edgeAssets } from '../../scripts/build-runtimes.ts'
import { bundledAssets } from '../../server/adapters/bundled-assets.ts'
import { clickhouseOptions, openEdgeClickHouse, trustedCountry } from '../../server/adapters/edge.ts'
import { parseConfig } from '../../server/config.ts'

describe('trustedCountry', () => {
  const config = parseConfig({ TRUSTED_PROXIES: '10.0.0.0/8' })
  const mmdb = (ip: string) => (ip === '185.107.56.1' ? 'NL' : '')
  const app = new Hono()
  const country = trustedCountry(config, (c) => c.req.header('x-test-peer') ?? '', mmdb)
  app.get('/', (c) => c.text(country('185.107.56.1', c)))
  const ask = async (headers: Record<string, string>) => (await app.request('/', { headers })).text()

  it('believes CF-IPCountry and x-vercel-ip-country from a trusted proxy', async () => {
    expect(await ask({ 'x-test-peer': '10.1.2.3', 'cf-ipcountry': 'jp' })).toBe('JP')
    expect(await ask({ 'x-test-peer': '10.1.2.3', 'x-vercel-ip-country': 'BR' })).toBe('BR')
  })

  it('ignores the header from any other peer and asks the MMDB lookup instead', async () => {
    expect(await ask({ 'x-test-peer': '198.51.100.1', 'cf-ipcountry': 'JP' })).toBe('NL')
  })

  it("treats Cloudflare's unknown (XX) and Tor (T1) values and junk as absent", async () => {
    for (const v of ['XX', 'T1', 'Japan', ''])
      expect(await ask({ 'x-test-peer': '10.1.2.3', 'cf-ipcountry': v })).toBe('NL')
  })
})

describe('clickhouseOptions', () => {
  it('splits credentials and database out of CLICKHOUSE_URL', () => {
    expect(clickhouseOptions('https://ingest:p%40ss@ch.example.com:8443/analytics')).toEqual({
      url: 'https://ch.example.com:8443',
      username: 'ingest',
      password: 'p@ss',
      database: 'analytics',
    })
    expect(clickhouseOptions('http://localhost:8123')).toMatchObject({
      username: 'default',
      database: 'default',
    })
  })

  it('refuses to start on an edge runtime without CLICKHOUSE_URL', () => {
    expect(() => openEdgeClickHouse(parseConfig({}))).toThrow(/CLICKHOUSE_URL: required on edge/)
  })
})

describe('bundled assets', () => {
  it('serves text as is and binary from base64, with the cache class of the name', () => {
    const lookup = bundledAssets([
      { path: '/js/script.js', type: 'application/javascript; charset=utf-8', cache: 'short', text: '1+1' },
      { path: '/ui/logo.0123abcd.png', type: 'image/png', cache: 'immutable', base64: 'iVBORw==' },
    ])
    expect(lookup('/js/script.js')?.body).toBe('1+1')
    expect([...(lookup('/ui/logo.0123abcd.png')!.body as Uint8Array)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(lookup('/nope')).toBeUndefined()
  })

  it('embeds the built tracker under /js/ without source maps or type declarations', () => {
    const assets = edgeAssets()
    const script = assets.find((a) => a.path === '/js/script.js')
    expect(script?.text?.length).toBeGreaterThan(100)
    expect(script?.cache).toBe('short')
    expect(assets.some((a) => a.path.endsWith('.map') || a.path.endsWith('.d.ts'))).toBe(false)
  })
})

describe('assertEdgeClean', () => {
  const meta = async (contents: string) =>
    (
      await build({
        stdin: { contents, resolveDir: process.cwd() },
        bundle: true,
        write: false,
        metafile: true,
        platform: 'neutral',
        external: ['node:*', 'fs'],
        logLevel: 'silent',
      })
    ).metafile

  it('fails a bundle that imports a node: module or a Node builtin', async () => {
    await expect(meta('import "node:fs"').then(assertEdgeClean)).rejects.toThrow(/must not use: node:fs/)
    await expect(meta('import "fs"').then(assertEdgeClean)).rejects.toThrow(/must not use: fs/)
  })

  it('passes a bundle of web-only code', async () => {
    await expect(meta('export const x = crypto.randomUUID()').then(assertEdgeClean)).resolves.toBeUndefined()
  })
})
