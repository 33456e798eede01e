import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IdQueue } from '../../server/adapters/id-queue.ts'

type Op = { kind: 'push'; value: number } | { kind: 'take' } | { kind: 'takeWrong' } | { kind: 'drain' }

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer().map((value) => ({ kind: 'push' as const, value })) },
  { weight: 4, arbitrary: fc.constant({ kind: 'take' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'takeWrong' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
)

/** The ring, read white-box: what it still points at is what the garbage collector sees. */
function slotsOf(q: IdQueue<{ v: number }>): Array<{ v: number } | undefined> {
  return (q as unknown as { slots: Array<{ v: number } | undefined> }).slots
}

describe('IdQueue', () => {
  it('behaves as a FIFO of consecutive ids, growing as needed', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new IdQueue<number>(2)
        const model: Array<{ id: number; value: number }> = []
        let nextId = 0
        for (const o of ops) {
          if (o.kind === 'push') {
            expect(q.push(o.value)).toBe(nextId)
            model.push({ id: nextId++, value: o.value })
          } else if (o.kind === 'take') {
            const oldest = model.shift()
            expect(q.take(oldest?.id ?? nextId)).toBe(oldest?.value)
          } else if (o.kind === 'takeWrong') {
            // Any id but the oldest is refused and changes nothing.
            expect(q.take((model[0]?.id ?? nextId) + 1)).toBeUndefined()
            expect(q.take(-1)).toBeUndefined()
          } else {
            expect(q.drain()).toEqual(model.splice(0).map((m) => m.value))
          }
          expect(q.size).toBe(model.length)
          expect(q.nextId).toBe(nextId)
        }
      }),
    )
  })

  it('keeps no reference to a taken value, nor in a ring it outgrew', () => {
    const q = new IdQueue<{ v: number }>(4)
    for (let i = 0; i < 3; i++) q.push({ v: i })
    expect(q.take(0)).toEqual({ v: 0 })
    expect(q.take(1)).toEqual({ v: 1 })
    const small = slotsOf(q)
    expect(small.filter((s) => s !== undefined)).toEqual([{ v: 2 }])

    // The ring wraps, then grows: the values move, and the old ring is left empty.
    for (let i = 3; i < 8; i++) q.push({ v: i })
    const big = slotsOf(q)
    expect(big).not.toBe(small)
    expect(small.every((s) => s === undefined)).toBe(true)
    expect(big.filter((s) => s !== undefined).map((s) => s?.v)).toEqual([2, 3, 4, 5, 6, 7])

    expect(q.drain().map((s) => s.v)).toEqual([2, 3, 4, 5, 6, 7])
    expect(slotsOf(q).every((s) => s === undefined)).toBe(true)
  })
})
