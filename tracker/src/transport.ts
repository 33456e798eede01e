import { api, domain, hash, skip } from './config.ts'
import { safe } from './guard.ts'

/** Custom event properties as they go on the wire. */
export type Props = Record<string, string>

/** The optional keys of one event on the wire (see DESIGN.md, "Wire format"). */
export interface Extra {
  u?: string
  p?: Props
  i?: boolean
  e?: number
  sd?: number
  c?: number[][]
}

/**
 * Posts one event. The body is a string, so the browser labels it `text/plain` and sends no CORS
 * preflight; `keepalive` lets it outlive the page. If fetch fails, `sendBeacon` tries once more.
 * `done` runs once the request is settled (at once on a skipped page); its errors are swallowed.
 *
 * @example
 * send('pageview')
 * send('Signup', { p: { plan: 'pro' } }, () => form.submit())
 */
export const send = (n: string, extra?: Extra, done?: () => void): void => {
  // biome-ignore lint/complexity/useOptionalChain: ES2017 has no `?.`; its lowered form is longer
  const end = safe(() => done && done())
  if (skip) end()
  else {
    const event = Object.assign(
      {
        n: n.slice(0, 120),
        u: location.href.slice(0, 2000),
        d: domain,
        // '' for none: the collector treats it as null
        r: document.referrer.slice(0, 2000),
        w: innerWidth,
        h: hash,
      },
      extra,
    )
    let body = JSON.stringify(event)
    // 30 props of 2,000 chars pass every other limit and still overflow the 16 KB body cap; 5,400
    // UTF-16 units are at most 16,200 bytes, so a body this short always fits.
    if (body[5400]) {
      event.p = {}
      body = JSON.stringify(event)
    }
    fetch(api, { method: 'POST', body, keepalive: true })
      .catch(() => navigator.sendBeacon(api, body))
      .then(end, end)
  }
}
