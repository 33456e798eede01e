/**
 * The pure half of the test-only ClickHouse HTTP server: decoding a request the
 * way ClickHouse's HTTPHandler does (query in the URL and/or body, `param_*`,
 * settings as URL parameters, `database`, credentials) and rendering errors the
 * way the server does, so `@clickhouse/client` and `@clickhouse/client-web`
 * cannot tell the difference for the parts crumbless uses.
 */
import { ChHttpError } from './errors.ts'
import { secondStatementAt } from './statements.ts'

/** One decoded HTTP query, ready to run on the engine. */
export interface ChRequest {
  /** The statement text; for `INSERT ... FORMAT X` the rows follow after a newline. */
  sql: string
  /** The rows of an insert whose statement came in the URL (for the summary header). */
  insertData: string | undefined
  database: string | undefined
  queryId: string
  /** Raw `param_*` texts, exactly as ClickHouse would receive them (not yet parsed). */
  params: Array<[string, string]>
  /** Settings given as URL parameters or multipart fields. */
  settings: Array<[string, string]>
  defaultFormat: string | undefined
  /** GET requests run with `readonly = 2`, as on a real server. */
  readonly: boolean
}

/**
 * URL parameters the HTTP handler consumes itself; everything else (except
 * `param_*`) is a setting. `wait_end_of_query` & co. only steer the response
 * buffering, which this server always does in full.
 */
const HANDLER_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'user',
  'password',
  'quota_key',
  'stacktrace',
  'buffer_size',
  'wait_end_of_query',
  'session_timeout',
  'session_check',
  'compress',
  'decompress',
  'client_protocol_version',
])

/** Features of the real interface this fixture refuses loudly rather than fake. */
const UNSUPPORTED_PARAMS = new Set(['session_id', 'role', 'close_session'])

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A ClickHouse SQL string literal: only `\` and `'` can end it early. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** A back-quoted ClickHouse identifier. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``
}

/**
 * Splits a `multipart/form-data` body into its named text fields (clickhouse-js
 * sends `query` and `param_*` this way when parameters are too long for a URL).
 *
 * @example
 * parseMultipart('--b\r\nContent-Disposition: form-data; name="query"\r\n\r\nSELECT 1\r\n--b--\r\n', 'b')
 * // => [['query', 'SELECT 1']]
 */
export function parseMultipart(body: string, boundary: string): Array<[string, string]> {
  const fields: Array<[string, string]> = []
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break
    const headerEnd = part.indexOf('\r\n\r\n')
    if (headerEnd < 0) continue
    const head = part.slice(0, headerEnd)
    if (/filename=/i.test(head)) {
      throw new ChHttpError(48, 'NOT_IMPLEMENTED', 'External tables in multipart requests are not supported')
    }
    const name = /name="([^"]*)"/i.exec(head)?.[1]
    if (name === undefined) continue
    // Each value is followed by the CRLF that precedes the next delimiter.
    fields.push([name, part.slice(headerEnd + 4).replace(/\r\n$/, '')])
  }
  return fields
}

export interface RawHttpRequest {
  method: string
  url: URL
  /** Decompressed body text. */
  body: string
  contentType: string | undefined
  /** `X-ClickHouse-Database`, when sent. */
  databaseHeader: string | undefined
}

/**
 * Decodes URL, headers and body into one {@link ChRequest}, following
 * ClickHouse's rules: the URL `query` comes first, the body is appended after a
 * newline (for an INSERT the body is the data), and every unknown URL
 * parameter is a setting.
 *
 * @example
 * decodeRequest({ method: 'POST', url: new URL('http://h/?query_id=q&max_threads=2'), body: 'SELECT 1',
 *   contentType: undefined, databaseHeader: undefined }).settings // => [['max_threads', '2']]
 */
export function decodeRequest(raw: RawHttpRequest, newId: () => string): ChRequest {
  const fields: Array<[string, string]> = [...raw.url.searchParams.entries()]
  let body = raw.body
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(raw.contentType ?? '')?.[1]
  let bodyQuery = ''
  if (boundary !== undefined) {
    for (const [name, value] of parseMultipart(body, boundary)) {
      if (name === 'query') bodyQuery = value
      else fields.push([name, value])
    }
    body = ''
  }
  const req: ChRequest = {
    sql: '',
    insertData: undefined,
    database: raw.databaseHeader,
    queryId: '',
    params: [],
    settings: [],
    defaultFormat: undefined,
    readonly: raw.method === 'GET',
  }
  let urlQuery = ''
  for (const [name, value] of fields) {
    if (name.startsWith('param_')) {
      const param = name.slice('param_'.length)
      if (!IDENTIFIER.test(param))
        throw new ChHttpError(36, 'BAD_ARGUMENTS', `Invalid query parameter name '${param}'`)
      req.params.push([param, value])
    } else if (UNSUPPORTED_PARAMS.has(name)) {
      throw new ChHttpError(48, 'NOT_IMPLEMENTED', `The test ClickHouse server does not support '${name}'`)
    } else if (name === 'query') urlQuery = value
    else if (name === 'database') req.database = value
    else if (name === 'query_id') req.queryId = value
    else if (name === 'default_format') req.defaultFormat = value
    else if (HANDLER_PARAMS.has(name)) continue
    else if (!IDENTIFIER.test(name))
      throw new ChHttpError(115, 'UNKNOWN_SETTING', `Unknown setting '${name}'`)
    else req.settings.push([name, value])
  }
  const tail = bodyQuery || body
  req.sql = urlQuery && tail ? `${urlQuery}\n${tail}` : urlQuery || tail
  if (urlQuery && tail && isInsert(urlQuery)) req.insertData = tail
  if (req.sql.trim() === '') throw new ChHttpError(62, 'SYNTAX_ERROR', 'Empty query')
  const second = secondStatementAt(req.sql)
  if (second >= 0) {
    throw new ChHttpError(
      62,
      'SYNTAX_ERROR',
      `Syntax error (Multi-statements are not allowed): failed at position ${second + 1} (end of query): ${req.sql.slice(second, second + 40)}`,
    )
  }
  if (req.queryId === '') req.queryId = newId()
  return req
}

/** True when the statement is an INSERT (its output is empty, its input is the data). */
export function isInsert(sql: string): boolean {
  return /^\s*INSERT\b/i.test(sql)
}

/**
 * The output format the engine will use: the statement's own trailing
 * `FORMAT X`, else `default_format`, else TabSeparated (the server default).
 *
 * @example
 * outputFormat('SELECT 1 \nFORMAT JSONEachRow', undefined) // => 'JSONEachRow'
 */
export function outputFormat(sql: string, defaultFormat: string | undefined): string {
  const own = isInsert(sql) ? undefined : /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*;?\s*$/i.exec(sql)?.[1]
  return own ?? defaultFormat ?? 'TabSeparated'
}

/**
 * The one statement string the engine runs. chDB keeps settings, the current
 * database and parameters per connection, so each request gets a fresh
 * connection and they are applied in front, in ClickHouse's own SQL: `SET k`,
 * `SET param_x` (the engine parses the raw text exactly as the HTTP handler
 * does), `USE db`, then the query.
 *
 * @example
 * toStatement({ ...req, settings: [['max_threads', '2']], params: [['x', "it\\'s"]], sql: 'SELECT {x:String}' })
 * // => "SET max_threads = '2';\nSET param_x = 'it\\\\\\'s';\nSELECT {x:String}"
 */
export function toStatement(req: ChRequest): string {
  const prefix: string[] = []
  for (const [name, value] of req.settings) prefix.push(`SET ${name} = ${sqlString(value)}`)
  for (const [name, value] of req.params) prefix.push(`SET param_${name} = ${sqlString(value)}`)
  if (req.database !== undefined && req.database !== '') prefix.push(`USE ${sqlIdentifier(req.database)}`)
  if (req.readonly) prefix.push('SET readonly = 2')
  return [...prefix, req.sql].join(';\n')
}

export interface Credentials {
  user: string
  password: string
}

/**
 * Reads credentials the three ways ClickHouse accepts them: `Authorization:
 * Basic`, `X-ClickHouse-User`/`X-ClickHouse-Key`, or `user`/`password` URL
 * parameters; none means user `default` with an empty password.
 *
 * @example
 * readCredentials((h) => (h === 'authorization' ? `Basic ${btoa('u:p')}` : undefined), new URL('http://h/'))
 * // => { user: 'u', password: 'p' }
 */
export function readCredentials(header: (name: string) => string | undefined, url: URL): Credentials {
  const auth = header('authorization')
  if (auth !== undefined) {
    const basic = /^Basic\s+(.+)$/i.exec(auth)?.[1]
    if (basic === undefined) {
      throw new ChHttpError(516, 'AUTHENTICATION_FAILED', 'Only Basic authentication is supported here')
    }
    const decoded = Buffer.from(basic, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon < 0
      ? { user: decoded, password: '' }
      : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  const user = header('x-clickhouse-user') ?? url.searchParams.get('user') ?? 'default'
  const password = header('x-clickhouse-key') ?? url.searchParams.get('password') ?? ''
  return { user, password }
}

/** The error a real server gives for a wrong user or password. */
export function authError(user: string): ChHttpError {
  return new ChHttpError(
    516,
    'AUTHENTICATION_FAILED',
    `${user}: Authentication failed: password is incorrect, or there is no user with such name`,
  )
}
