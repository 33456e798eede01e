/** In-process counters rendered in Prometheus text format; no labels carry personal data. */

const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const

export class Metrics {
  accepted = 0
  readonly dropped = new Map<string, number>()
  readonly inserted = new Map<string, number>()
  insertFailures = 0
  insertRetries = 0
  rejectedFull = 0
  bufferSize = 0
  private readonly latencyCounts = LATENCY_BUCKETS_MS.map(() => 0)
  private latencySum = 0
  private latencyCount = 0

  drop(reason: string, count = 1): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + count)
  }

  insertedRows(table: string, count: number): void {
    this.inserted.set(table, (this.inserted.get(table) ?? 0) + count)
  }

  batchLatency(ms: number): void {
    this.latencySum += ms
    this.latencyCount += 1
    LATENCY_BUCKETS_MS.forEach((le, i) => {
      if (ms <= le) this.latencyCounts[i] = (this.latencyCounts[i] ?? 0) + 1
    })
  }

  /**
   * @example
   * new Metrics().render() // "# TYPE crumbless_events_accepted_total counter\n..."
   */
  render(): string {
    const lines: string[] = []
    const counter = (name: string, help: string, rows: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`)
      for (const [labels, value] of rows) lines.push(`${name}${labels} ${value}`)
    }
    counter('crumbless_events_accepted_total', 'Events accepted for storage.', [['', this.accepted]])
    counter(
      'crumbless_events_dropped_total',
      'Events deliberately not stored, by reason.',
      [...this.dropped].map(([reason, n]) => [`{reason="${reason}"}`, n]),
    )
    counter(
      'crumbless_rows_inserted_total',
      'Rows written to ClickHouse, by table.',
      [...this.inserted].map(([table, n]) => [`{table="${table}"}`, n]),
    )
    counter('crumbless_insert_failures_total', 'Failed batch inserts.', [['', this.insertFailures]])
    counter('crumbless_insert_retries_total', 'Batch insert retries.', [['', this.insertRetries]])
    counter('crumbless_rejected_buffer_full_total', 'Requests refused with 503.', [['', this.rejectedFull]])
    lines.push(
      '# HELP crumbless_buffer_rows Rows waiting to be written.',
      '# TYPE crumbless_buffer_rows gauge',
      `crumbless_buffer_rows ${this.bufferSize}`,
      '# HELP crumbless_batch_latency_ms Time to write one batch.',
      '# TYPE crumbless_batch_latency_ms histogram',
    )
    LATENCY_BUCKETS_MS.forEach((le, i) => {
      lines.push(`crumbless_batch_latency_ms_bucket{le="${le}"} ${this.latencyCounts[i]}`)
    })
    lines.push(
      `crumbless_batch_latency_ms_bucket{le="+Inf"} ${this.latencyCount}`,
      `crumbless_batch_latency_ms_sum ${this.latencySum}`,
      `crumbless_batch_latency_ms_count ${this.latencyCount}`,
    )
    return `${lines.join('\n')}\n`
  }
}
