const encoder = new TextEncoder()
const decoder = new TextDecoder()
const NEWLINE = 10

/** Lines taken out of a {@link LineBuffer}: UTF-8, each ending in `\n`. */
export interface Lines {
  body: Uint8Array
  rows: number
}

/**
 * Text lines (encoded events) kept as newline-terminated UTF-8 in one growing byte array. While
 * rows wait for a flush they are bytes outside the JS heap, not strings the garbage collector
 * copies and promotes, and a flush hands the bytes to the engine as they are.
 *
 * @example
 * const buf = new LineBuffer()
 * buf.push('["example.com",1700000000000]')
 * const { body, rows } = buf.take() // rows === 1, body ends in '\n'
 */
export class LineBuffer {
  private bytes: Uint8Array
  private used = 0
  private count = 0
  private spare: Uint8Array | null = null

  constructor(private readonly minBytes = 64 * 1024) {
    this.bytes = new Uint8Array(minBytes)
  }

  get rows(): number {
    return this.count
  }

  push(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit, plus the newline.
    const need = this.used + line.length * 3 + 1
    if (need > this.bytes.length) this.grow(need)
    this.used += encoder.encodeInto(line, this.bytes.subarray(this.used)).written
    this.bytes[this.used++] = NEWLINE
    this.count += 1
  }

  /**
   * Everything pushed so far; the buffer starts over, sized for a batch like this one with a quarter
   * to spare (so a slightly larger next batch does not grow it by a copy), or in a recycled buffer
   * that is large enough.
   */
  take(): Lines {
    const taken = { body: this.bytes.subarray(0, this.used), rows: this.count }
    const want = Math.max(this.minBytes, Math.ceil(this.used * 1.25))
    const spare = this.spare
    this.spare = null
    this.bytes = spare && spare.length >= want ? spare : new Uint8Array(want)
    this.used = 0
    this.count = 0
    return taken
  }

  /**
   * Hands back the body of a batch whose insert has ended and that nothing reads any more; the
   * next {@link take} starts over in it. Batches of several MB then alternate between two buffers
   * instead of leaving one behind per flush, resident until a full garbage collection frees it.
   */
  recycle(body: Uint8Array): void {
    if (body.byteOffset !== 0 || body.buffer instanceof SharedArrayBuffer) return
    if (this.spare && this.spare.length >= body.buffer.byteLength) return
    this.spare = new Uint8Array(body.buffer)
  }

  private grow(need: number): void {
    const next = new Uint8Array(Math.max(need, this.bytes.length * 2))
    next.set(this.bytes.subarray(0, this.used))
    this.bytes = next
  }
}

/** `a` then `b` as one batch. */
export function joinLines(a: Lines, b: Lines): Lines {
  if (b.rows === 0) return a
  const body = new Uint8Array(a.body.length + b.body.length)
  body.set(a.body)
  body.set(b.body, a.body.length)
  return { body, rows: a.rows + b.rows }
}

/** The lines as strings, without their newlines (for engines that take rows, not bytes). */
export function splitLines(lines: Lines): string[] {
  if (lines.rows === 0) return []
  return decoder.decode(lines.body.subarray(0, lines.body.length - 1)).split('\n')
}
