import type { Binder } from './binder.ts'
import { excerpt, ParamError } from './errors.ts'
import { type PropertyDef, propertyDef } from './properties.ts'

export type FilterOp = 'is' | 'is_not' | 'contains' | 'contains_not'

export interface Filter {
  property: PropertyDef
  op: FilterOp
  values: string[]
}

const OPS: ReadonlyArray<[string, FilterOp]> = [
  ['==', 'is'],
  ['!=', 'is_not'],
  ['!~', 'contains_not'],
  ['~', 'contains'],
]
const MAX_FILTERS = 20
const MAX_VALUES = 50

/** Splits on `sep` where it is not escaped with a backslash; `\<sep>` becomes `<sep>`. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]
    if (ch === '\\' && s[i + 1] === sep) {
      cur += sep
      i++
    } else if (ch === sep) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out
}

function parseOne(raw: string): Filter {
  let best: { at: number; token: string; op: FilterOp } | null = null
  for (const [token, op] of OPS) {
    const at = raw.indexOf(token)
    if (at > 0 && (best === null || at < best.at || (at === best.at && token.length > best.token.length))) {
      best = { at, token, op }
    }
  }
  if (!best) throw new ParamError('filters', `${excerpt(raw)} needs an operator: ==, !=, ~ (contains) or !~`)
  const property = propertyDef(raw.slice(0, best.at).trim(), 'filters')
  const values = splitUnescaped(raw.slice(best.at + best.token.length), '|')
  if (values.length > MAX_VALUES) throw new ParamError('filters', `at most ${MAX_VALUES} values per filter`)
  if (values.some((v) => v.length === 0))
    throw new ParamError('filters', `${excerpt(raw)} has an empty value`)
  return { property, op: best.op, values }
}

/**
 * Parses Plausible v1 filters: `;` joins filters (AND), `|` joins values (OR, `\|` is a literal
 * pipe), `==` / `!=` match exactly or by wildcard (`*` any text but `/`, `**` any text),
 * `~` / `!~` match a substring, case-insensitively.
 *
 * @example
 * parseFilters('event:page==/blog/**;visit:country==NL|BE')
 */
export function parseFilters(raw: string | undefined): Filter[] {
  if (raw === undefined || raw.trim() === '') return []
  const parts = raw.split(';').filter((p) => p.trim() !== '')
  if (parts.length > MAX_FILTERS) throw new ParamError('filters', `at most ${MAX_FILTERS} filters`)
  return parts.map(parseOne)
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * An anchored RE2 pattern for a wildcard value.
 *
 * @example
 * wildcardRegex('/blog/**') // '^/blog/.*$'
 */
export function wildcardRegex(value: string): string {
  const parts = value.split(/(\*\*|\*)/)
  const body = parts.map((p) => (p === '**' ? '.*' : p === '*' ? '[^/]*' : escapeRegex(p))).join('')
  return `^${body}$`
}

function matchOne(expr: string, value: string, op: FilterOp, b: Binder): string {
  if (op === 'contains' || op === 'contains_not') {
    return `positionCaseInsensitiveUTF8(${expr}, ${b.bind(value, 'String')}) > 0`
  }
  if (value.includes('*')) return `match(${expr}, ${b.bind(wildcardRegex(value), 'String')})`
  return `${expr} = ${b.bind(value, 'String')}`
}

/** The SQL condition of one filter; its values are bound, never spliced. */
export function filterSql(f: Filter, b: Binder, alias?: string): string {
  const expr = f.property.sql((k) => b.bind(k, 'String'), alias)
  const any = f.values.map((v) => matchOne(expr, v, f.op, b)).join(' OR ')
  return f.op === 'is_not' || f.op === 'contains_not' ? `NOT (${any})` : `(${any})`
}

/**
 * The conjunction of the filters that `pick` selects, or `1` when there are none. `alias` is
 * the relation visit properties are read from (`v`, or `e` for per-visitor properties).
 */
export function filtersSql(
  filters: readonly Filter[],
  pick: (f: Filter) => boolean,
  b: Binder,
  alias?: string,
): string {
  const own = filters.filter(pick)
  return own.length === 0 ? '1' : own.map((f) => filterSql(f, b, alias)).join(' AND ')
}

export const isEventFilter = (f: Filter): boolean => f.property.scope === 'event'
export const isVisitFilter = (f: Filter): boolean => f.property.scope === 'visit'
/** Visit filters that events can answer themselves (see `PropertyDef.perVisitor`). */
export const isPerVisitorFilter = (f: Filter): boolean =>
  f.property.scope === 'visit' && f.property.perVisitor
/** Visit filters that need the visit: entry/exit page, source, referrer, UTM tags. */
export const isVisitOnlyFilter = (f: Filter): boolean =>
  f.property.scope === 'visit' && !f.property.perVisitor
