import { hash } from './config.ts'
import { flush, reset, visibility } from './engagement.ts'
import { on, safe } from './guard.ts'
import { send } from './transport.ts'

/** URL of the last pageview: engagement is reported against it, even after the URL has changed. */
export let current: string | undefined
/** What makes two URLs the same page (path, plus the fragment in hash mode). */
let key: unknown
/** A pageview is waiting for the page to become visible (prerendered or background tab). */
let pending: unknown

/**
 * Sends a pageview for the current URL unless it is the page already counted; first closes the
 * previous page's engagement. While the page is hidden or prerendering it only marks itself pending.
 *
 * @example
 * history.pushState({}, '', '/next'); page()
 */
export const page = (): void => {
  pending = document.hidden
  const k = location.pathname + (hash ? location.hash : '')
  if (pending || k === key) return
  if (__ENGAGEMENT__) flush()
  key = k
  current = location.href
  if (__ENGAGEMENT__) reset()
  send('pageview')
}

/**
 * Counts this page now or when it becomes visible, then follows SPA navigation and bfcache restores.
 *
 * @example
 * trackPageviews()
 */
export const trackPageviews = (): void => {
  const push = history.pushState
  history.pushState = function (this: History, ...a: Parameters<History['pushState']>) {
    push.apply(this, a)
    safe(page)()
  }
  on('popstate', page)
  // outside hash mode a fragment change keeps the key, so it is no pageview
  on('hashchange', page)
  on('pageshow', (e: PageTransitionEvent) => {
    if (e.persisted) {
      key = 0
      page()
    }
  })
  on('visibilitychange', () => {
    if (__ENGAGEMENT__) visibility()
    if (pending) page()
  })
  page()
}
