import type { IncomingMessage, ServerResponse } from 'node:http'
import { INTERNAL_ERROR, type IngestAnswer, ingestAnswer, MAX_BODY_BYTES } from '../routes/ingest.ts'
import type { Services } from '../services.ts'
import type { IngestThread } from './node-ingest-thread.ts'

/** Node's own request listener: what @hono/node-server would call for every request. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void

function send(res: ServerResponse, answer: IngestAnswer): void {
  res.writeHead(answer.status, answer.headers)
  res.end(answer.body ?? undefined)
}

/**
 * `POST /api/event` straight on Node's request and response, for the requests the Hono route would
 * take the same way: a declared length within the limit, and sites and salt already cached. The
 * pipeline, the outcome and the answer are the route's own (`ingestRequest` on the worker thread,
 * `ingestAnswer`); what is skipped is the framework's work per request (a context, a `Request` and
 * a `Response` object, a promise per middleware). Everything else, chunked or oversized bodies
 * included, goes to `hono` as before.
 *
 * @example
 * createServer((req, res) => fast(req, res) || honoListener(req, res))
 */
export function nodeIngestFastPath(
  s: Services,
  thread: IngestThread,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/event') return false
    const length = req.headers['content-length']
    if (length === undefined || !(Number(length) <= MAX_BODY_BYTES)) return false
    const sites = s.sites.cached()
    const salt = s.salts.cachedToday()
    if (!sites || !salt) return false
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
    })
    // A request the client abandons never ends; Node emits no 'error' without a listener.
    req.on('end', () => {
      const remote = req.socket.remoteAddress ?? ''
      thread.runNode(req.headers, body, remote, s.now(), { sites, salt }).then(
        (outcome) => send(res, ingestAnswer(s, outcome)),
        () => {
          // As the app's onError logs it: never the message, which may quote request data.
          s.log.error('unhandled error on POST /api/event: Error')
          send(res, INTERNAL_ERROR)
        },
      )
    })
    return true
  }
}
