/** ClickHouse's HTTP error responses: body text, exception code and status. */

/** An error to send back in ClickHouse's wire format. */
export class ChHttpError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

/** ClickHouse's exceptionCodeToHTTPStatus, keyed by the error name it prints. */
const STATUS_BY_TYPE: Record<string, number> = {
  REQUIRED_PASSWORD: 401,
  QUERY_IS_TOO_LARGE: 413,
  NOT_IMPLEMENTED: 501,
  SOCKET_TIMEOUT: 503,
  CANNOT_OPEN_FILE: 503,
  CANNOT_SCHEDULE_TASK: 503,
  HTTP_LENGTH_REQUIRED: 411,
  TIMEOUT_EXCEEDED: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
}
for (const t of [
  'UNKNOWN_USER',
  'WRONG_PASSWORD',
  'AUTHENTICATION_FAILED',
  'SET_NON_GRANTED_ROLE',
  'ACCESS_DENIED',
]) {
  STATUS_BY_TYPE[t] = 403
}
for (const t of [
  'BAD_ARGUMENTS',
  'CANNOT_COMPILE_REGEXP',
  'CANNOT_PARSE_TEXT',
  'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'CANNOT_PARSE_QUOTED_STRING',
  'CANNOT_PARSE_DATE',
  'CANNOT_PARSE_DATETIME',
  'CANNOT_PARSE_NUMBER',
  'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING',
  'CANNOT_PARSE_IPV4',
  'CANNOT_PARSE_IPV6',
  'CANNOT_PARSE_UUID',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'DUPLICATE_COLUMN',
  'ILLEGAL_COLUMN',
  'UNKNOWN_ELEMENT_IN_AST',
  'UNKNOWN_TYPE_OF_AST_NODE',
  'THERE_IS_NO_COLUMN',
  'TOO_DEEP_AST',
  'TOO_BIG_AST',
  'UNEXPECTED_AST_STRUCTURE',
  'SYNTAX_ERROR',
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
]) {
  STATUS_BY_TYPE[t] = 400
}
for (const t of [
  'UNKNOWN_TABLE',
  'UNKNOWN_FUNCTION',
  'UNKNOWN_IDENTIFIER',
  'UNKNOWN_TYPE',
  'UNKNOWN_STORAGE',
  'UNKNOWN_DATABASE',
  'UNKNOWN_SETTING',
  'UNKNOWN_DIRECTION_OF_SORTING',
  'UNKNOWN_AGGREGATE_FUNCTION',
  'UNKNOWN_FORMAT',
  'UNKNOWN_DATABASE_ENGINE',
  'UNKNOWN_TYPE_OF_QUERY',
  'UNKNOWN_ROLE',
]) {
  STATUS_BY_TYPE[t] = 404
}

/** An error as the server sends it: status, `X-ClickHouse-Exception-Code`, body. */
export interface WireError {
  status: number
  code: number
  body: string
}

/**
 * Renders an engine or handler error as ClickHouse's HTTP error response:
 * `Code: N. DB::Exception: <message>. (NAME) (version X)` and the status that
 * ClickHouse maps that error name to.
 *
 * @example
 * toWireError(new ChHttpError(60, 'UNKNOWN_TABLE', 'Unknown table x'), '26.7.2.1').status // => 404
 */
export function toWireError(err: unknown, version: string): WireError {
  let text: string
  if (err instanceof ChHttpError) {
    text = `Code: ${err.code}. DB::Exception: ${err.message}. (${err.type})`
  } else {
    const message = err instanceof Error ? err.message : String(err)
    text = /^Code: \d+\./.test(message)
      ? message.trim()
      : `Code: 1001. DB::Exception: ${message.trim()}. (STD_EXCEPTION)`
  }
  const code = Number(/^Code: (\d+)\./.exec(text)?.[1] ?? 1001)
  const types = [...text.matchAll(/\(([A-Z0-9_]*[A-Z]{3}[A-Z0-9_]*)\)/g)]
  const type = types.at(-1)?.[1] ?? 'STD_EXCEPTION'
  const versioned = /\(version [^)]*\)\s*$/.test(text) ? text : `${text} (version ${version})`
  return { status: STATUS_BY_TYPE[type] ?? 500, code, body: `${versioned}\n` }
}
