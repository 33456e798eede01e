import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { joinLines, LineBuffer, splitLines } from '../../server/store/line-buffer.ts'

// Encoded events are JSON text: never a raw newline.
const line = fc.string({ unit: 'binary', maxLength: 300 }).map((s) => s.replaceAll('\n', ' '))

describe('LineBuffer', () => {
  it('gives back exactly the pushed lines as newline-terminated UTF-8, growing as needed', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), (lines) => {
        const buf = new LineBuffer(16)
        for (const l of lines) buf.push(l)
        const taken = buf.take()
        expect(taken.rows).toBe(lines.length)
        expect(taken.body).toEqual(new TextEncoder().encode(lines.map((l) => `${l}\n`).join('')))
        expect(splitLines(taken)).toEqual(lines)
      }),
    )
  })

  it('starts over after take(), leaving the taken bytes untouched', () => {
    const buf = new LineBuffer(8)
    buf.push('["a",1]')
    const first = buf.take()
    buf.push('["b",2]')
    buf.push('["€",3]')
    const second = buf.take()
    expect(new TextDecoder().decode(first.body)).toBe('["a",1]\n')
    expect(second.rows).toBe(2)
    expect(splitLines(second)).toEqual(['["b",2]', '["€",3]'])
    expect(buf.take()).toEqual({ body: new Uint8Array(), rows: 0 })
  })

  it('joins a retained batch ahead of newer lines', () => {
    const a = new LineBuffer()
    a.push('old')
    const b = new LineBuffer()
    b.push('new 1')
    b.push('new 2')
    const kept = a.take()
    expect(splitLines(joinLines(kept, b.take()))).toEqual(['old', 'new 1', 'new 2'])
    expect(joinLines(kept, new LineBuffer().take())).toBe(kept)
    expect(splitLines(new LineBuffer().take())).toEqual([])
  })

  it('fills a recycled body after the next take(), and never one that is still taken', () => {
    const buf = new LineBuffer(64)
    buf.push('["a",1]')
    const first = buf.take()
    buf.push('["b",2]')
    buf.recycle(first.body)
    // Lines pushed before the next take() stay where they are; the recycled buffer is filled after it.
    const second = buf.take()
    expect(second.body.buffer).not.toBe(first.body.buffer)
    buf.push('["c",3]')
    const third = buf.take()
    expect(third.body.buffer).toBe(first.body.buffer)
    expect(splitLines(second)).toEqual(['["b",2]'])
    expect(splitLines(third)).toEqual(['["c",3]'])
    // Too small for the next batch: a new buffer is made instead, and the lines are intact.
    buf.recycle(new Uint8Array(2))
    for (let i = 0; i < 20; i++) buf.push(`["long line ${i}",${i}]`)
    buf.take()
    for (let i = 0; i < 20; i++) buf.push(`["long line ${i}",${i}]`)
    const big = buf.take()
    expect(big.rows).toBe(20)
    expect(splitLines(big)[19]).toBe('["long line 19",19]')
  })
})
