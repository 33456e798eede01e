import { describe, expect, it } from 'vitest'
import { luaString, parseWrkOutput } from '../../bench/wrk.ts'

/** Lua's reading of a double-quoted literal that uses only `\ddd` escapes. */
function readLua(literal: string): string {
  const inner = literal.slice(1, -1)
  const bytes: number[] = []
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\') {
      const m = /^\d{1,3}/.exec(inner.slice(i + 1))
      if (!m) throw new Error(`bad escape at ${i}`)
      bytes.push(Number(m[0]))
      i += m[0].length
    } else bytes.push(inner.charCodeAt(i))
  }
  return Buffer.from(bytes).toString('utf8')
}

describe('bench wrk script', () => {
  it('writes any body or header as a Lua literal of printable ASCII that reads back the same', () => {
    for (const s of [
      '{"n":"pageview","u":"https://a.example/p?q=\\"x\\""}',
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36',
      'ünïcødé 🙂 \n\t\r "quoted" \\ back',
      '\\1234',
      '',
    ]) {
      const literal = luaString(s)
      expect(literal).toMatch(/^"[\x20-\x7e]*"$/)
      expect(literal.slice(1, -1)).not.toMatch(/(^|[^\\])"/)
      expect(readLua(literal)).toBe(s)
    }
  })

  it("reads latency percentiles and socket errors from wrk's summary", () => {
    const out = `Running 2m test @ http://127.0.0.1:41234/api/event
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.38ms    3.16ms   1.20s    87.74%
    Req/Sec    16.02k     1.22k   17.51k    80.00%
  Latency Distribution
     50%  850.00us
     75%    2.05ms
     90%   11.29ms
     99%   18.60ms
  279220 requests in 16.71s, 3.34MB read
  Socket errors: connect 0, read 2, write 1, timeout 3
Requests/sec:  16714.00
`
    expect(parseWrkOutput(out)).toEqual({
      latencyP50Ms: 0.85,
      latencyP99Ms: 18.6,
      latencyMaxMs: 1200,
      errors: 6,
    })
    expect(parseWrkOutput(out.replace(/\s+Socket errors.*\n/, '\n')).errors).toBe(0)
  })
})
