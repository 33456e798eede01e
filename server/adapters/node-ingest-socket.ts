import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { IngestAnswer } from '../routes/ingest.ts'
import { type HeadLimits, type IngestHead, MORE, readIngestHead } from './http-head.ts'

/** Runs one request read off a socket; `false` when it cannot now (Node's HTTP server then gets it). */
export type TakeIngest = (
  headers: Readonly<Record<string, string>>,
  body: string,
  remote: string,
  answer: (answer: IngestAnswer) => void,
) => boolean

export interface SocketIngestOptions extends HeadLimits {
  take: TakeIngest
  /** The headers the pipeline reads (lower-case). */
  wanted: ReadonlySet<string>
  /** An idle connection is closed after this long, as Node's `keepAliveTimeout` (5 s) would. */
  keepAliveMs: number
  /** A request still incomplete after this long goes to Node's HTTP server, whose timeouts apply. */
  partialMs: number
}

export interface SocketIngest {
  /** Connections held now. */
  size(): number
  /** Requests taken so far (read here and given to `take`). */
  taken(): number
  /** Ends the held connections: idle ones at once, busy ones after their answer. */
  close(): void
}

const REASONS: Record<IngestAnswer['status'], string> = {
  202: 'Accepted',
  400: 'Bad Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** Pipelined bytes held beyond this stop the socket's reads until they are used. */
const PENDING_MAX = 64 * 1024
const SWEEP_MS = 1_000
const HEAD_END = Buffer.from('\r\n\r\n')
/**
 * A head still incomplete after this many reads goes to Node's parser: browsers send a head in one
 * or two, and Node's streaming parser reads a trickling one for less than the joins here would cost.
 */
const HEAD_READS_MAX = 32

/** The `Connection` lines of an answer on a connection kept alive for `keepAliveMs`, as Node writes them. */
export function keepAliveLines(keepAliveMs: number): string {
  return `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n`
}

export const CLOSE_LINES = 'Connection: close\r\n'

/**
 * The bytes of an answer: status line, its headers, then what Node would add (`Date`, the
 * `Connection` lines, `Content-Length`).
 */
export function answerText(answer: IngestAnswer, date: string, connection: string): string {
  let text = `HTTP/1.1 ${answer.status} ${REASONS[answer.status]}\r\n`
  for (const name in answer.headers) text += `${name}: ${answer.headers[name]}\r\n`
  const body = answer.body ?? ''
  text += `Date: ${date}\r\n${connection}`
  return `${text}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/**
 * `POST /api/event` read and answered straight on the server's sockets, before Node's HTTP parser
 * sees them: Node's request and response objects, streams and timers cost the HTTP thread about as
 * much CPU per request as the bare app's whole request (ARCHITECTURE.md, "Ingest on the socket").
 * Each new connection starts here. Its requests are read with {@link readIngestHead}, which takes
 * only simple `POST /api/event` heads with a Content-Length; at the first request it does not
 * take, the connection goes to Node's HTTP server for good, that request's bytes first, as if
 * Node had read the connection from the start (the way `httpolyglot` hands sockets over). Requests
 * on a connection are answered in order, one at a time.
 *
 * @example
 * const sockets = attachSocketIngest(server, { take, wanted, keepAliveMs: 5000, partialMs: 10000, maxHead: 8192, maxBody: 16384 })
 * // on shutdown, before server.close():
 * sockets.close()
 */
export function attachSocketIngest(server: Server, opts: SocketIngestOptions): SocketIngest {
  // A whole request must fit below the read pause, or a connection could wait with reads stopped.
  if (opts.maxHead + opts.maxBody > PENDING_MAX) throw new Error('socket ingest: maxHead + maxBody > 64 KiB')
  // Node's own connection listener (the HTTP parser); connections handed over go to it.
  const nodeListeners = server.listeners('connection') as Array<(socket: Socket) => void>
  server.removeAllListeners('connection')
  const held = new Set<Connection>()
  const clock: Clock = {
    now: Date.now(),
    date: new Date().toUTCString(),
    closing: false,
    taken: 0,
    keepAlive: keepAliveLines(opts.keepAliveMs),
  }
  const sweep = setInterval(() => {
    clock.now = Date.now()
    clock.date = new Date(clock.now).toUTCString()
    for (const c of held) c.sweep()
  }, SWEEP_MS)
  sweep.unref()
  server.on('close', () => clearInterval(sweep))
  const handOver = (socket: Socket, pending: Buffer | null): void => {
    // Paused, so the bytes put back are read by Node's parser first, then the socket's own.
    socket.pause()
    if (pending) socket.unshift(pending)
    for (const listener of nodeListeners) listener.call(server, socket)
    process.nextTick(() => socket.resume())
  }
  server.on('connection', (socket: Socket) => {
    if (clock.closing) {
      handOver(socket, null)
      return
    }
    held.add(new Connection(socket, opts, clock, held, handOver))
  })
  return {
    size: () => held.size,
    taken: () => clock.taken,
    close() {
      clock.closing = true
      for (const c of held) c.closeWhenIdle()
    },
  }
}

interface Clock {
  /** Updated once a second: timeouts are coarse, and no request pays for a timer. */
  now: number
  date: string
  closing: boolean
  taken: number
  /** The `Connection` lines of an answer that keeps its connection. */
  keepAlive: string
}

class Connection {
  /** Bytes read and not yet used: the request being read, and any sent after it. */
  private parts: Buffer[] = []
  private size = 0
  /** Bytes to wait for before reading again: past the last search for a head's end, or a body's end. */
  private need = 0
  /** The head of the request being read, once complete (its body is not). */
  private head: IngestHead | null = null
  /** Reads since the request being read began, while its head is incomplete. */
  private headReads = 0
  /** When the first byte of the request being read arrived (coarse clock); 0 between requests. */
  private since = 0
  /** When the last answer was written (`Date.now()`: the idle timeout is measured from it). */
  private lastActive = Date.now()
  /** Numbers requests: an answer for any but the current one is ignored. */
  private ticket = 0
  /** Whether any request has been answered here. */
  private served = false
  private busy = false
  private running = false
  private draining = false
  private gone = false
  private readonly remote: string

  constructor(
    private readonly socket: Socket,
    private readonly opts: SocketIngestOptions,
    private readonly clock: Clock,
    private readonly held: Set<Connection>,
    private readonly handOver: (socket: Socket, pending: Buffer | null) => void,
  ) {
    this.remote = socket.remoteAddress ?? ''
    socket.on('data', this.onData)
    socket.on('end', this.onEnd)
    socket.on('error', this.onGone)
    socket.on('close', this.onGone)
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.size === 0) this.since = this.clock.now
    this.parts.push(chunk)
    this.size += chunk.length
    if (!this.head) this.headReads++
    // Bytes beyond the request being answered (pipelining): read no further, the end of the stream
    // included, until that answer is out, so a request Node must read can still be handed over.
    if (this.busy || this.size > PENDING_MAX) this.socket.pause()
    if (this.size >= this.need) this.run()
  }

  /** The client sent all it will: answer what is complete, then close (the server is half-open). */
  private readonly onEnd = (): void => this.run()

  private readonly onGone = (): void => {
    this.gone = true
    this.held.delete(this)
  }

  private readonly onDrain = (): void => {
    this.draining = false
    this.run()
  }

  private answer(answer: IngestAnswer, ticket: number): void {
    if (ticket !== this.ticket || !this.busy) return
    this.busy = false
    this.served = true
    this.lastActive = Date.now()
    if (this.gone) return
    const socket = this.socket
    const last = this.clock.closing || (socket.readableEnded && !this.complete())
    socket.write(answerText(answer, this.clock.date, last ? CLOSE_LINES : this.clock.keepAlive))
    if (last) {
      this.finish()
      return
    }
    if (socket.writableNeedDrain && !this.draining) {
      // A client that sends on without reading its answers: read on once it has taken them.
      this.draining = true
      socket.pause()
      socket.once('drain', this.onDrain)
    }
    this.run()
  }

  /** The bytes held, as one buffer. */
  private joined(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts, this.size)]
    return this.parts[0] ?? Buffer.alloc(0)
  }

  /** The request being read, when its head and body are all here; `null` when not (yet), or not ours. */
  private readRequest(): { head: IngestHead; buf: Buffer; end: number } | null | 'release' {
    const buf = this.joined()
    let head = this.head
    if (!head) {
      // Look for the head's end first, in the new bytes only: a slow sender costs little per chunk.
      const from = Math.max(0, this.need - HEAD_END.length)
      if (buf.indexOf(HEAD_END, from) < 0) {
        if (buf.length >= this.opts.maxHead || this.headReads > HEAD_READS_MAX) return 'release'
        this.need = buf.length + 1
        return null
      }
      const read = readIngestHead(buf, 0, this.opts.wanted, this.opts)
      if (read === null || read === MORE) return 'release'
      head = read
    }
    const end = head.bodyAt + head.contentLength
    if (buf.length < end) {
      this.head = head
      this.need = end
      return null
    }
    return { head, buf, end }
  }

  /** Whether a whole request of ours is held (after the client has ended: is there more to answer?). */
  private complete(): boolean {
    if (this.size === 0) return false
    const need = this.need
    const head = this.head
    const request = this.readRequest()
    this.need = need
    this.head = head
    return request !== null && request !== 'release'
  }

  private run(): void {
    if (this.running) return
    this.running = true
    try {
      while (!this.busy && !this.draining && !this.gone && this.size > 0 && this.size >= this.need) {
        const request = this.readRequest()
        if (request === null) break
        if (request === 'release') {
          this.release()
          return
        }
        const { head, buf, end } = request
        const body = buf.toString('utf8', head.bodyAt, end)
        const rest = buf.subarray(end)
        this.parts = rest.length > 0 ? [rest] : []
        this.size = rest.length
        this.need = 0
        this.head = null
        this.headReads = rest.length > 0 ? 1 : 0
        this.since = rest.length > 0 ? this.clock.now : 0
        this.busy = true
        const ticket = ++this.ticket
        let taken: boolean
        try {
          taken = this.opts.take(head.headers, body, this.remote, (a) => this.answer(a, ticket))
        } catch {
          // take must not throw; if it does, this connection's state is unknown: drop it.
          this.socket.destroy()
          this.onGone()
          return
        }
        if (!taken) {
          this.busy = false
          this.parts = [buf]
          this.size = buf.length
          this.release()
          return
        }
        this.clock.taken++
        if (this.busy && this.size > 0) this.socket.pause()
      }
    } finally {
      this.running = false
    }
    this.settle()
  }

  /** After a run: close a connection whose client has ended and is owed nothing, else read on. */
  private settle(): void {
    const socket = this.socket
    // Waiting for an answer or for the client to take answers: onDrain or the answer runs this again.
    if (this.gone || this.busy || this.draining) return
    if (socket.readableEnded) {
      // Whatever is left is incomplete, or not ours (and can no longer be put back for Node).
      this.finish()
      return
    }
    if (this.size <= PENDING_MAX && socket.isPaused()) socket.resume()
  }

  /** Ends the connection: our side now, the socket once the last answer is out (or after a timeout). */
  private finish(): void {
    if (this.gone) return
    this.gone = true
    this.held.delete(this)
    const socket = this.socket
    socket.off('data', this.onData)
    socket.setTimeout(this.opts.keepAliveMs, () => socket.destroy())
    socket.end(() => socket.destroy())
  }

  closeWhenIdle(): void {
    if (!this.busy && this.size === 0) this.finish()
  }

  sweep(): void {
    // Held bytes while answering or waiting for the client to take answers are not a slow client.
    if (this.gone || this.busy || this.draining) return
    if (this.size > 0) {
      if (this.since > 0 && this.clock.now - this.since >= this.opts.partialMs) this.release()
    } else if (!this.served) {
      // Node holds a connection that has sent nothing yet (a browser's preconnect): so it does here.
      if (this.clock.now - this.lastActive >= this.opts.partialMs) this.release()
    } else if (this.clock.now - this.lastActive >= this.opts.keepAliveMs) {
      this.finish()
    }
  }

  /** Hands the connection, from the request being read on, to Node's HTTP server. */
  private release(): void {
    const socket = this.socket
    if (socket.readableEnded) {
      // Too late to put bytes back: the stream has ended.
      this.finish()
      return
    }
    this.gone = true
    this.held.delete(this)
    socket.off('data', this.onData)
    socket.off('end', this.onEnd)
    socket.off('error', this.onGone)
    socket.off('close', this.onGone)
    socket.off('drain', this.onDrain)
    this.handOver(socket, this.size > 0 ? this.joined() : null)
    this.parts = []
    this.size = 0
  }
}
