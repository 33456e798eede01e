import { describe, expect, it } from 'vitest'
import { EVENT_COLUMNS, encodeEvent, eventValues } from '../../server/collect/event-values.ts'
import { eventRow } from '../support/rows.ts'

describe('eventValues', () => {
  it('lists every event field in EVENT_COLUMNS order, so JSONCompactEachRow puts each value in its column', () => {
    const row = eventRow({ site_id: 's.test', path: '/p', utm_term: 't', props: { a: '1' }, width: 390 })
    const values = eventValues(row)
    expect(values).toEqual(EVENT_COLUMNS.map((c) => row[c]))
    expect([...EVENT_COLUMNS].sort()).toEqual(Object.keys(row).sort())
  })
  it('encodes an event as the JSON text of its values', () => {
    const row = eventRow({ path: '/q"uote', props: { k: 'v\n' } })
    expect(JSON.parse(encodeEvent(row))).toEqual(eventValues(row))
  })
})
