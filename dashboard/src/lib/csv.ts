/**
 * One CSV field per RFC 4180; a leading `=`, `+`, `-` or `@` is prefixed with `'` so spreadsheet
 * apps do not run tracked text (paths, referrers, event names) as a formula.
 *
 * @example
 * csvField('a,b') // '"a,b"'
 * csvField('=1+1') // "'=1+1"
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/**
 * Rows to CSV text with CRLF line ends.
 *
 * @example
 * toCsv([['a', 1], ['b', 2]]) // 'a,1\r\nb,2\r\n'
 */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`
}

/** Offers `text` as a file download without a server round trip. */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
