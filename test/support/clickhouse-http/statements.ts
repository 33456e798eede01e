/**
 * A real ClickHouse server runs exactly one statement per HTTP request and
 * answers a second one with "Multi-statements are not allowed". chDB happily
 * runs several, so without this check a test could pass here and fail against
 * a real server.
 */

/** Where the text that follows an INSERT's `FORMAT X` (the rows, not SQL) begins. */
function insertDataStart(sql: string): number {
  const m = /^\s*INSERT\b[\s\S]*?\bFORMAT\s+[A-Za-z][A-Za-z0-9_]*/i.exec(sql)
  return m ? m[0].length : sql.length
}

/** Skips a quoted run starting at `i` (the opening quote); returns the index after it. */
function skipQuoted(sql: string, i: number): number {
  const quote = sql[i]
  let j = i + 1
  while (j < sql.length) {
    if (sql[j] === '\\') j += 2
    else if (sql[j] === quote && sql[j + 1] === quote) j += 2
    else if (sql[j] === quote) return j + 1
    else j++
  }
  return j
}

/** Skips whitespace and comments from `i`; returns the next significant index. */
function skipBlank(sql: string, i: number): number {
  let j = i
  for (;;) {
    if (j < sql.length && /\s/.test(sql[j] ?? '')) j++
    else if (sql.startsWith('--', j) || sql[j] === '#') {
      const eol = sql.indexOf('\n', j)
      j = eol < 0 ? sql.length : eol + 1
    } else if (sql.startsWith('/*', j)) {
      const end = sql.indexOf('*/', j + 2)
      j = end < 0 ? sql.length : end + 2
    } else return j
  }
}

/**
 * The index of the `;` that is followed by a second statement, or -1 when the
 * text holds one statement (a trailing `;` is fine, as on the server).
 *
 * @example
 * secondStatementAt("SELECT ';'; ") // => -1
 * secondStatementAt('SELECT 1; SELECT 2') // => 8
 */
export function secondStatementAt(sql: string): number {
  const end = insertDataStart(sql)
  let i = 0
  while (i < end) {
    const c = sql[i]
    if (c === "'" || c === '"' || c === '`') i = skipQuoted(sql, i)
    else if (sql.startsWith('--', i) || c === '#' || sql.startsWith('/*', i)) i = skipBlank(sql, i)
    else if (c === ';') {
      let j = skipBlank(sql, i + 1)
      while (sql[j] === ';') j = skipBlank(sql, j + 1)
      return j < sql.length ? i : -1
    } else i++
  }
  return -1
}
