import type { EventRow } from './types.ts'

/** Column order of the events insert: each buffered event is an array in this order. */
export const EVENT_COLUMNS = [
  'site_id',
  'ts',
  'visitor',
  'name',
  'hostname',
  'path',
  'referrer',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'country',
  'device',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'width',
  'interactive',
  'engaged_ms',
  'scroll_depth',
  'props',
  'retention_days',
] as const satisfies ReadonlyArray<keyof EventRow>

/**
 * One event as the array {@link EVENT_COLUMNS} describes (JSONCompactEachRow). Spelled out rather
 * than `EVENT_COLUMNS.map(...)`: it runs for every event, and the literal is about twice as fast;
 * a unit test holds the two in the same order.
 */
export function eventValues(e: EventRow): unknown[] {
  return [
    e.site_id,
    e.ts,
    e.visitor,
    e.name,
    e.hostname,
    e.path,
    e.referrer,
    e.source,
    e.utm_source,
    e.utm_medium,
    e.utm_campaign,
    e.utm_term,
    e.utm_content,
    e.country,
    e.device,
    e.browser,
    e.browser_version,
    e.os,
    e.os_version,
    e.width,
    e.interactive,
    e.engaged_ms,
    e.scroll_depth,
    e.props,
    e.retention_days,
  ]
}

/**
 * An event as the JSON text of its {@link eventValues} array: one flat string is cheap to send
 * between threads and to keep in the write buffer, and it goes into the insert as it is (see
 * `ENCODED_JSON` in store/client.ts).
 */
export type EncodedEvent = string

/** {@link EncodedEvent} of one event; one that is encoded already is returned as it is. */
export function encodeEvent(e: EventRow | EncodedEvent): EncodedEvent {
  return typeof e === 'string' ? e : JSON.stringify(eventValues(e))
}
