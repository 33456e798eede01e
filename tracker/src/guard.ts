/**
 * Wraps `f` so that nothing it throws reaches the host page.
 *
 * @example
 * const flushSafely = safe(flush)
 */
export const safe =
  <A extends unknown[]>(f: (...a: A) => unknown) =>
  (...a: A): void => {
    try {
      f(...a)
    } catch {}
  }

/**
 * Listens on `window` in the capture phase, with a guarded handler. Every event the tracker needs
 * (visibilitychange, scroll and click included) reaches `window` first when capturing, so a page's
 * `stopPropagation` cannot hide it.
 *
 * @example
 * on('popstate', page)
 */
type Events = WindowEventMap & Pick<DocumentEventMap, 'visibilitychange'>

export const on = <K extends keyof Events>(type: K, f: (e: Events[K]) => unknown): void =>
  addEventListener(type, safe(f) as EventListener, true)
