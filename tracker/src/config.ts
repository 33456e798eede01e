/**
 * Loader and config: holds the settings every module reads, decides whether this page is tracked
 * and starts the features of this build.
 */
import { click } from './clicks.ts'
import { flush, measure, tick } from './engagement.ts'
import { on } from './guard.ts'
import { link } from './links.ts'
import { trackPageviews } from './pageviews.ts'

declare global {
  interface Window {
    Cypress?: unknown
  }
}

// Config lives in module variables: they minify to single letters, an object's keys would not.
export let domain: string
export let api: string | URL
export let hash: boolean
/** This page is not tracked: nothing is sent, callbacks still run. */
export let skip: unknown

/**
 * Configures the tracker and starts every feature of this build, unless the page is skipped:
 * localhost or `file:` (empty hostname) unless `local`, browser automation (webdriver, Cypress)
 * unless `automation`. Flags follow `getAttribute`: present (any string) = on, `null` = off.
 *
 * @example
 * start('example.com', 'https://stats.example.com/api/event', null, null, null)
 */
export const start = (
  d: string,
  a: string | URL,
  h: string | null,
  local: string | null,
  automation: string | null,
): void => {
  domain = d
  api = a
  hash = h != null
  skip =
    (local == null && /^(localhost|127\.|\[::1\]$|$)/.test(location.hostname)) ||
    (automation == null && (navigator.webdriver || window.Cypress))
  if (!skip) {
    if (__ENGAGEMENT__) {
      on('focus', tick)
      on('blur', tick)
      on('pagehide', flush)
      on('scroll', measure)
    }
    if (__CLICKS__ || __LINKS__) {
      on('click', (e: MouseEvent) => {
        if (__CLICKS__) click(e)
        if (__LINKS__) link(e)
      })
    }
    if (__LINKS__) on('auxclick', link)
    trackPageviews()
  }
}
