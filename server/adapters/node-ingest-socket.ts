import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { IngestAnswer } from '../routes/ingest.ts'
import { type HeadLimits, MORE, readIngestHead } from './http-head.ts'

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

/** The bytes of an answer: status line, its headers, then what Node would add (Date, keep-alive). */
export function answerText(answer: IngestAnswer, date: string, close: boolean): string {
  let text = `HTTP/1.1 ${answer.status} ${REASONS[answer.status]}\r\n`
  for (const name in answer.headers) text += `${name}: ${answer.headers[name]}\r\n`
  const body = answer.body ?? ''
  text += `Date: ${date}\r\n`
  text += close ? 'Connection: close\r\n' : 'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n'
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
  // Node's own connection listener (the HTTP parser); connections handed over go to it.
  const nodeListeners = server.listeners('connection') as Array<(socket: Socket) => void>
  server.removeAllListeners('connection')
  const held = new Set<Connection>()
  const clock: Clock = { now: Date.now(), date: new Date().toUTCString(), closing: false, taken: 0 }
  const sweep = setInterval(() => {
    clock.now = Date.now()
    clock.date = new Date(clock.now).toUTCString()
    for (const c of held) c.sweep()
  }, SWEEP_MS)
  sweep.unref()
  server.on('close', () => clearInterval(sweep))
  const handOver = (socket: Socket, pending: Buffer | null) => {
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
}

class Connection {
  private pending: Buffer | null = null
  /** When the first byte of the request being read arrived; 0 between requests. */
  private since = 0
  private lastActive: number
  private busy = false
  private running = false
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
    this.lastActive = clock.now
    socket.on('data', this.onData)
    socket.on('end', this.onEnd)
    socket.on('error', this.onGone)
    socket.on('close', this.onGone)
  }

  private readonly onData = (chunk: Buffer): void => {
    this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk
    if (this.since === 0) this.since = this.clock.now
    if (this.pending.length > PENDING_MAX) this.socket.pause()
    if (!this.busy) this.run()
  }

  private readonly onEnd = (): void => {
    // The client sent all it will: answer what is complete, then close (the server is half-open).
    if (!this.busy) this.finish()
  }

  private readonly onGone = (): void => {
    this.gone = true
    this.held.delete(this)
  }

  private readonly answer = (answer: IngestAnswer): void => {
    if (!this.busy) return
    this.busy = false
    this.lastActive = this.clock.now
    if (this.gone) return
    const close = this.clock.closing || this.socket.readableEnded
    const socket = this.socket
    socket.write(answerText(answer, this.clock.date, close))
    if (close) {
      this.finish()
      return
    }
    if (socket.writableNeedDrain) {
      // A client that pipelines without reading its answers: read on once it has taken them.
      socket.pause()
      socket.once('drain', () => {
        if (!this.gone && !this.running && !this.busy) this.run()
      })
      return
    }
    if (!this.running) this.run()
  }

  private run(): void {
    this.running = true
    try {
      while (this.pending && !this.busy && !this.gone) {
        const head = readIngestHead(this.pending, 0, this.opts.wanted, this.opts)
        if (head === MORE) break
        if (head === null) {
          this.release()
          return
        }
        const end = head.bodyAt + head.contentLength
        if (this.pending.length < end) break
        const current = this.pending
        const body = current.toString('utf8', head.bodyAt, end)
        this.pending = current.length > end ? current.subarray(end) : null
        this.since = this.pending ? this.clock.now : 0
        this.busy = true
        if (!this.opts.take(head.headers, body, this.remote, this.answer)) {
          this.busy = false
          this.pending = current
          this.release()
          return
        }
        this.clock.taken++
      }
    } finally {
      this.running = false
    }
    const socket = this.socket
    if (this.gone) return
    if (socket.readableEnded) {
      if (!this.busy) this.finish()
      return
    }
    const small = !this.pending || this.pending.length <= PENDING_MAX
    if (small && socket.isPaused() && !socket.writableNeedDrain) socket.resume()
  }

  /** Ends the connection once nothing is owed on it. */
  private finish(): void {
    if (this.gone) return
    this.gone = true
    this.held.delete(this)
    this.socket.end()
  }

  closeWhenIdle(): void {
    if (!this.busy && !this.pending) this.finish()
  }

  sweep(): void {
    if (this.gone || this.busy) return
    const now = this.clock.now
    if (this.pending && this.since > 0 && now - this.since >= this.opts.partialMs) this.release()
    else if (!this.pending && now - this.lastActive >= this.opts.keepAliveMs) this.finish()
  }

  /** Hands the connection, from the request being read on, to Node's HTTP server. */
  private release(): void {
    this.gone = true
    this.held.delete(this)
    const socket = this.socket
    socket.off('data', this.onData)
    socket.off('end', this.onEnd)
    socket.off('error', this.onGone)
    socket.off('close', this.onGone)
    this.handOver(socket, this.pending)
    this.pending = null
  }
}
