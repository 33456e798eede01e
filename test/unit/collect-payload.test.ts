import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePayload } from '../../server/collect/payload.ts'

const base = { n: 'pageview', u: 'https://example.com/a', d: 'example.com' }
const body = (x: unknown) => JSON.stringify(x)

describe('parsePayload accepts', () => {
  it.each([
    ['a single object', base, [base]],
    ['an array', [base, { ...base, n: 'signup' }], [base, { ...base, n: 'signup' }]],
    [
      'Plausible’s payload, dropping its unknown `v` key',
      { ...base, r: null, v: 22, h: 1 },
      [{ ...base, r: null, h: true }],
    ],
    ['h as 0 or a boolean', { ...base, h: 0 }, [{ ...base, h: false }]],
    ['h true', { ...base, h: true }, [{ ...base, h: true }]],
    [
      'an engagement event with clicks',
      {
        ...base,
        n: 'engagement',
        sd: 55.5,
        e: 1200,
        w: 390,
        c: [
          [0, 0, 0],
          [99, 1_000_000, 1],
        ],
      },
      [
        {
          ...base,
          n: 'engagement',
          sd: 55.5,
          e: 1200,
          w: 390,
          c: [
            [0, 0, 0],
            [99, 1_000_000, 1],
          ],
        },
      ],
    ],
    [
      'props of every allowed type',
      { ...base, p: { plan: 'pro', seats: 3, trial: false } },
      [{ ...base, p: { plan: 'pro', seats: 3, trial: false } }],
    ],
    [
      'props JSON-encoded as a string (older Plausible scripts)',
      { ...base, p: '{"a":"b"}' },
      [{ ...base, p: { a: 'b' } }],
    ],
    [
      '30 props',
      { ...base, p: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])) },
      null,
    ],
    [
      'non-interactive custom events',
      { ...base, n: 'scrolled', i: false },
      [{ ...base, n: 'scrolled', i: false }],
    ],
    [
      'control characters and SQL-looking strings verbatim',
      { ...base, n: "x'); DROP TABLE events;--\u0001", p: { q: "' OR 1=1 --\u0000" } },
      [{ ...base, n: "x'); DROP TABLE events;--\u0001", p: { q: "' OR 1=1 --\u0000" } }],
    ],
    ['a 2,000-char URL', { ...base, u: `https://example.com/${'a'.repeat(1980)}` }, null],
    ['null for optional fields', { ...base, p: null, w: null, c: null }, [base]],
    ['50 events', Array.from({ length: 50 }, () => base), null],
  ])('%s', (_name, input, expected) => {
    const result = parsePayload(body(input))
    expect(result.ok).toBe(true)
    if (result.ok && expected) expect(result.events).toEqual(expected)
  })
})

describe('parsePayload rejects, naming field and index without echoing the value', () => {
  it.each([
    ['invalid JSON', '{"n":', 'body is not valid JSON'],
    ['a string body', body('pageview'), 'body must be an event object or an array of events'],
    ['null', 'null', 'body must be an event object or an array of events'],
    ['an empty array', '[]', 'body is an empty array'],
    ['51 events', body(Array.from({ length: 51 }, () => base)), 'at most 50 events per request'],
    ['a non-object array member', body([base, 5]), 'event 1: must be an object'],
    ['missing u', body({ n: 'x', d: 'y' }), '"u" is required'],
    ['missing d', body({ n: 'x', u: 'https://a.b/' }), '"d" is required'],
    ['missing n', body({ u: 'https://a.b/', d: 'a.b' }), '"n" is required'],
    [
      'a non-http URL (index in arrays)',
      body([base, base, base, { ...base, u: 'javascript:alert(1)' }]),
      'event 3: "u" must be an http(s) URL',
    ],
    ['an unparsable URL', body({ ...base, u: 'not a url' }), '"u" must be an http(s) URL'],
    [
      'a 2,001-char URL',
      body({ ...base, u: `https://example.com/${'a'.repeat(1981)}` }),
      '"u" must be at most 2000 chars',
    ],
    ['a wrong type', body({ ...base, n: 5 }), '"n" must be a string'],
    ['a blank name', body({ ...base, n: ' \t ' }), '"n" must not be blank'],
    ['a 121-char name', body({ ...base, n: 'x'.repeat(121) }), '"n" must be 1-120 chars'],
    ['an empty domain', body({ ...base, d: '' }), '"d" must be 1-500 chars'],
    ['a 2,001-char referrer', body({ ...base, r: 'x'.repeat(2001) }), '"r" must be at most 2000 chars'],
    [
      '31 props',
      body({ ...base, p: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, i])) }),
      '"p" must have at most 30 keys',
    ],
    [
      'nested props',
      body({ ...base, p: { a: { b: 1 } } }),
      '"p" values must be strings (<= 2000 chars), numbers or booleans',
    ],
    [
      'array props values',
      body({ ...base, p: { a: [1] } }),
      '"p" values must be strings (<= 2000 chars), numbers or booleans',
    ],
    ['props as an array', body({ ...base, p: [1] }), '"p" must be an object'],
    ['a 301-char prop key', body({ ...base, p: { ['k'.repeat(301)]: 1 } }), '"p" keys must be 1-300 chars'],
    ['an empty prop key', body({ ...base, p: { '': 1 } }), '"p" keys must be 1-300 chars'],
    [
      'a 2,001-char prop value',
      body({ ...base, p: { a: 'x'.repeat(2001) } }),
      '"p" values must be strings (<= 2000 chars), numbers or booleans',
    ],
    ['h = 2', body({ ...base, h: 2 }), '"h" must be 0, 1 or a boolean'],
    ['i as a number', body({ ...base, i: 0 }), '"i" must be a boolean'],
    ['scroll depth over 100', body({ ...base, sd: 100.5 }), '"sd" must be a number 0-100'],
    ['negative engaged time', body({ ...base, e: -1 }), '"e" must be an integer 0-86400000'],
    ['engaged time over a day', body({ ...base, e: 86_400_001 }), '"e" must be an integer 0-86400000'],
    ['fractional width', body({ ...base, w: 1.5 }), '"w" must be an integer 0-20000'],
    ['oversized width', body({ ...base, w: 20_001 }), '"w" must be an integer 0-20000'],
    ['clicks not an array', body({ ...base, c: 5 }), '"c" must be an array'],
    [
      '101 click cells',
      body({ ...base, c: Array.from({ length: 101 }, () => [1, 10, 0]) }),
      '"c" must have at most 100 cells',
    ],
    [
      'x = 100',
      body({
        ...base,
        c: [
          [1, 10, 0],
          [100, 10, 0],
        ],
      }),
      '"c" cell 1: x must be an integer 0-99',
    ],
    ['negative x', body({ ...base, c: [[-1, 10, 0]] }), '"c" cell 0: x must be an integer 0-99'],
    ['y not a multiple of 10', body({ ...base, c: [[1, 15, 0]] }), '"c" cell 0: y must be a multiple of 10'],
    ['negative y', body({ ...base, c: [[1, -10, 0]] }), '"c" cell 0: y must be an integer 0-1000000'],
    [
      'y past 1,000,000',
      body({ ...base, c: [[1, 1_000_010, 0]] }),
      '"c" cell 0: y must be an integer 0-1000000',
    ],
    ['flags = 2', body({ ...base, c: [[1, 10, 2]] }), '"c" cell 0: flags must be 0 or 1'],
    ['a short cell', body({ ...base, c: [[1, 10]] }), '"c" cell 0: flags must be 0 or 1'],
    ['a cell that is not a tuple', body({ ...base, c: [7] }), '"c" cell 0: must be [x, y, flags]'],
  ])('%s', (_name, input, error) => {
    expect(parsePayload(input)).toEqual({ ok: false, error })
  })

  it('never echoes the offending value', () => {
    const secret = 'ftp://secret-token-123.example/'
    const result = parsePayload(body({ ...base, u: secret }))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).not.toContain('secret')
  })

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((j) => JSON.stringify(j)),
        ),
        (s) => {
          const result = parsePayload(s)
          expect(typeof result.ok).toBe('boolean')
        },
      ),
      { numRuns: 500 },
    )
  })
})
