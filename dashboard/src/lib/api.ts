/** JSON calls to the crumbless server: same origin only, CSRF header on every state change. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

let csrf = ''
let shareToken = ''

/** Remembers the CSRF token that login, setup and `/api/auth/me` return. */
export function setCsrf(token: string): void {
  csrf = token
}

/** In a shared-link view every Stats API call carries the share token as `auth`. */
export function setShareToken(token: string): void {
  shareToken = token
}

export function getShareToken(): string {
  return shareToken
}

/** Called on a 401 from a logged-in screen, so the app can send the user to the login page. */
let onUnauthorized: (() => void) | null = null
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn
}

function message(status: number, body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') return body.error
  if (status === 401) return 'Please log in.'
  if (status === 403) return 'You do not have access to this.'
  if (status === 404) return 'Not found.'
  if (status === 429) return 'Too many requests, try again in a minute.'
  return `The server answered ${status}.`
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  body?: unknown
  signal?: AbortSignal
}

/**
 * Fetches `path` and parses JSON; throws {@link ApiError} with the server's `{ error }` text.
 *
 * @example
 * const { sites } = await api<{ sites: SiteSummary[] }>('/api/sites')
 */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (method !== 'GET') headers['x-csrf-token'] = csrf
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, 'The server cannot be reached. Check your connection.')
  }
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  if (!res.ok) {
    if (res.status === 401 && onUnauthorized && !path.startsWith('/api/auth/')) onUnauthorized()
    throw new ApiError(res.status, message(res.status, body))
  }
  return body as T
}

/**
 * A Stats API URL with the share token added when viewing a shared link.
 *
 * @example
 * statsUrl('aggregate', { site_id: 'example.com', period: '7d', metrics: 'visitors' })
 */
export function statsUrl(endpoint: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v)
  if (shareToken) q.set('auth', shareToken)
  return `/api/v1/stats/${endpoint}?${q}`
}
