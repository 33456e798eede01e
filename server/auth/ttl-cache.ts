/**
 * A bounded map whose entries expire after `ttlMs`. Used so that per-request credential
 * lookups (API keys, sessions, share links, memberships) do not read ClickHouse every time;
 * changes made through this instance invalidate entries at once, changes made through
 * another instance are seen within `ttlMs`.
 *
 * @example
 * const cache = new TtlCache<string, number>(10_000, 1000)
 * cache.set('a', 1, Date.now())
 * cache.get('a', Date.now()) // 1
 */
export class TtlCache<K, V> {
  private map = new Map<K, { value: V; at: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached entry (which may hold `null` for a cached miss), or `undefined` when absent/stale. */
  get(key: K, now: number): { value: V } | undefined {
    const hit = this.map.get(key)
    if (!hit) return undefined
    if (now - hit.at >= this.ttlMs || now < hit.at) {
      this.map.delete(key)
      return undefined
    }
    return hit
  }

  set(key: K, value: V, now: number): void {
    if (this.ttlMs <= 0) return
    if (this.map.size >= this.maxEntries) {
      // Insertion order: the first key is the oldest.
      const first = this.map.keys().next()
      if (!first.done) this.map.delete(first.value)
    }
    this.map.delete(key)
    this.map.set(key, { value, at: now })
  }

  delete(key: K): void {
    this.map.delete(key)
  }

  /** Drops every entry whose value matches. */
  deleteWhere(match: (value: V, key: K) => boolean): void {
    for (const [k, v] of this.map) if (match(v.value, k)) this.map.delete(k)
  }

  clear(): void {
    this.map.clear()
  }
}
