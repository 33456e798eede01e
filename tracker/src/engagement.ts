import { cells } from './clicks.ts'
import { current } from './pageviews.ts'
import { send } from './transport.ts'

/** Engaged ms not yet reported. */
let engaged = 0
/** When the current engaged stretch began; 0 or false while hidden or unfocused. */
let since: number | false = 0
/** Deepest scroll on this page, % of document height. */
let depth = 0
/** Depth in the last engagement event; 0 until the first one, so every page reports its depth once. */
let sent = 0

/**
 * Closes the running engaged stretch and opens a new one if the page is visible and focused.
 *
 * @example
 * on('focus', tick)
 */
export const tick = (): void => {
  if (since) engaged += Date.now() - since
  since = !document.hidden && document.hasFocus() && Date.now()
}

/**
 * Updates the deepest scroll; re-measures the document on every call, as pages grow while they load
 * and as they are scrolled.
 *
 * @example
 * on('scroll', measure)
 */
export const measure = (): void => {
  depth = Math.max(
    depth,
    Math.min(100, ((scrollY + innerHeight) * 100) / document.documentElement.scrollHeight) | 0,
  )
}

/**
 * Starts a fresh engagement record for a new pageview; call right after `flush`.
 *
 * @example
 * flush(); reset()
 */
export const reset = (): void => {
  // `flush` has just closed the engaged stretch: what is left of it is a few µs
  engaged = depth = sent = 0
  measure()
}

/**
 * Sends an engagement event for the current page if there is anything new: 1 s more of engaged time,
 * a deeper scroll or clicks.
 *
 * @example
 * on('pagehide', flush)
 */
export const flush = (): void => {
  tick()
  measure()
  if (current && (engaged >= 1e3 || depth > sent || (__CLICKS__ && cells.length))) {
    send('engagement', { u: current, e: engaged, sd: depth, c: __CLICKS__ ? cells.splice(0) : undefined })
    engaged = 0
    sent = depth
  }
}

/**
 * Follows visibility: hidden closes the engaged stretch and reports, visible opens a new stretch.
 *
 * @example
 * on('visibilitychange', visibility)
 */
export const visibility = (): unknown => (document.hidden ? flush() : tick())
