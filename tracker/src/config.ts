declare global {
  interface Window {
    Cypress?: unknown
  }
}

/**
 * Config, held as module variables: they minify to single letters, an object's keys would not.
 * Set once by `configure`.
 */
export let domain: string
export let api: string | URL
export let hash: boolean
/** This page is not tracked: nothing is sent, callbacks still run. */
export let skip: unknown

/**
 * Stores the config and decides `skip`, returned too: localhost or `file:` unless
 * `local`, browser automation (webdriver, Cypress) unless `automation`.
 * Flags follow `getAttribute`: present (any string) = on, `null` = off.
 *
 * @example
 * const skip = configure('example.com', 'https://stats.example.com/api/event', null, null, null)
 */
// `file:` pages have an empty hostname, matched by the last alternative of the local-host pattern.
export const configure = (
  d: string,
  a: string | URL,
  h: string | null,
  local: string | null,
  automation: string | null,
): unknown => {
  domain = d
  api = a
  hash = h != null
  skip =
    (local == null && /^(localhost|127\.|\[::1\]$|$)/.test(location.hostname)) ||
    (automation == null && (navigator.webdriver || window.Cypress))
  return skip
}
