/** Plausible Stats API v1 filter syntax: `visit:source==Google;event:page!=/blog`. */

export interface Filter {
  property: string
  negated: boolean
  value: string
}

/** Properties a dashboard row can filter by, with the label a chip shows. */
export const PROPERTY_LABELS: Record<string, string> = {
  'visit:source': 'Source',
  'visit:referrer': 'Referrer',
  'visit:utm_source': 'UTM source',
  'visit:utm_medium': 'UTM medium',
  'visit:utm_campaign': 'UTM campaign',
  'visit:utm_term': 'UTM term',
  'visit:utm_content': 'UTM content',
  'event:page': 'Page',
  'visit:entry_page': 'Entry page',
  'visit:exit_page': 'Exit page',
  'visit:country': 'Country',
  'visit:browser': 'Browser',
  'visit:os': 'OS',
  'visit:device': 'Device',
  'event:name': 'Goal',
  'event:hostname': 'Hostname',
}

/**
 * The human label of a filter property (`event:props:plan` -> `Property plan`).
 *
 * @example
 * propertyLabel('visit:source') // 'Source'
 */
export function propertyLabel(property: string): string {
  if (property.startsWith('event:props:')) return `Property ${property.slice(12)}`
  return PROPERTY_LABELS[property] ?? property
}

const PROPERTY = /^(visit|event):[a-z_]+(:[^;=!|]+)?$/

/**
 * Parses a filter string; malformed parts are skipped rather than failing the whole view.
 *
 * @example
 * parseFilters('visit:source==Google') // [{ property: 'visit:source', negated: false, value: 'Google' }]
 */
export function parseFilters(text: string | null | undefined): Filter[] {
  if (!text) return []
  const out: Filter[] = []
  for (const part of text.split(';')) {
    const m = /^([^=!]+)(==|!=)(.+)$/s.exec(part)
    if (!m || !PROPERTY.test(m[1] ?? '')) continue
    out.push({ property: m[1] as string, negated: m[2] === '!=', value: (m[3] ?? '').replace(/\\\|/g, '|') })
  }
  return out
}

/**
 * Serialises filters the way the Stats API reads them: `|` inside a value is escaped as `\|`; a `;`
 * (which always separates filters) becomes the one-character wildcard `*`.
 *
 * @example
 * serializeFilters([{ property: 'event:page', negated: true, value: '/a|b' }]) // 'event:page!=/a\\|b'
 */
export function serializeFilters(filters: readonly Filter[]): string {
  return filters
    .map((f) => `${f.property}${f.negated ? '!=' : '=='}${f.value.replace(/\|/g, '\\|').replace(/;/g, '*')}`)
    .join(';')
}

/**
 * Adds a filter, replacing an existing one on the same property (chips combine across properties).
 *
 * @example
 * withFilter([], { property: 'visit:os', negated: false, value: 'Linux' }).length // 1
 */
export function withFilter(filters: readonly Filter[], f: Filter): Filter[] {
  return [...filters.filter((x) => x.property !== f.property), f]
}
