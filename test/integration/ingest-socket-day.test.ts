import { type AddressInfo, connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIREFOX_UA, pageview } from '../support/ingest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

/**
 * The crumbless server's socket ingest path when today's salt is not cached: at a new UTC day the
 * request is still read and answered on the socket (the taker waits for the new salt, as the Hono
 * route does), so a kept-alive connection, a reverse proxy's say, stays on the socket path.
 */
const SITE = 'day.example'
const DAY = 86_400_000
let now = Date.UTC(2026, 10, 30, 23, 59, 0)
let t: TestServer

beforeAll(async () => {
  t = await startTestServer({ now: () => now })
  await t.addSite(SITE)
})
afterAll(async () => {
  await t.close()
})

function request(path: string): string {
  const body = JSON.stringify(pageview(SITE, path))
  return `POST /api/event HTTP/1.1\r\nHost: x\r\nUser-Agent: ${FIREFOX_UA}\r\nX-Forwarded-For: 8.8.8.8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/** Sends on one kept-alive connection and waits for the n-th answer. */
function answers(socket: Socket, n: number): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    const onData = (d: Buffer) => {
      text += d.toString()
      if ((text.match(/^HTTP\/1\.1 /gm) ?? []).length >= n) {
        socket.off('data', onData)
        resolve(text)
      }
    }
    socket.on('data', onData)
  })
}

describe('socket ingest across a UTC day', () => {
  it('answers on the socket when the new day has no cached salt yet, and stores under the new salt', async () => {
    const ingest = t.server.socketIngest
    if (!ingest) throw new Error('the test server should read ingest on the socket')
    const { port } = t.server
    const socket = await new Promise<Socket>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(s))
    })
    expect((socket.address() as AddressInfo).port).toBeGreaterThan(0)
    // The first request loads the sites and the salt; either way it is taken here.
    const first = answers(socket, 1)
    socket.write(request('/before'))
    expect(await first).toMatch(/^HTTP\/1\.1 202 /)
    const taken = ingest.taken()
    now += DAY
    expect(t.server.services.salts.cachedToday()).toBeNull()
    const second = answers(socket, 1)
    socket.write(request('/after'))
    expect(await second).toMatch(/^HTTP\/1\.1 202 /)
    expect(ingest.taken()).toBe(taken + 1)
    expect(ingest.size()).toBe(1)
    socket.destroy()
    await t.flush()
    const rows = await t.ch.query<{ path: string; day: string }>(
      `SELECT path, toString(toDate(ts)) day FROM events WHERE site_id = {site:String} ORDER BY path`,
      { site: SITE },
    )
    expect(rows).toEqual([
      { path: '/after', day: '2026-12-01' },
      { path: '/before', day: '2026-11-30' },
    ])
    const visitors = await t.ch.query<{ n: number }>(
      'SELECT toUInt32(uniqExact(visitor)) n FROM events WHERE site_id = {site:String}',
      { site: SITE },
    )
    // The same person under two days' salts: two visitor ids.
    expect(visitors).toEqual([{ n: 2 }])
  })
})
