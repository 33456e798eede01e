/**
 * Collects bound query parameters. Every value from a request enters SQL as `{pN:Type}`;
 * only the type, chosen by code, is spliced into the text.
 *
 * @example
 * const b = new Binder({ site: 'example.com' })
 * const sql = `SELECT count() FROM events WHERE path = ${b.bind('/x', 'String')}`
 * await ch.query(sql, b.params)
 */
export class Binder {
  readonly params: Record<string, unknown>
  private n = 0

  constructor(initial: Record<string, unknown> = {}) {
    this.params = { ...initial }
  }

  bind(value: unknown, type: BoundType): string {
    const name = `p${this.n++}`
    this.params[name] = value
    return `{${name}:${type}}`
  }
}

/** The ClickHouse types a parameter may take; a closed list, so no request text reaches a type. */
export type BoundType = 'String' | 'Int64' | 'UInt32' | 'UInt8' | 'Date' | 'Array(Date)' | 'Array(String)'
