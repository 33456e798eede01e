/**
 * Entry of the `<script>` build (`tracker/dist/script.js`). Reads the tag's `data-domain`, `data-api`,
 * `data-hash`, `data-local` and `data-automation`, starts tracking and replays calls queued by the
 * snippet `window.crumbless = window.crumbless || function () { (crumbless.q = crumbless.q || []).push(arguments) }`.
 */

import { start } from './config.ts'
import type { EventOptions, Track } from './events.ts'
import { track } from './events.ts'
import { safe } from './guard.ts'

declare global {
  interface Window {
    crumbless?: Track & { q?: [string, EventOptions?][] }
  }
}

safe(() => {
  const s = document.currentScript as HTMLScriptElement
  const get = (name: string) => s.getAttribute(`data-${name}`)
  // guarded on its own: whatever breaks while starting, `window.crumbless` must still exist
  safe(start)(
    get('domain') || location.hostname,
    get('api') || new URL('/api/event', s.src),
    get('hash'),
    get('local'),
    get('automation'),
  )
  if (__CUSTOM__) {
    const queued = window.crumbless
    const f = safe(track)
    window.crumbless = f
    // biome-ignore lint/complexity/useOptionalChain: ES2017 has no `?.`; its lowered form is longer
    if (queued && queued.q) queued.q.map((a) => f(a[0], a[1]))
  }
})()
