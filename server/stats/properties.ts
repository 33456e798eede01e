import { excerpt, ParamError } from './errors.ts'

/**
 * The allow-list of Plausible properties. `scope` says which relation holds the value: `event`
 * properties are columns of an event (alias `e`), `visit` properties of a visit (alias `v`).
 * `sql` returns the display expression that filters and breakdowns both use, so a breakdown
 * row `X` is exactly what the filter `property==X` selects.
 */
export interface PropertyDef {
  name: string
  scope: 'event' | 'visit'
  /** The key of this property in breakdown results (`page`, `source`, or the custom prop key). */
  key: string
  /** The expression; visit properties read `alias` (default `v`), event properties always `e`. */
  sql: (bindKey: (k: string) => string, alias?: string) => string
  /** Breakdowns leave out rows without a value (Plausible omits visits without UTM tags). */
  skipEmpty: boolean
  /**
   * The same for every event of a visitor id: country comes from the IP and device, browser and
   * OS from the user agent, and both are inputs of the id. Such visit properties can be read
   * from the events themselves, which saves joining events to visits.
   */
  perVisitor: boolean
}

const notSet = (col: string) => `if(${col} = '', '(not set)', ${col})`

const PER_VISITOR = new Set(['country', 'device', 'browser', 'browser_version', 'os', 'os_version'])

function visit(key: string, expr: (col: string) => string = notSet, skipEmpty = false): PropertyDef {
  return {
    name: `visit:${key}`,
    scope: 'visit',
    key,
    sql: (_bind, alias = 'v') => expr(`${alias}.${key}`),
    skipEmpty,
    perVisitor: PER_VISITOR.has(key),
  }
}

const plain = (col: string) => col

const PROPERTIES: readonly PropertyDef[] = [
  {
    name: 'event:page',
    scope: 'event',
    key: 'page',
    sql: () => 'e.path',
    skipEmpty: false,
    perVisitor: false,
  },
  {
    name: 'event:name',
    scope: 'event',
    key: 'name',
    sql: () => 'e.name',
    skipEmpty: false,
    perVisitor: false,
  },
  {
    name: 'event:hostname',
    scope: 'event',
    key: 'hostname',
    sql: () => 'e.hostname',
    skipEmpty: false,
    perVisitor: false,
  },
  visit('entry_page', plain, true),
  visit('exit_page', plain, true),
  visit('source', (c) => `if(${c} = '', 'Direct / None', ${c})`),
  visit('referrer', (c) => `if(${c} = '', 'Direct / None', ${c})`),
  visit('utm_source', plain, true),
  visit('utm_medium', plain, true),
  visit('utm_campaign', plain, true),
  visit('utm_term', plain, true),
  visit('utm_content', plain, true),
  visit('country'),
  visit(
    'device',
    (c) =>
      `transform(${c}, ['desktop', 'mobile', 'tablet', ''], ['Desktop', 'Mobile', 'Tablet', '(not set)'], ${c})`,
  ),
  visit('browser'),
  visit('browser_version'),
  visit('os'),
  visit('os_version'),
]

const BY_NAME = new Map(PROPERTIES.map((p) => [p.name, p]))
export const PROPERTY_NAMES: readonly string[] = [...PROPERTIES.map((p) => p.name), 'event:props:<key>']

const PROPS_PREFIX = 'event:props:'

/**
 * Resolves a property name from a request against the allow-list.
 *
 * @example
 * propertyDef('visit:source', 'property').key // 'source'
 * propertyDef('event:props:plan', 'property').sql(bind) // "if(mapContains(e.props, {p0:String}), ...)"
 */
export function propertyDef(name: string, param: string): PropertyDef {
  const known = BY_NAME.get(name)
  if (known) return known
  if (name.startsWith(PROPS_PREFIX)) {
    const key = name.slice(PROPS_PREFIX.length)
    if (key.length === 0 || key.length > 300)
      throw new ParamError(param, 'event:props:<key> needs a key of 1-300 chars')
    return {
      name,
      scope: 'event',
      key,
      sql: (bindKey) => {
        const k = bindKey(key)
        return `if(mapContains(e.props, ${k}), e.props[${k}], '(none)')`
      },
      skipEmpty: false,
      perVisitor: false,
    }
  }
  throw new ParamError(param, `${excerpt(name)} is not one of ${PROPERTY_NAMES.join(', ')}`)
}
