/** The slice of autocannon's programmatic API the ingest bench uses (the package ships no types). */
declare module 'autocannon' {
  export interface RawRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string | Buffer
  }

  export interface RequestSpec extends RawRequest {
    setupRequest?: (req: RawRequest, context: Record<string, unknown>) => RawRequest | null
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string | string[]>,
    ) => void
  }

  export interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    /** How often (ms) autocannon samples its counters; a fixed-amount run ends at the first sample after its last answer. */
    sampleInt?: number
    pipelining?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    requests?: RequestSpec[]
  }

  export interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
    p50: number
    p90: number
    p97_5: number
    p99: number
    p99_9: number
  }

  export interface Result {
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    errors: number
    timeouts: number
    non2xx: number
    mismatches: number
    duration: number
    '2xx': number
    statusCodeStats: Record<string, { count: number }>
  }

  function autocannon(opts: Options): Promise<Result>
  export default autocannon
}
