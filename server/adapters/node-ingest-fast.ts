import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SinkOutcome } from '../collect/ingest.ts'
import {
  INTERNAL_ERROR,
  type IngestAnswer,
  ingestAnswer,
  MAX_BODY_BYTES,
  STORAGE_UNREACHABLE,
} from '../routes/ingest.ts'
import type { Services } from '../services.ts'
import type { NodeHeaders } from './node-ingest-messages.ts'
import type { TakeIngest } from './node-ingest-socket.ts'
import type { IngestThread } from './node-ingest-thread.ts'

type IngestState = Parameters<IngestThread['runNode']>[4]

/** Node's own request listener: what @hono/node-server would call for every request. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void

function send(res: ServerResponse, answer: IngestAnswer): void {
  try {
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body ?? undefined)
  } catch {
    res.destroy()
  }
}

function internalError(s: Services): IngestAnswer {
  // As the app's onError logs it: never the message, which may quote request data.
  s.log.error('unhandled error on POST /api/event: Error')
  return INTERNAL_ERROR
}

function answerOrError(s: Services, outcome: SinkOutcome): IngestAnswer {
  try {
    return ingestAnswer(s, outcome)
  } catch {
    return internalError(s)
  }
}

/**
 * Runs one request through the worker and hands over the route's answer for its outcome. Nothing
 * may escape: a throw would end the process. (Without the worker the pipeline runs inline, and its
 * error comes back through the callback.)
 */
function runToAnswer(
  s: Services,
  thread: IngestThread,
  headers: NodeHeaders,
  body: string,
  remote: string,
  state: IngestState,
  answer: (answer: IngestAnswer) => void,
): void {
  try {
    thread.runNode(headers, body, remote, s.now(), state, (err, outcome) => {
      answer(err || !outcome ? internalError(s) : answerOrError(s, outcome))
    })
  } catch {
    answer(internalError(s))
  }
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
    // Raw chunks, decoded once at the end: no StringDecoder per request (setEncoding makes one).
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
    })
    // A request the client abandons never ends; Node emits no 'error' without a listener.
    req.on('end', () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString()
      const remote = req.socket.remoteAddress ?? ''
      runToAnswer(s, thread, req.headers, body, remote, { sites, salt }, (answer) => send(res, answer))
    })
    return true
  }
}

/**
 * The {@link TakeIngest} of the socket ingest path (`node-ingest-socket.ts`): the same pipeline,
 * outcome and answer as {@link nodeIngestFastPath}, for a request read straight off a socket. It
 * takes every request: when the sites or today's salt are not cached (before the first request, at
 * a new UTC day) it waits for them as the route does, rather than hand the connection (a reverse
 * proxy's kept-alive one, say) to Node's HTTP server for good.
 */
export function socketIngestTaker(s: Services, thread: IngestThread): TakeIngest {
  const run = (
    headers: Readonly<Record<string, string>>,
    body: string,
    remote: string,
    state: IngestState,
    answer: (answer: IngestAnswer) => void,
  ) => runToAnswer(s, thread, headers, body, remote, state, answer)
  return (headers, body, remote, answer) => {
    const sites = s.sites.cached()
    const salt = s.salts.cachedToday()
    if (sites && salt) {
      run(headers, body, remote, { sites, salt }, answer)
      return true
    }
    Promise.all([sites ?? s.sites.all(), salt ?? s.salts.today()]).then(
      ([loaded, today]) => run(headers, body, remote, { sites: loaded, salt: today }, answer),
      () => answer(STORAGE_UNREACHABLE),
    )
    return true
  }
}
