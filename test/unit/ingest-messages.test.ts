import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  pushOutcome,
  pushRequestSlots,
  REQUEST_SLOTS,
  readOutcome,
  requestFromSlots,
} from '../../server/adapters/node-ingest-messages.ts'
import type { EncodedEvent } from '../../server/collect/event-values.ts'
import { INGEST_HEADERS, type IngestOutcome } from '../../server/collect/ingest.ts'
import type { ClickRow, DropReason } from '../../server/collect/types.ts'

const REASONS: DropReason[] = ['unknown-site', 'hostname', 'bot', 'gpc', 'dnt', 'spam']

const click: fc.Arbitrary<ClickRow> = fc.record({
  site_id: fc.string(),
  day: fc.constant('2026-11-29'),
  path: fc.string(),
  width_bucket: fc.constantFrom('mobile', 'tablet', 'desktop'),
  x: fc.integer({ min: 0, max: 100 }),
  y: fc.nat(),
  rage: fc.integer({ min: 0, max: 1 }),
  clicks: fc.constant(1),
  retention_days: fc.nat({ max: 5000 }),
})

const outcome: fc.Arbitrary<IngestOutcome<EncodedEvent> | null> = fc.oneof(
  fc.constant(null),
  fc.record({ status: fc.constant(400 as const), error: fc.string() }),
  fc.record({ status: fc.constant(429 as const), retryAfter: fc.nat() }),
  fc.record({
    status: fc.constant(202 as const),
    events: fc.array(fc.string()),
    clicks: fc.array(click, { maxLength: 5 }),
    dropped: fc.array(fc.constantFrom(...REASONS), { maxLength: 4 }),
  }),
)

describe('ingest thread messages', () => {
  it('read back every outcome of a flat reply, in order', () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 30 }), (outcomes) => {
        const flat: unknown[] = []
        for (const o of outcomes) pushOutcome(flat, o)
        const read: Array<IngestOutcome<EncodedEvent> | null> = []
        let at = 0
        while (at < flat.length) {
          const [o, next] = readOutcome(flat, at)
          read.push(o)
          at = next
        }
        expect(read).toEqual(outcomes)
      }),
    )
  })

  it('carry a request as body, remote, time and the ingest headers, joined as Node joins them', () => {
    const slots: Array<string | number | null> = []
    pushRequestSlots(slots, 'first', '10.0.0.1', 1, { 'user-agent': 'UA', host: 'not copied' })
    pushRequestSlots(slots, '{"n":"pageview"}', '::1', 2, {
      'x-forwarded-for': ['203.0.113.7', '10.0.0.2'],
      dnt: '1',
      'user-agent': undefined,
    })
    expect(slots).toHaveLength(2 * REQUEST_SLOTS)
    expect(requestFromSlots(slots, 0)).toEqual({
      body: 'first',
      remote: '10.0.0.1',
      now: 1,
      headers: { 'user-agent': 'UA' },
    })
    expect(requestFromSlots(slots, REQUEST_SLOTS)).toEqual({
      body: '{"n":"pageview"}',
      remote: '::1',
      now: 2,
      headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.2', dnt: '1' },
    })
    expect(INGEST_HEADERS).not.toContain('host')
  })
})
