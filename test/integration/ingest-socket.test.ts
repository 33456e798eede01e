import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  answerText,
  attachSocketIngest,
  CLOSE_LINES,
  keepAliveLines,
  type SocketIngest,
  type TakeIngest,
} from '../../server/adapters/node-ingest-socket.ts'
import type { IngestAnswer } from '../../server/routes/ingest.ts'

/**
 * The socket ingest path's transport on a real Node HTTP server and real TCP connections: what it
 * takes, what it hands to Node's parser and when, in which order answers go out, and how
 * connections end. The pipeline is replaced by `take` here (no engine needed for framing); the
 * crumbless server's own use of it is tested in ingest-fast-path.test.ts.
 */
const ACCEPTED: IngestAnswer = { status: 202, headers: { 'Access-Control-Allow-Origin': '*' }, body: null }

let server: Server
let sockets: SocketIngest
let port = 0
let taken: Array<{ headers: Readonly<Record<string, string>>; body: string; remote: string }> = []
let seenByNode: string[] = []
/** `later`: answers after a few ms (as the worker thread does); `now`: inside take; `decline`. */
let mode: 'later' | 'now' | 'big' | 'decline' | 'throw' = 'later'
/** The answer of `big`: given at once, 10 KB each. */
const BIG: IngestAnswer = { status: 400, headers: {}, body: 'x'.repeat(10_000) }

const take: TakeIngest = (headers, body, remote, answer) => {
  if (mode === 'decline') return false
  if (mode === 'throw') throw new Error('take broke')
  taken.push({ headers, body, remote })
  if (mode === 'now') answer(ACCEPTED)
  else if (mode === 'big') answer(BIG)
  else setTimeout(() => answer(ACCEPTED), 5 + (body.length % 3) * 5)
  return true
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => {
      body += d
    })
    req.on('end', () => {
      seenByNode.push(`${req.method} ${req.url} ${body}`)
      res.writeHead(299, { 'content-type': 'text/plain' })
      res.end('node')
    })
  })
  sockets = attachSocketIngest(server, {
    take,
    wanted: new Set(['user-agent', 'x-forwarded-for']),
    keepAliveMs: 300,
    partialMs: 300,
    maxHead: 1024,
    maxBody: 100,
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  sockets.close()
  await new Promise((r) => server.close(r))
})
beforeEach(() => {
  taken = []
  seenByNode = []
  mode = 'later'
})

function post(body: string, extra = ''): string {
  return `POST /api/event HTTP/1.1\r\nHost: c.example\r\nUser-Agent: UA/1\r\nAccept: */*\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/** A raw connection: what it wrote, and every byte the server sent back. */
interface Client {
  socket: Socket
  text(): string
  /** Resolves once `n` answers have arrived (counted by status line). */
  answers(n: number): Promise<string[]>
  ended: Promise<void>
}

function client(allowHalfOpen = false): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen })
    let text = ''
    const waiters: Array<() => void> = []
    socket.on('data', (d) => {
      text += d.toString()
      for (const w of waiters.splice(0)) w()
    })
    const ended = new Promise<void>((r) => socket.on('close', () => r()))
    socket.on('error', reject)
    const statuses = () => [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => m[1] as string)
    const answers = (n: number) =>
      new Promise<string[]>((done) => {
        const check = () => {
          if (statuses().length >= n) done(statuses())
          else waiters.push(check)
        }
        check()
      })
    socket.on('connect', () => resolve({ socket, text: () => text, answers, ended }))
  })
}

describe('answerText', () => {
  it('writes the status line, the answer headers, then Date, keep-alive and the body length in bytes', () => {
    const text = answerText(
      { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"é"}' },
      'Mon, 30 Nov 2026 05:00:00 GMT',
      keepAliveLines(5_000),
    )
    expect(text).toBe(
      'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nDate: Mon, 30 Nov 2026 05:00:00 GMT\r\n' +
        'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 14\r\n\r\n{"error":"é"}',
    )
    expect(answerText(ACCEPTED, 'd', CLOSE_LINES)).toContain('Connection: close\r\nContent-Length: 0\r\n\r\n')
  })
})

describe('socket ingest', () => {
  it('takes requests one after another on a kept-alive connection, with the wanted headers only', async () => {
    const c = await client()
    for (const [i, body] of ['{"a":1}', '{"b":2}', '{"c":3}'].entries()) {
      c.socket.write(post(body, 'X-Forwarded-For: 203.0.113.7\r\n'))
      expect(await c.answers(i + 1)).toEqual(Array(i + 1).fill('202'))
    }
    expect(taken).toEqual(
      ['{"a":1}', '{"b":2}', '{"c":3}'].map((body) => ({
        headers: { 'user-agent': 'UA/1', 'x-forwarded-for': '203.0.113.7' },
        body,
        remote: '127.0.0.1',
      })),
    )
    expect(c.text()).toMatch(/Access-Control-Allow-Origin: \*\r\nDate: .+ GMT\r\nConnection: keep-alive\r\n/)
    expect(seenByNode).toEqual([])
    c.socket.destroy()
  })

  it('answers pipelined requests in order, one at a time, whatever order their outcomes are ready in', async () => {
    const c = await client()
    const bodies = ['{"x":"aaa"}', '{"x":"a"}', '{"x":"aa"}', '{"x":""}']
    c.socket.write(bodies.map((b) => post(b)).join(''))
    expect(await c.answers(4)).toEqual(['202', '202', '202', '202'])
    expect(taken.map((t) => t.body)).toEqual(bodies)
    c.socket.destroy()
  })

  it('reads a body written one byte at a time, a UTF-8 character split across writes', async () => {
    const c = await client()
    const request = Buffer.from(post('{"p":"/café-€"}'))
    const bodyAt = request.indexOf('\r\n\r\n') + 4
    c.socket.write(request.subarray(0, bodyAt))
    for (const byte of request.subarray(bodyAt)) {
      c.socket.write(Buffer.from([byte]))
      await new Promise((r) => setImmediate(r))
    }
    expect(await c.answers(1)).toEqual(['202'])
    expect(taken.map((t) => t.body)).toEqual(['{"p":"/café-€"}'])
    c.socket.destroy()
  })

  it('reads a head that arrives in a few pieces, and leaves one that trickles in to Node', async () => {
    const pieces = await client()
    const request = post('{"pieces":1}')
    for (const piece of [request.slice(0, 3), request.slice(3, 40), request.slice(40)]) {
      pieces.socket.write(piece)
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(await pieces.answers(1)).toEqual(['202'])
    const trickle = await client()
    for (const byte of Buffer.from(post('{"trickle":1}'))) {
      trickle.socket.write(Buffer.from([byte]))
      await new Promise((r) => setImmediate(r))
    }
    expect(await trickle.answers(1)).toEqual(['299'])
    expect(taken.map((t) => t.body)).toEqual(['{"pieces":1}'])
    expect(seenByNode).toEqual(['POST /api/event {"trickle":1}'])
    for (const c of [pieces, trickle]) c.socket.destroy()
  })

  it('takes an answer given inside take, and goes on with the next pipelined request', async () => {
    mode = 'now'
    const c = await client()
    c.socket.write(post('1') + post('2') + post('3'))
    expect(await c.answers(3)).toEqual(['202', '202', '202'])
    expect(taken.map((t) => t.body)).toEqual(['1', '2', '3'])
    c.socket.destroy()
  })

  it('hands the connection to Node at the first request it does not take, that request first', async () => {
    const c = await client()
    c.socket.write(post('{"one":1}'))
    expect(await c.answers(1)).toEqual(['202'])
    c.socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n${post('{"two":2}')}`)
    expect(await c.answers(3)).toEqual(['202', '299', '299'])
    // Once Node has the connection it keeps it: the later POST is Node's too.
    expect(seenByNode).toEqual(['GET /healthz ', 'POST /api/event {"two":2}'])
    expect(taken.map((t) => t.body)).toEqual(['{"one":1}'])
    c.socket.destroy()
  })

  it('hands over what Node must read: chunked bodies, oversized ones, repeated lengths', async () => {
    const chunked = await client()
    chunked.socket.write(
      'POST /api/event HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    )
    expect(await chunked.answers(1)).toEqual(['299'])
    const big = await client()
    big.socket.write(post('x'.repeat(101)))
    expect(await big.answers(1)).toEqual(['299'])
    // Node's parser refuses a request with two lengths; this reader never framed it.
    const twice = await client()
    twice.socket.write(post('{}', 'Content-Length: 2\r\n'))
    expect(await twice.answers(1)).toEqual(['400'])
    expect(seenByNode).toEqual(['POST /api/event abc', `POST /api/event ${'x'.repeat(101)}`])
    expect(taken).toEqual([])
    for (const c of [chunked, big, twice]) c.socket.destroy()
  })

  it('hands a request over when take declines it (sites or salt not cached yet)', async () => {
    mode = 'decline'
    const c = await client()
    c.socket.write(post('{"declined":1}'))
    expect(await c.answers(1)).toEqual(['299'])
    expect(seenByNode).toEqual(['POST /api/event {"declined":1}'])
    c.socket.destroy()
  })

  it('answers a client that half-closes after its request, then ends the connection', async () => {
    const c = await client()
    c.socket.end(post('{"last":1}'))
    await c.ended
    expect(c.text()).toMatch(/^HTTP\/1\.1 202 Accepted\r\n[\s\S]*Connection: close\r\n/)
    expect(taken.map((t) => t.body)).toEqual(['{"last":1}'])
  })

  it('closes a kept-alive connection left idle, no earlier than its Keep-Alive says', async () => {
    const c = await client()
    c.socket.write(post('{}'))
    await c.answers(1)
    const answered = Date.now()
    expect(c.text()).toContain('Keep-Alive: timeout=0\r\n')
    expect(sockets.size()).toBeGreaterThan(0)
    await c.ended
    expect(Date.now() - answered).toBeGreaterThanOrEqual(300)
    expect(sockets.size()).toBe(0)
  })

  it('destroys a connection it ends even when the client never closes its side', async () => {
    const c = await client(true)
    c.socket.write(post('{}'))
    await c.answers(1)
    await new Promise<void>((r) => c.socket.once('end', () => r()))
    // The client still holds its half open; the server's socket must be gone all the same.
    let open = 1
    for (let i = 0; i < 50 && open > 0; i++) {
      await new Promise((r) => setTimeout(r, 50))
      open = await new Promise<number>((r) => server.getConnections((_, n) => r(n)))
    }
    expect(open).toBe(0)
    c.socket.destroy()
  })

  it('answers every pipelined request a client half-closes after, the last with Connection: close', async () => {
    const c = await client()
    c.socket.end(post('{"p":1}') + post('{"p":2}') + post('{"p":3}'))
    await c.ended
    expect(c.text().match(/^HTTP\/1\.1 202 /gm)).toHaveLength(3)
    expect(c.text().match(/Connection: close\r\n/g)).toHaveLength(1)
    expect(c.text().lastIndexOf('Connection: close')).toBeGreaterThan(c.text().lastIndexOf('HTTP/1.1 202'))
    expect(taken.map((t) => t.body)).toEqual(['{"p":1}', '{"p":2}', '{"p":3}'])
  })

  it('stops reading from a client that does not read its answers, and goes on once it does', async () => {
    mode = 'big'
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    const total = 5_000
    const answerBytes = Buffer.byteLength(answerText(BIG, new Date().toUTCString(), keepAliveLines(300)))
    const socket = connect(port, '127.0.0.1')
    socket.pause()
    socket.write(Array.from({ length: total }, (_, i) => post(`{"i":${i}}`)).join(''))
    // 5,000 answers of 10 KB: far more than the kernel's socket buffers hold.
    await new Promise((r) => setTimeout(r, 500))
    expect(taken.length).toBeLessThan(total)
    let received = 0
    const all = new Promise<void>((resolve) =>
      socket.on('data', (d: Buffer) => {
        received += d.length
        if (received >= total * answerBytes) resolve()
      }),
    )
    socket.resume()
    await all
    expect(received).toBe(total * answerBytes)
    expect(taken.map((t) => t.body).slice(-1)).toEqual([`{"i":${total - 1}}`])
    process.off('warning', onWarning)
    expect(warnings).toEqual([])
    socket.destroy()
  })

  it('answers all a client sent before half-closing while it did not read, then closes', async () => {
    mode = 'big'
    const total = 3_000
    const date = new Date().toUTCString()
    const kept = Buffer.byteLength(answerText(BIG, date, keepAliveLines(300)))
    const last = Buffer.byteLength(answerText(BIG, date, CLOSE_LINES))
    const socket = connect(port, '127.0.0.1')
    socket.pause()
    socket.end(Array.from({ length: total }, (_, i) => post(`{"i":${i}}`)).join(''))
    // Longer than partialMs and a sweep: held requests waiting on the client are not a slow request.
    await new Promise((r) => setTimeout(r, 1_500))
    let received = 0
    let tail = ''
    socket.on('data', (d: Buffer) => {
      received += d.length
      tail = (tail + d.toString('latin1')).slice(-20_000)
    })
    const closed = new Promise<void>((r) => socket.on('close', () => r()))
    socket.resume()
    await closed
    expect(taken).toHaveLength(total)
    // Every answer, then the close; the last says `close` when the end was read before it was sent.
    expect([total * kept, (total - 1) * kept + last]).toContain(received)
    expect(tail.endsWith('x'.repeat(10_000))).toBe(true)
  })

  it('answers the request it took and ends cleanly when the client half-closes right behind a request for Node', async () => {
    // Node's own server aborts a request whose connection ends before its answer (httpAllowHalfOpen
    // is off), so the GET may go unanswered, as with Node alone and a slower handler.
    const c = await client()
    c.socket.end(`${post('{"first":1}')}GET /behind HTTP/1.1\r\nHost: x\r\n\r\n`)
    await c.ended
    expect(c.text()).toMatch(/^HTTP\/1\.1 202 /)
    expect(taken.map((t) => t.body)).toEqual(['{"first":1}'])
  })

  it('drops a connection whose take throws, and serves the next connection', async () => {
    mode = 'throw'
    const broken = await client()
    broken.socket.write(post('{}'))
    await broken.ended
    mode = 'later'
    const next = await client()
    next.socket.write(post('{"next":1}'))
    expect(await next.answers(1)).toEqual(['202'])
    next.socket.destroy()
  })

  it('hands a connection that sends nothing for a while to Node, as Node would hold it', async () => {
    const c = await client()
    await new Promise((r) => setTimeout(r, 2_300))
    expect(sockets.size()).toBe(0)
    c.socket.write(post('{"late":1}'))
    expect(await c.answers(1)).toEqual(['299'])
    expect(seenByNode).toEqual(['POST /api/event {"late":1}'])
    c.socket.destroy()
  })

  it('hands a request still incomplete after a while to Node, whose timeouts then apply', async () => {
    const c = await client()
    const request = post('{"slow":1}')
    c.socket.write(request.slice(0, -4))
    await new Promise((r) => setTimeout(r, 2_300))
    expect(sockets.size()).toBe(0)
    c.socket.write(request.slice(-4))
    expect(await c.answers(1)).toEqual(['299'])
    expect(seenByNode).toEqual(['POST /api/event {"slow":1}'])
    c.socket.destroy()
  })
})

describe('socket ingest on shutdown', () => {
  it('ends idle connections at once and busy ones after their answer, so server.close() returns', async () => {
    let answerLater: (() => void) | null = null
    const own = createServer((_req, res) => res.end())
    const held = attachSocketIngest(own, {
      take: (_headers, _body, _remote, answer) => {
        answerLater = () => answer(ACCEPTED)
        return true
      },
      wanted: new Set(),
      keepAliveMs: 60_000,
      partialMs: 60_000,
      maxHead: 1024,
      maxBody: 100,
    })
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', r))
    const at = (own.address() as AddressInfo).port
    const open = (): Promise<{ socket: Socket; text: () => string; closed: Promise<void> }> =>
      new Promise((resolve) => {
        const socket = connect(at, '127.0.0.1', () => resolve({ socket, text: () => text, closed }))
        let text = ''
        socket.on('data', (d) => {
          text += d.toString()
        })
        const closed = new Promise<void>((r) => socket.on('close', () => r()))
      })
    const idle = await open()
    const busy = await open()
    busy.socket.write(post('{}'))
    while (!answerLater) await new Promise((r) => setTimeout(r, 5))
    expect(held.size()).toBe(2)
    held.close()
    const closed = new Promise((r) => own.close(r))
    await idle.closed
    expect(idle.text()).toBe('')
    ;(answerLater as () => void)()
    await busy.closed
    expect(busy.text()).toMatch(/^HTTP\/1\.1 202 Accepted\r\n[\s\S]*Connection: close\r\n/)
    await closed
  })
})
