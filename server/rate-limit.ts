/**
 * Fixed-window counters per key, in memory. Keys may be IPs: they live here only for the
 * current window and are never written anywhere. The map is bounded; when full, the oldest
 * window is cleared early rather than growing.
 *
 * @example
 * const limit = new RateLimiter(600, 60_000)
 * if (!limit.hit(ip, Date.now())) return c.text('slow down', 429)
 */
export class RateLimiter {
  private windowStart = 0
  private counts = new Map<string, number>()

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one hit; `false` when the key is over its limit in this window. */
  hit(key: string, now: number): boolean {
    if (this.max <= 0) return true
    if (now - this.windowStart >= this.windowMs || this.counts.size >= this.maxKeys) {
      this.windowStart = now
      this.counts.clear()
    }
    const n = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, n)
    return n <= this.max
  }

  /** Seconds until the current window ends (for `Retry-After`). */
  retryAfter(now: number): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000))
  }
}
