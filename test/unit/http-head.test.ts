import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MORE, readIngestHead } from '../../server/adapters/http-head.ts'

const WANTED = new Set(['user-agent', 'x-forwarded-for', 'sec-gpc'])
const LIMITS = { maxHead: 1024, maxBody: 100 }
const LINE = 'POST /api/event HTTP/1.1\r\n'

function read(text: string, limits = LIMITS) {
  return readIngestHead(Buffer.from(text, 'latin1'), 0, WANTED, limits)
}

function head(...lines: string[]): string {
  return `${LINE}${lines.map((l) => `${l}\r\n`).join('')}\r\n`
}

const PLAIN = head('Host: c.example', 'User-Agent: Firefox/1', 'Content-Length: 12')

describe('readIngestHead', () => {
  it('takes a simple POST /api/event head: where the body starts, its length, the wanted headers', () => {
    const text = head(
      'Host: c.example',
      'USER-AGENT:   Mozilla/5.0 (X11)  \t',
      'Accept: */*',
      'X-Forwarded-For: 203.0.113.9, 10.0.0.1',
      'Content-Length: 42',
      'Connection: Keep-Alive',
    )
    expect(read(`${text}{"body":1}`)).toEqual({
      bodyAt: text.length,
      contentLength: 42,
      headers: { 'user-agent': 'Mozilla/5.0 (X11)', 'x-forwarded-for': '203.0.113.9, 10.0.0.1' },
    })
  })

  it('reads a head that starts further into the buffer (pipelined requests)', () => {
    const two = `${PLAIN}hello world!${PLAIN}`
    const at = PLAIN.length + 12
    expect(readIngestHead(Buffer.from(two, 'latin1'), at, WANTED, LIMITS)).toEqual({
      bodyAt: two.length,
      contentLength: 12,
      headers: { 'user-agent': 'Firefox/1' },
    })
  })

  it('gives header bytes above 0x7f as Node does: one latin1 character each', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${LINE}Host: x\r\nContent-Length: 0\r\nUser-Agent: caf`, 'latin1'),
      Buffer.from('é', 'utf8'),
      Buffer.from('\r\n\r\n', 'latin1'),
    ])
    const result = readIngestHead(bytes, 0, WANTED, LIMITS)
    expect(result).not.toBe(MORE)
    expect(result && result !== MORE ? result.headers['user-agent'] : null).toBe('caf\u00c3\u00a9')
  })

  it('allows spaces after the Content-Length digits, as llhttp does, and 100 header lines', () => {
    expect(read(head('Host: x', 'Content-Length:\t 7  '))).toMatchObject({ contentLength: 7 })
    expect(read(head('Host: x', 'Content-Length: 1', ...Array(98).fill('A: b')))).toMatchObject({
      contentLength: 1,
    })
  })

  it('asks for more while a valid head is incomplete, at every cut', () => {
    for (let cut = 0; cut < PLAIN.length; cut++) expect(read(PLAIN.slice(0, cut))).toBe(MORE)
    expect(read(PLAIN)).not.toBe(MORE)
  })

  const refused: Array<[string, string]> = [
    ['another method', PLAIN.replace('POST', 'PUT')],
    ['a lower-case method', PLAIN.replace('POST', 'post')],
    ['a query string', PLAIN.replace('/api/event', '/api/event?x=1')],
    ['another path', PLAIN.replace('/api/event', '/api/events')],
    ['HTTP/1.0', PLAIN.replace('HTTP/1.1', 'HTTP/1.0')],
    ['no Content-Length', head('Host: x')],
    ['no Host', head('Content-Length: 1')],
    ['two Hosts', head('Host: x', 'Host: y', 'Content-Length: 1')],
    ['two Content-Lengths', head('Host: x', 'Content-Length: 1', 'Content-Length: 1')],
    ['a signed Content-Length', head('Host: x', 'Content-Length: +1')],
    ['a Content-Length list', head('Host: x', 'Content-Length: 1, 1')],
    ['an empty Content-Length', head('Host: x', 'Content-Length:')],
    ['a Content-Length over the limit', head('Host: x', 'Content-Length: 101')],
    ['a huge Content-Length', head('Host: x', 'Content-Length: 99999999999999999999')],
    ['Transfer-Encoding', head('Host: x', 'Content-Length: 1', 'Transfer-Encoding: chunked')],
    ['Expect', head('Host: x', 'Content-Length: 1', 'Expect: 100-continue')],
    ['Upgrade', head('Host: x', 'Content-Length: 1', 'Upgrade: websocket')],
    ['Connection: close', head('Host: x', 'Content-Length: 1', 'Connection: close')],
    ['Connection: upgrade', head('Host: x', 'Content-Length: 1', 'Connection: keep-alive, Upgrade')],
    ['a repeated wanted header', head('Host: x', 'Content-Length: 1', 'User-Agent: a', 'user-agent: b')],
    ['a folded line', head('Host: x', 'Content-Length: 1', 'User-Agent: a', ' b')],
    ['a space before the colon', head('Host: x', 'Content-Length : 1')],
    ['a name with a slash', head('Host: x', 'Content-Length: 1', 'A/B: c')],
    ['a line without a colon', head('Host: x', 'Content-Length: 1', 'oops')],
    ['a NUL in a value', head('Host: x', 'Content-Length: 1', 'User-Agent: a\u0000b')],
    ['a DEL in a value', head('Host: x', 'Content-Length: 1', 'User-Agent: a\u007fb')],
    ['a bare CR in a value', head('Host: x', 'Content-Length: 1', 'User-Agent: a\rb')],
    ['bare LF line ends', `${LINE}Host: x\nContent-Length: 1\n\n`],
    ['a tab after the Content-Length', head('Host: x', 'Content-Length: 1\t')],
    ['Proxy-Connection', head('Host: x', 'Content-Length: 1', 'Proxy-Connection: close')],
    ['over 100 header lines', head('Host: x', 'Content-Length: 1', ...Array(99).fill('A: b'))],
    ['a bare LF after the request line', PLAIN.replace('HTTP/1.1\r\n', 'HTTP/1.1\n')],
  ]
  it.each(refused)('leaves %s to Node', (_, text) => {
    expect(read(text)).toBeNull()
  })

  it('leaves a head over the size limit to Node, complete or not', () => {
    const big = head('Host: x', 'Content-Length: 1', `Cookie: ${'a'.repeat(200)}`)
    expect(read(big, { maxHead: 100, maxBody: 100 })).toBeNull()
    expect(read(big.slice(0, 150), { maxHead: 100, maxBody: 100 })).toBeNull()
    expect(read(big.slice(0, 90), { maxHead: 100, maxBody: 100 })).toBe(MORE)
  })

  it('never throws, and only ever takes heads that start with the one request line it knows', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, prefixed) => {
        const buf = Buffer.concat([prefixed ? Buffer.from(LINE) : Buffer.alloc(0), Buffer.from(bytes)])
        const result = readIngestHead(buf, 0, WANTED, LIMITS)
        if (result === null || result === MORE) return
        expect(buf.subarray(0, LINE.length).toString('latin1')).toBe(LINE)
        expect(result.bodyAt).toBeLessThanOrEqual(buf.length)
        expect(buf.subarray(result.bodyAt - 4, result.bodyAt).toString('latin1')).toBe('\r\n\r\n')
      }),
    )
  })
})

/** Node's own parser (llhttp), through its internal binding: the reference the reader must agree with. */
interface Llhttp {
  initialize(kind: number, resource: object, maxHeaderSize: number, lenient: number): void
  execute(data: Buffer): number | Error
  [key: number]: unknown
}
interface ParserBinding {
  HTTPParser: {
    new (): Llhttp
    REQUEST: number
    kOnHeadersComplete: number
    kOnBody: number
    kOnMessageComplete: number
    kOnHeaders: number
  }
  methods: string[]
}
interface Parsed {
  method: string
  url: string
  headers: string[]
  keepAlive: boolean
  upgrade: boolean
  body: number
}

function llhttp(data: Buffer): { error: boolean; messages: Parsed[] } {
  const { HTTPParser, methods } = (process as unknown as { binding(name: string): ParserBinding }).binding(
    'http_parser',
  )
  const parser = new HTTPParser()
  parser.initialize(HTTPParser.REQUEST, {}, 0, 0)
  const messages: Parsed[] = []
  parser[HTTPParser.kOnHeaders] = () => {}
  parser[HTTPParser.kOnHeadersComplete] = (
    _major: number,
    _minor: number,
    headers: string[],
    method: number,
    url: string,
    _status: unknown,
    _message: unknown,
    upgrade: boolean,
    keepAlive: boolean,
  ) => {
    messages.push({ method: methods[method] ?? '', url, headers, keepAlive, upgrade, body: 0 })
  }
  parser[HTTPParser.kOnBody] = (b: Buffer) => {
    const last = messages[messages.length - 1]
    if (last) last.body += b.length
  }
  parser[HTTPParser.kOnMessageComplete] = () => {}
  return { error: parser.execute(data) instanceof Error, messages }
}

describe('readIngestHead against llhttp', () => {
  const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t')
  const value = fc
    .array(
      fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)),
      {
        maxLength: 12,
      },
    )
    .map((bytes) => Buffer.from(bytes).toString('latin1'))
  const name = fc.constantFrom(
    'Host',
    'HOST',
    'Content-Length',
    'content-length',
    'User-Agent',
    'X-Forwarded-For',
    'x-forwarded-for',
    'Connection',
    'Proxy-Connection',
    'Keep-Alive',
    'Sec-GPC',
    'Accept',
    'Transfer-Encoding',
    'Upgrade',
    'Expect',
    'TE',
    'Content-Length2',
    '!#$%',
  )
  const length = fc.constantFrom('0', '5', '05', '000000005', '5 ', '5\t', '+5', '5,5', '', '0x5', ' 5')
  const connection = fc.constantFrom(
    'keep-alive',
    'Keep-Alive',
    'close',
    'upgrade',
    'keep-alive, close',
    'keep-alive ',
  )
  const line = fc.tuple(name, ows, ows, value, length, connection).map(([n, before, after, v, len, conn]) => {
    const lower = n.toLowerCase()
    const text =
      lower === 'content-length' ? len : lower === 'connection' || lower === 'proxy-connection' ? conn : v
    return `${n}:${before}${text}${after}`
  })
  const request = fc
    .tuple(fc.array(line, { maxLength: 8 }), fc.boolean(), fc.boolean())
    .map(([lines, host, length]) => {
      const all = [...(host ? ['Host: h'] : []), ...lines, ...(length ? ['Content-Length: 5'] : [])]
      return `${LINE}${all.map((l) => `${l}\r\n`).join('')}\r\n`
    })

  it('takes only heads llhttp reads the same: one POST, kept alive, same body length, same next request, same headers', () => {
    let taken = 0
    fc.assert(
      fc.property(request, (text) => {
        const head = Buffer.from(text, 'latin1')
        const result = readIngestHead(Buffer.concat([head, Buffer.alloc(30, 'b')]), 0, WANTED, {
          maxHead: 8192,
          maxBody: 16384,
        })
        if (result === null || result === MORE) return
        taken++
        const next = Buffer.from('GET /next HTTP/1.1\r\nHost: h\r\n\r\n')
        const parsed = llhttp(Buffer.concat([head, Buffer.alloc(result.contentLength, 'b'), next]))
        const [first, second] = parsed.messages
        expect(parsed.error).toBe(false)
        expect(first).toMatchObject({ method: 'POST', url: '/api/event', keepAlive: true, upgrade: false })
        expect(first?.body).toBe(result.contentLength)
        expect(second?.url).toBe('/next')
        const wanted: Record<string, string> = {}
        const raw = first?.headers ?? []
        for (let i = 0; i < raw.length; i += 2) {
          const key = (raw[i] as string).toLowerCase()
          if (WANTED.has(key)) wanted[key] = raw[i + 1] as string
        }
        expect(result.headers).toEqual(wanted)
      }),
      { numRuns: 20_000 },
    )
    // The generator must reach the accepting side, or the property says nothing.
    expect(taken).toBeGreaterThan(500)
  })
})
