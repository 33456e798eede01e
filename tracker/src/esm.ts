/**
 * Typed ESM entry for apps that bundle their own code:
 * `import { init, track } from 'crumbless/tracker'`. Same behaviour as the `<script>` build, with
 * every feature on.
 */

import { start } from './config.ts'
import { track as send } from './events.ts'
import { safe } from './guard.ts'

/** Where and how to track. */
export interface InitOptions {
  /** Site domain as registered in crumbless; default `location.hostname`. */
  domain?: string
  /** Ingest endpoint, e.g. `https://stats.example.com/api/event`; default `/api/event`. */
  api?: string
  /** Hash-based routing: the fragment is part of the path. */
  hash?: boolean
  /** Track on localhost and `file:` too. */
  local?: boolean
  /** Track under browser automation (webdriver and friends) too. */
  automation?: boolean
}

/** Options of a custom event. */
export interface TrackOptions {
  /** Up to 30 properties; values are sent as strings. */
  props?: Record<string, string | number | boolean>
  /** `false`: the event does not count as interaction (it does not cancel a bounce). */
  interactive?: boolean
  /** Runs once the event has been sent, failed, or was skipped. */
  callback?: () => void
}

let started = false

/**
 * Starts tracking: a pageview now (or when the page becomes visible), SPA navigation, engagement,
 * clicks, outbound links and downloads. Later calls are ignored.
 *
 * @example
 * init({ domain: 'example.com', api: 'https://stats.example.com/api/event' })
 */
export function init(options: InitOptions = {}): void {
  if (started) return
  started = true
  const flag = (on?: boolean) => (on ? '' : null)
  safe(start)(
    options.domain || location.hostname,
    options.api || '/api/event',
    flag(options.hash),
    flag(options.local),
    flag(options.automation),
  )
}

/**
 * Sends a custom event. Before `init` it only runs the callback.
 *
 * @example
 * track('Signup', { props: { plan: 'pro' }, callback: () => form.submit() })
 */
export function track(name: string, options: TrackOptions = {}): void {
  safe(() => {
    if (started) send(name, options)
    else if (options.callback) options.callback()
  })()
}
