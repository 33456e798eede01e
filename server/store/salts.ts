import type { Ch } from './client.ts'

/** `YYYY-MM-DD` of a UTC instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

const DAY_MS = 86_400_000

/** Re-read today's salt this often, so collectors that raced on a new day converge quickly. */
const RECHECK_MS = 60_000

/**
 * Daily salts shared through ClickHouse. The first salt inserted for a day wins: every
 * instance inserts a candidate only when it sees none, then adopts the earliest row.
 * Salts older than yesterday are destroyed by dropping their partition.
 *
 * @example
 * const salts = new SaltStore(ch, () => Date.now(), newSalt)
 * const key = await salts.forDay(utcDay(Date.now()))
 */
export class SaltStore {
  private cache = new Map<string, { salt: Uint8Array; checked: number }>()
  private pending = new Map<string, Promise<Uint8Array>>()
  private todayNumber = Number.NaN
  private todayName = ''

  constructor(
    private readonly ch: Ch,
    private readonly now: () => number,
    private readonly random: () => Uint8Array,
  ) {}

  /** The salt for `day`, creating it when none exists yet. */
  async forDay(day: string): Promise<Uint8Array> {
    return this.cachedFor(day) ?? this.recheck(day)
  }

  /** The salt for the current UTC day. */
  today(): Promise<Uint8Array> {
    return this.forDay(this.todayDay())
  }

  /**
   * {@link today} without waiting, for the ingest hot path: the cached salt, or `null` when
   * today's salt is not cached yet.
   */
  cachedToday(): Uint8Array | null {
    return this.cachedFor(this.todayDay())
  }

  /** The cached salt of `day`; a due re-check runs in the background, and ingest keeps this salt meanwhile. */
  private cachedFor(day: string): Uint8Array | null {
    const hit = this.cache.get(day)
    if (!hit) return null
    if (this.now() - hit.checked >= RECHECK_MS) this.recheck(day).catch(() => {})
    return hit.salt
  }

  /** One load of `day`'s salt at a time, shared by every caller while it runs. */
  private recheck(day: string): Promise<Uint8Array> {
    let running = this.pending.get(day)
    if (!running) {
      running = this.load(day).finally(() => this.pending.delete(day))
      this.pending.set(day, running)
    }
    return running
  }

  private todayDay(): string {
    // Formatting the date is a measurable share of ingest; the day changes once in 86.4M ms.
    const now = this.now()
    const dayNumber = Math.floor(now / DAY_MS)
    if (dayNumber !== this.todayNumber) {
      this.todayNumber = dayNumber
      this.todayName = utcDay(now)
    }
    return this.todayName
  }

  private async earliest(day: string): Promise<string | null> {
    const rows = await this.ch.query<{ salt: string }>(
      'SELECT salt FROM salts WHERE day = {day:Date} ORDER BY created, salt LIMIT 1',
      { day },
    )
    return rows[0]?.salt ?? null
  }

  private async load(day: string): Promise<Uint8Array> {
    let hex = await this.earliest(day)
    if (!hex) {
      await this.ch.insert('salts', [{ day, salt: toHex(this.random()) }])
      hex = await this.earliest(day)
    }
    if (!hex) throw new Error(`salt for ${day} could not be stored`)
    const salt = fromHex(hex)
    this.cache.set(day, { salt, checked: this.now() })
    for (const d of this.cache.keys()) if (d < day) this.cache.delete(d)
    return salt
  }

  /**
   * Drops every salt partition older than yesterday; returns the days destroyed. After this,
   * visitor ids of those days cannot be recomputed from an IP and user agent.
   */
  async destroyOld(): Promise<string[]> {
    const yesterday = utcDay(this.now() - 86_400_000)
    const rows = await this.ch.query<{ partition: string }>(
      `SELECT DISTINCT partition FROM system.parts
       WHERE database = currentDatabase() AND table = 'salts' AND active AND partition < {yesterday:String}`,
      { yesterday },
    )
    const days: string[] = []
    for (const { partition } of rows) {
      const day = partition.replace(/'/g, '')
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue
      // Partition ids cannot be bound parameters; `day` is validated as a date above.
      await this.ch.command(`ALTER TABLE salts DROP PARTITION '${day}'`)
      days.push(day)
    }
    for (const d of this.cache.keys()) if (d < yesterday) this.cache.delete(d)
    return days
  }
}
