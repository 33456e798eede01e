import * as v from 'valibot'
import type { WireEvent } from './types.ts'

/** Most events one request may carry. */
export const MAX_EVENTS = 50

const DAY_MS = 24 * 60 * 60 * 1000

function isHttpUrl(s: string): boolean {
  try {
    const { protocol } = new URL(s)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

// Messages are the predicate only; `describe` prefixes the field (and event index). No message
// ever contains the offending value: it may be personal, and it would be echoed to the client.
const int = (min: number, max: number, message: string) =>
  v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message))

const PropValue = v.union(
  [v.pipe(v.string(), v.maxLength(2000)), v.pipe(v.number(), v.finite()), v.boolean()],
  'values must be strings (<= 2000 chars), numbers or booleans',
)

const PropsObject = v.pipe(
  v.record(v.string(), v.unknown(), 'must be an object'),
  v.check((p) => Object.keys(p).length <= 30, 'must have at most 30 keys'),
  v.check((p) => Object.keys(p).every((k) => k.length >= 1 && k.length <= 300), 'keys must be 1-300 chars'),
  v.check(
    (p) => Object.values(p).every((x) => v.is(PropValue, x)),
    'values must be strings (<= 2000 chars), numbers or booleans',
  ),
  v.transform((p) => p as Record<string, string | number | boolean>),
)

/** Plausible's older scripts send props JSON-encoded as a string; accept both forms. */
function decodeProps(p: unknown): unknown {
  if (typeof p !== 'string') return p
  try {
    return JSON.parse(p) as unknown
  } catch {
    return undefined
  }
}

const Props = v.pipe(
  v.unknown(),
  v.transform(decodeProps),
  v.check((p) => !Array.isArray(p), 'must be an object'),
  PropsObject,
)

const Cell = v.tuple(
  [
    int(0, 99, 'x must be an integer 0-99'),
    v.pipe(
      int(0, 1_000_000, 'y must be an integer 0-1000000'),
      v.multipleOf(10, 'y must be a multiple of 10'),
    ),
    int(0, 1, 'flags must be 0 or 1'),
  ],
  'must be [x, y, flags]',
)

const Event = v.object(
  {
    n: v.pipe(
      v.string('must be a string'),
      v.minLength(1, 'must be 1-120 chars'),
      v.maxLength(120, 'must be 1-120 chars'),
      v.check((s) => s.trim().length > 0, 'must not be blank'),
    ),
    u: v.pipe(
      v.string('must be a string'),
      v.maxLength(2000, 'must be at most 2000 chars'),
      v.check(isHttpUrl, 'must be an http(s) URL'),
    ),
    d: v.pipe(
      v.string('must be a string'),
      v.minLength(1, 'must be 1-500 chars'),
      v.maxLength(500, 'must be 1-500 chars'),
    ),
    r: v.optional(
      v.nullable(
        v.pipe(v.string('must be a string or null'), v.maxLength(2000, 'must be at most 2000 chars')),
      ),
    ),
    p: v.optional(v.nullable(Props)),
    h: v.optional(
      v.nullable(
        v.pipe(
          v.union([v.boolean(), v.picklist([0, 1])], 'must be 0, 1 or a boolean'),
          v.transform((x) => x === true || x === 1),
        ),
      ),
    ),
    i: v.optional(v.nullable(v.boolean('must be a boolean'))),
    sd: v.optional(
      v.nullable(
        v.pipe(
          v.number('must be a number 0-100'),
          v.finite('must be a number 0-100'),
          v.minValue(0, 'must be a number 0-100'),
          v.maxValue(100, 'must be a number 0-100'),
        ),
      ),
    ),
    e: v.optional(v.nullable(int(0, DAY_MS, `must be an integer 0-${DAY_MS}`))),
    w: v.optional(v.nullable(int(0, 20_000, 'must be an integer 0-20000'))),
    c: v.optional(
      v.nullable(v.pipe(v.array(Cell, 'must be an array'), v.maxLength(100, 'must have at most 100 cells'))),
    ),
  },
  'must be an object',
)

type Issue = v.InferIssue<typeof Event>

function describe(issue: Issue): string {
  const path = issue.path ?? []
  const top = path[0]
  if (!top) return issue.message
  const field = `"${String(top.key)}"`
  if (issue.kind === 'schema' && issue.type === 'object' && path.length === 1 && top.value === undefined) {
    return `${field} is required`
  }
  if (top.key === 'c' && path[1]) return `${field} cell ${String(path[1].key)}: ${issue.message}`
  return `${field} ${issue.message}`
}

/** Drops `null`/`undefined` members so the result matches `WireEvent`'s optional fields. */
function compact(e: v.InferOutput<typeof Event>): WireEvent {
  const out: WireEvent = { n: e.n, u: e.u, d: e.d }
  if (e.r != null) out.r = e.r
  else if (e.r === null) out.r = null
  if (e.p != null) out.p = e.p
  if (e.h != null) out.h = e.h
  if (e.i != null) out.i = e.i
  if (e.sd != null) out.sd = e.sd
  if (e.e != null) out.e = e.e
  if (e.w != null) out.w = e.w
  if (e.c != null) out.c = e.c
  return out
}

/**
 * Parses and validates an ingest body: one event object or an array of 1-50. Unknown keys (such
 * as Plausible's `v`) are dropped; `h` becomes a boolean. Errors are short, name the field and,
 * for arrays, the event index — never the value.
 *
 * @example
 * parsePayload('{"n":"pageview","u":"https://example.com/","d":"example.com"}')
 * // { ok: true, events: [{ n: 'pageview', u: 'https://example.com/', d: 'example.com' }] }
 * parsePayload('[{"n":"pageview","u":"ftp://x","d":"x"}]')
 * // { ok: false, error: 'event 0: "u" must be an http(s) URL' }
 */
export function parsePayload(body: string): { ok: true; events: WireEvent[] } | { ok: false; error: string } {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return { ok: false, error: 'body is not valid JSON' }
  }
  const isArray = Array.isArray(json)
  const items: unknown[] = isArray ? (json as unknown[]) : [json]
  if (items.length === 0) return { ok: false, error: 'body is an empty array' }
  if (items.length > MAX_EVENTS) return { ok: false, error: `at most ${MAX_EVENTS} events per request` }
  const events: WireEvent[] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      const error = isArray
        ? `event ${i}: must be an object`
        : 'body must be an event object or an array of events'
      return { ok: false, error }
    }
    const result = v.safeParse(Event, item, { abortEarly: true })
    if (!result.success) {
      const first = result.issues[0]
      const text = first ? describe(first) : 'is invalid'
      return { ok: false, error: isArray ? `event ${i}: ${text}` : text }
    }
    events.push(compact(result.output))
  }
  return { ok: true, events }
}
