import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { hostname } from 'node:os'
import {
  brotliCompressSync,
  brotliDecompressSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateSync,
} from 'node:zlib'
import type { Engine } from './engine.ts'
import { ChHttpError, toWireError } from './errors.ts'
import {
  authError,
  type Credentials,
  decodeRequest,
  isInsert,
  outputFormat,
  readCredentials,
  toStatement,
} from './protocol.ts'

/** How the server behaves while "down": drop the connection, or answer 503 like a proxy with no backend. */
export type DownMode = 'reset' | '503'

export interface HandlerState {
  down: DownMode | undefined
  /** Called when an outage starts, to drop idle keep-alive sockets too. */
  onDown?: () => void
}

const LINE_FORMATS =
  /^(JSONEachRow|JSONCompactEachRow|JSONStringsEachRow|TSV|TabSeparated|CSV|JSONLines|NDJSON)$/i

function contentType(format: string): string {
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8'
  if (/^(TSV|TabSeparated|CSV|Pretty|Vertical|Markdown)/i.test(format)) return 'text/plain; charset=UTF-8'
  return 'application/octet-stream'
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return body
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body)
    case 'deflate':
      return inflateSync(body)
    case 'br':
      return brotliDecompressSync(body)
    default:
      throw new ChHttpError(48, 'NOT_IMPLEMENTED', `Unsupported Content-Encoding '${encoding}'`)
  }
}

/** ClickHouse compresses only when `enable_http_compression=1` and the client accepts the codec. */
function compress(body: Uint8Array, accept: string | undefined): { body: Uint8Array; encoding?: string } {
  const codecs = (accept ?? '').toLowerCase()
  if (codecs.includes('gzip')) return { body: gzipSync(body), encoding: 'gzip' }
  if (codecs.includes('deflate')) return { body: deflateSync(body), encoding: 'deflate' }
  if (codecs.includes('br')) return { body: brotliCompressSync(body), encoding: 'br' }
  return { body }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function countRows(data: string | undefined, sql: string): number {
  if (data === undefined) return 0
  const format = /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)/i.exec(sql)?.[1] ?? ''
  if (!LINE_FORMATS.test(format)) return 0
  return data.split('\n').filter((line) => line.trim() !== '').length
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/**
 * The request handler: health endpoints, test-only `/__control/*`, outage
 * simulation, auth, then one statement on the engine.
 *
 * @example
 * createServer(createHandler(engine, { user: 'default', password: '' }, { down: undefined }))
 */
export function createHandler(engine: Engine, creds: Credentials, state: HandlerState) {
  const displayName = hostname()

  function sendError(res: ServerResponse, err: unknown, queryId?: string): void {
    const wire = toWireError(err, engine.version)
    res.writeHead(wire.status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(wire.code),
      'X-ClickHouse-Server-Display-Name': displayName,
      ...(queryId ? { 'X-ClickHouse-Query-Id': queryId } : {}),
    })
    res.end(wire.body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'

    // Test-only control plane: never affected by the simulated outage.
    if (url.pathname.startsWith('/__control/')) {
      await readBody(req)
      if (url.pathname === '/__control/down') {
        state.down = url.searchParams.get('mode') === '503' ? '503' : 'reset'
        res.once('finish', () => state.onDown?.())
      } else if (url.pathname === '/__control/up') state.down = undefined
      else return void res.writeHead(404).end()
      return void res.writeHead(204).end()
    }
    if (state.down === 'reset') return void req.socket.destroy()
    if (state.down === '503') {
      return void res.writeHead(503, { 'Content-Type': 'text/plain' }).end('Service Unavailable\n')
    }

    if (url.pathname === '/ping' || url.pathname === '/replicas_status') {
      await readBody(req)
      return void res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n')
    }
    if (url.pathname !== '/') {
      await readBody(req)
      return void res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' })
        .end(`There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`)
    }
    if (method !== 'GET' && method !== 'POST') {
      await readBody(req)
      return sendError(res, new ChHttpError(48, 'NOT_IMPLEMENTED', `HTTP method ${method} is not supported`))
    }
    const raw = await readBody(req)
    if (method === 'GET' && !url.searchParams.has('query')) {
      return void res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n')
    }

    let queryId: string | undefined
    try {
      const given = readCredentials((h) => header(req, h), url)
      if (given.user !== creds.user || given.password !== creds.password) throw authError(given.user)
      const body = decompress(raw, header(req, 'content-encoding')).toString('utf8')
      const chReq = decodeRequest(
        {
          method,
          url,
          body,
          contentType: header(req, 'content-type'),
          databaseHeader: header(req, 'x-clickhouse-database'),
        },
        randomUUID,
      )
      queryId = chReq.queryId
      const format = outputFormat(chReq.sql, chReq.defaultFormat ?? header(req, 'x-clickhouse-format'))
      const result = await engine.run(toStatement(chReq), format)
      const written = isInsert(chReq.sql) ? countRows(chReq.insertData, chReq.sql) : 0
      const summary = {
        read_rows: String(result.rowsRead),
        read_bytes: String(result.bytesRead),
        written_rows: String(written),
        written_bytes: String(written > 0 ? Buffer.byteLength(chReq.insertData ?? '') : 0),
        total_rows_to_read: String(result.rowsRead),
        result_rows: String(isInsert(chReq.sql) ? written : result.rowsRead),
        result_bytes: String(result.bytes.byteLength),
        elapsed_ns: String(result.elapsedNs),
      }
      const wantsCompression = chReq.settings.some(
        ([k, v]) => k === 'enable_http_compression' && (v === '1' || v === 'true'),
      )
      const out = wantsCompression
        ? compress(result.bytes, header(req, 'accept-encoding'))
        : { body: result.bytes }
      res.writeHead(200, {
        'Content-Type': contentType(format),
        'X-ClickHouse-Query-Id': chReq.queryId,
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Timezone': engine.timezone,
        'X-ClickHouse-Server-Display-Name': displayName,
        'X-ClickHouse-Summary': JSON.stringify(summary),
        ...(out.encoding ? { 'Content-Encoding': out.encoding } : {}),
      })
      res.end(out.body)
    } catch (err) {
      sendError(res, err, queryId)
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, err)
      else res.destroy()
    })
  }
}
