/**
 * A strict reader for one kind of request head: `POST /api/event HTTP/1.1` with a Content-Length
 * and plain, well-formed headers. It is not an HTTP parser: whatever it does not fully recognise
 * (another method or target, chunked bodies, `Expect`, `Upgrade`, a header repeated that the
 * collector reads, a bare LF, folded or malformed lines, a head over the size limit) is left to
 * Node's own parser, from the first byte of that request. So everything it accepts, Node's parser
 * would read the same way (one framing, no request smuggling between two readers).
 */

/** A request head the socket ingest path takes. */
export interface IngestHead {
  /** Offset of the body's first byte in the buffer. */
  bodyAt: number
  contentLength: number
  /** The wanted headers present, by lower-case name, values as Node gives them (latin1, trimmed). */
  headers: Record<string, string>
}

/** The head is not complete yet (and within the size limit). */
export const MORE = 'more'
/** The request is not one this reader takes: Node's parser gets it. */
export const NOT_MINE = null

const REQUEST_LINE = Buffer.from('POST /api/event HTTP/1.1\r\n', 'latin1')
const CR = 13
const LF = 10
const SP = 32
const HTAB = 9
const COLON = 58

/** RFC 9110 `tchar`: the bytes a header name is made of. */
const TOKEN = new Uint8Array(256)
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1
for (let c = 48; c <= 57; c++) TOKEN[c] = 1
for (let c = 65; c <= 90; c++) TOKEN[c] = 1
for (let c = 97; c <= 122; c++) TOKEN[c] = 1

/** Header value bytes: visible ASCII, space, tab and obs-text; no other control byte. */
function valueByte(b: number): boolean {
  return b === HTAB || (b >= SP && b !== 127)
}

export interface HeadLimits {
  /** The most bytes a head may have (request line to blank line); Node's own limit is 16 KiB. */
  maxHead: number
  /** The largest Content-Length taken; larger ones go to Node (and get the route's 413). */
  maxBody: number
}

/** Headers that change how a request is framed or answered: a request with one goes to Node. */
const REFUSED = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'trailer', 'proxy-connection'])
/** Header lines a head may have; Node keeps at most 2,000 (`maxHeadersCount`), browsers send ~20. */
const MAX_LINES = 100

/**
 * Reads the head of the request starting at `start`: the head, {@link MORE} or {@link NOT_MINE}.
 * Only the `wanted` headers' values are copied out.
 *
 * @example
 * const head = readIngestHead(buf, 0, new Set(['user-agent']), { maxHead: 8192, maxBody: 16384 })
 * if (head && head !== MORE) body = buf.toString('utf8', head.bodyAt, head.bodyAt + head.contentLength)
 */
export function readIngestHead(
  buf: Buffer,
  start: number,
  wanted: ReadonlySet<string>,
  limits: HeadLimits,
): IngestHead | typeof MORE | typeof NOT_MINE {
  const end = Math.min(buf.length, start + limits.maxHead)
  const more = buf.length - start < limits.maxHead ? MORE : NOT_MINE
  for (let i = 0; i < REQUEST_LINE.length; i++) {
    if (start + i >= buf.length) return more
    if (buf[start + i] !== REQUEST_LINE[i]) return NOT_MINE
  }
  const headers: Record<string, string> = {}
  let contentLength = -1
  let host = false
  let lines = 0
  let pos = start + REQUEST_LINE.length
  for (;;) {
    if (++lines > MAX_LINES + 1) return NOT_MINE
    if (pos >= end) return more
    if (buf[pos] === CR) {
      if (pos + 1 >= end) return more
      if (buf[pos + 1] !== LF || contentLength < 0 || !host) return NOT_MINE
      return { bodyAt: pos + 2, contentLength, headers }
    }
    const nameAt = pos
    while (pos < end && TOKEN[buf[pos] as number] === 1) pos++
    if (pos >= end) return more
    if (pos === nameAt || buf[pos] !== COLON) return NOT_MINE
    const name = buf.toString('latin1', nameAt, pos).toLowerCase()
    pos++
    while (pos < end && (buf[pos] === SP || buf[pos] === HTAB)) pos++
    const valueAt = pos
    while (pos < end && buf[pos] !== CR) {
      if (!valueByte(buf[pos] as number)) return NOT_MINE
      pos++
    }
    if (pos + 1 >= end) return more
    if (buf[pos + 1] !== LF) return NOT_MINE
    let valueEnd = pos
    while (valueEnd > valueAt && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--
    pos += 2
    if (name === 'content-length') {
      if (contentLength >= 0) return NOT_MINE
      // llhttp allows spaces after the digits but no tab: the raw value up to the CR is checked.
      contentLength = digits(buf, valueAt, trimSpaces(buf, valueAt, pos - 2))
      if (contentLength < 0 || contentLength > limits.maxBody) return NOT_MINE
    } else if (name === 'host') {
      if (host) return NOT_MINE
      host = true
    } else if (name === 'connection') {
      // Keep-alive is HTTP/1.1's default; `close` (and any other option) is left to Node.
      if (buf.toString('latin1', valueAt, valueEnd).toLowerCase() !== 'keep-alive') return NOT_MINE
    } else if (REFUSED.has(name)) {
      return NOT_MINE
    } else if (wanted.has(name)) {
      // Node joins or drops repeats by header; a repeat goes to Node, so its rule applies.
      if (headers[name] !== undefined) return NOT_MINE
      headers[name] = buf.toString('latin1', valueAt, valueEnd)
    }
  }
}

/** `to` moved back over trailing spaces (not tabs). */
function trimSpaces(buf: Buffer, from: number, to: number): number {
  let end = to
  while (end > from && buf[end - 1] === SP) end--
  return end
}

/** The decimal number in `buf[from, to)`: 1 to 9 digits and nothing else, or -1. */
function digits(buf: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 9) return -1
  let n = 0
  for (let i = from; i < to; i++) {
    const d = (buf[i] as number) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}
