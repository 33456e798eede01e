/** Helpers to post events the way a browser would. */

export const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0'
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1'

export interface PostOptions {
  ip?: string
  ua?: string
  headers?: Record<string, string>
  contentType?: string
}

/** POSTs a raw body (string) or a JSON-encoded value to `/api/event`. */
export function post(url: string, body: unknown, opts: PostOptions = {}): Promise<Response> {
  return fetch(`${url}/api/event`, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'text/plain',
      'user-agent': opts.ua ?? FIREFOX_UA,
      'x-forwarded-for': opts.ip ?? '203.0.113.7',
      ...opts.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export function pageview(
  domain: string,
  path = '/',
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return { n: 'pageview', u: `https://${domain}${path}`, d: domain, r: null, w: 1280, ...over }
}
