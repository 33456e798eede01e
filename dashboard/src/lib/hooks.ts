import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

export interface Async<T> {
  data: T | undefined
  error: Error | undefined
  loading: boolean
  reload: () => void
}

/**
 * Runs `load` whenever `key` changes; older answers are ignored so a fast filter click never shows
 * stale numbers.
 *
 * @example
 * const stats = useAsync(url, () => api<Aggregate>(url))
 */
export function useAsync<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: key !== null })
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  useEffect(() => {
    if (key === null) {
      setState({ loading: false })
      return
    }
    const ctrl = new AbortController()
    setState((s) => ({ ...s, loading: true, error: undefined }))
    loadRef.current(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ data, loading: false })
      },
      (error: Error) => {
        if (!ctrl.signal.aborted) setState({ error, loading: false })
      },
    )
    return () => ctrl.abort()
  }, [key, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { data: state.data, error: state.error, loading: state.loading, reload }
}

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null

/** `dark` or `light` as the system says; re-renders when the user switches. */
export function useColorScheme(): 'dark' | 'light' {
  const query = darkQuery
  const [dark, setDark] = useState(query?.matches ?? false)
  useEffect(() => {
    if (!query) return
    const update = () => setDark(query.matches)
    query.addEventListener('change', update)
    return () => query.removeEventListener('change', update)
  }, [query])
  return dark ? 'dark' : 'light'
}

/**
 * Calls `fn` every `ms` while mounted (and once at once).
 *
 * @example
 * useInterval(() => refresh(), 30_000)
 */
export function useInterval(fn: () => void, ms: number, deps: unknown[] = []): void {
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => {
    ref.current()
    const id = setInterval(() => ref.current(), ms)
    return () => clearInterval(id)
  }, [ms, ...deps])
}
