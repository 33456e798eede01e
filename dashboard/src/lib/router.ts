import { useEffect, useState } from 'preact/hooks'

/** A tiny history-API router: the URL is the state, so every view can be bookmarked. */

const listeners = new Set<() => void>()

function emit(): void {
  for (const l of listeners) l()
}

/**
 * Goes to `to` (path + query) without reloading.
 *
 * @example
 * navigate('/sites/example.com?period=7d')
 */
export function navigate(to: string, replace = false): void {
  const current = location.pathname + location.search
  if (to === current) return
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  window.scrollTo?.(0, 0)
  emit()
}

/** Replaces only the query string (filters, period) and keeps scroll position. */
export function setQuery(params: URLSearchParams): void {
  const qs = params.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%2F/gi, '/')
  history.pushState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`)
  emit()
}

export interface Location {
  path: string
  query: URLSearchParams
}

function read(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search) }
}

/** The current location; components re-render when it changes. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(read)
  useEffect(() => {
    const update = () => setLoc(read())
    listeners.add(update)
    window.addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [])
  return loc
}

/** Makes plain same-origin `<a href>` clicks navigate in place. */
export function interceptLinks(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    const a = (e.target as Element | null)?.closest?.('a')
    if (!a || a.target || a.hasAttribute('download')) return
    const url = new URL(a.href, location.href)
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return
    e.preventDefault()
    navigate(url.pathname + url.search)
  })
}
