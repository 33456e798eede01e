/**
 * The messages between the HTTP thread and the ingest worker (`node-ingest-thread.ts`,
 * `node-ingest-worker.ts`): requests and outcomes as flat arrays. Kept apart from the thread module
 * so the worker's bundle takes in nothing but these helpers.
 */
import type { EncodedEvent } from '../collect/event-values.ts'
import {
  INGEST_HEADERS,
  type IngestOutcome,
  type PickedIngest,
  pickIngestHeaders,
} from '../collect/ingest.ts'
import type { ClickRow, DropReason, Site } from '../collect/types.ts'

/** Request headers as Node parses them (`IncomingMessage.headers`). */
export type NodeHeaders = Readonly<Record<string, string | string[] | undefined>>

/** One of Node's parsed headers, repeated ones joined the way Node joins them into `IncomingMessage.headers`. */
export function nodeHeader(headers: NodeHeaders, name: string): string | null {
  const value = headers[name]
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
}

/** Where a request's header values start among its slots (after body, remote address and time). */
const HEADERS_AT = 3
const HEADER_SLOT = new Map<string, number>(INGEST_HEADERS.map((name, i) => [name, HEADERS_AT + i]))

/**
 * Slots per request in a {@link IngestBatch}: body, remote address, time, then the value of each
 * of {@link INGEST_HEADERS} in that order (`null` when absent). Flat arrays of strings clone
 * between threads faster than an object per request with its own header object.
 */
export const REQUEST_SLOTS = HEADERS_AT + INGEST_HEADERS.length

/** Consecutive requests, {@link REQUEST_SLOTS} slots each; the first has id `first`, the next `first + 1`, ... */
export interface IngestBatch {
  type: 'batch'
  first: number
  slots: Array<string | number | null>
}

export type IngestToWorker =
  | { type: 'state'; sites: ReadonlyMap<string, Site>; salt: Uint8Array }
  | IngestBatch

/**
 * The outcomes of a batch, in order, as one flat array. Per request: `202`, the drop reasons joined
 * by commas (`''` for none), the event count and that many encoded events, the click count and that
 * many click rows; or `400` and the message; or `429` and the seconds to wait; or `0` where the
 * pipeline threw.
 */
export interface IngestReply {
  type: 'outcomes'
  first: number
  outcomes: unknown[]
}

/** Appends a request's slots: body, remote, time, then the {@link INGEST_HEADERS} values in order. */
export function pushRequestSlots(
  slots: Array<string | number | null>,
  body: string,
  remote: string,
  now: number,
  headers: NodeHeaders,
): void {
  slots.push(body, remote, now)
  for (const name of INGEST_HEADERS) slots.push(nodeHeader(headers, name))
}

/** Header `name` of the request whose slots start at `at`; `null` when absent or not an ingest header. */
export function slotHeader(
  slots: ReadonlyArray<string | number | null>,
  at: number,
  name: string,
): string | null {
  const slot = HEADER_SLOT.get(name)
  const value = slot === undefined ? null : slots[at + slot]
  return typeof value === 'string' ? value : null
}

/** The request whose slots start at `at`, with its headers as a plain object. */
export function requestFromSlots(slots: ReadonlyArray<string | number | null>, at: number): PickedIngest {
  const headers = pickIngestHeaders((name) => slotHeader(slots, at, name))
  return { body: String(slots[at]), remote: String(slots[at + 1]), now: Number(slots[at + 2]), headers }
}

/** Appends one outcome to a reply's flat array (see {@link IngestReply}). */
export function pushOutcome(out: unknown[], outcome: IngestOutcome<EncodedEvent> | null): void {
  if (!outcome) out.push(0)
  else if (outcome.status === 400) out.push(400, outcome.error)
  else if (outcome.status === 429) out.push(429, outcome.retryAfter)
  else {
    out.push(202, outcome.dropped.join(','), outcome.events.length, ...outcome.events)
    out.push(outcome.clicks.length, ...outcome.clicks)
  }
}

/** Reads the outcome at `at` of a reply's flat array; returns it and where the next one starts. */
export function readOutcome(
  out: readonly unknown[],
  at: number,
): [IngestOutcome<EncodedEvent> | null, number] {
  const status = out[at]
  if (status === 400) return [{ status: 400, error: String(out[at + 1]) }, at + 2]
  if (status === 429) return [{ status: 429, retryAfter: Number(out[at + 1]) }, at + 2]
  if (status !== 202) return [null, at + 1]
  const joined = String(out[at + 1])
  const dropped = (joined === '' ? [] : joined.split(',')) as DropReason[]
  const eventCount = Number(out[at + 2])
  const events = out.slice(at + 3, at + 3 + eventCount) as EncodedEvent[]
  const clicksAt = at + 3 + eventCount
  const clickCount = Number(out[clicksAt])
  const clicks = out.slice(clicksAt + 1, clicksAt + 1 + clickCount) as ClickRow[]
  return [{ status: 202, events, clicks, dropped }, clicksAt + 1 + clickCount]
}
