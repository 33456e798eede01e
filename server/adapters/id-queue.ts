/**
 * Values under consecutive ids, taken oldest first: the ingest thread's requests waiting for the
 * worker, whose outcomes come back in the order the requests were sent.
 *
 * Why not a `Map<number, T>`: under constant insert-and-delete a Map rehashes every few hundred
 * requests, and the table it drops still points at the requests that were waiting then. Once that
 * table sits in V8's old space, those stale pointers keep young requests alive through the next
 * scavenge, so whole request graphs (Hono context, IncomingMessage, promises) were promoted: ~0.9 MB
 * per scavenge at 10k req/s, against ~0.3 MB with this ring, and the scavenge pause halved. Here a
 * slot is cleared as it is taken, and a ring outgrown is cleared before it is dropped.
 *
 * @example
 * const q = new IdQueue<string>()
 * q.push('a') // id 0
 * q.push('b') // id 1
 * q.take(0) // 'a'
 */
export class IdQueue<T> {
  private slots: Array<T | undefined>
  /** Index in `slots` of the oldest value. */
  private head = 0
  private count = 0
  /** Id of the oldest value (the next to take). */
  private firstId = 0

  constructor(capacity = 256) {
    this.slots = new Array<T | undefined>(capacity).fill(undefined)
  }

  get size(): number {
    return this.count
  }

  /** Id the next push gets. */
  get nextId(): number {
    return this.firstId + this.count
  }

  /** Adds `value` under {@link nextId} and returns that id. */
  push(value: T): number {
    if (this.count === this.slots.length) this.grow()
    this.slots[(this.head + this.count) % this.slots.length] = value
    this.count += 1
    return this.firstId + this.count - 1
  }

  /** The value under `id` if it is the oldest one; ids are taken in order, so any other is absent. */
  take(id: number): T | undefined {
    if (this.count === 0 || id !== this.firstId) return undefined
    const value = this.slots[this.head]
    this.slots[this.head] = undefined
    this.head = (this.head + 1) % this.slots.length
    this.count -= 1
    this.firstId += 1
    return value
  }

  /** Takes every value, oldest first. */
  drain(): T[] {
    const out: T[] = []
    while (this.count > 0) {
      const value = this.take(this.firstId)
      if (value !== undefined) out.push(value)
    }
    return out
  }

  private grow(): void {
    const old = this.slots
    const next = new Array<T | undefined>(old.length * 2).fill(undefined)
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) % old.length]
    // The old ring may already be in old space: left full, it would keep these values alive.
    old.fill(undefined)
    this.slots = next
    this.head = 0
  }
}
