import { describe, expect, it } from 'vitest'
import { Binder } from '../../server/stats/binder.ts'
import { ParamError } from '../../server/stats/errors.ts'
import { filterSql, parseFilters, wildcardRegex } from '../../server/stats/filters.ts'
import { propertyDef } from '../../server/stats/properties.ts'

describe('parseFilters (Plausible v1 syntax)', () => {
  it('splits AND on ; and OR on |, with the four operators', () => {
    const f = parseFilters('event:page==/blog/**;visit:country!=NL|BE;visit:source~goo;visit:browser!~fire')
    expect(f.map((x) => [x.property.name, x.op, x.values])).toEqual([
      ['event:page', 'is', ['/blog/**']],
      ['visit:country', 'is_not', ['NL', 'BE']],
      ['visit:source', 'contains', ['goo']],
      ['visit:browser', 'contains_not', ['fire']],
    ])
  })

  it('keeps an escaped pipe and = or ~ inside values', () => {
    expect(parseFilters('event:page==/a\\|b|/c==d~e')[0]?.values).toEqual(['/a|b', '/c==d~e'])
  })

  it('accepts custom props keys and resolves them to a bound map lookup', () => {
    const [f] = parseFilters('event:props:plan==pro')
    expect(f?.property.key).toBe('plan')
    const b = new Binder()
    expect(filterSql(f!, b)).toBe(
      "(if(mapContains(e.props, {p0:String}), e.props[{p0:String}], '(none)') = {p1:String})",
    )
    expect(b.params).toEqual({ p0: 'plan', p1: 'pro' })
  })

  it('is empty for no filters', () => {
    expect(parseFilters(undefined)).toEqual([])
    expect(parseFilters('  ')).toEqual([])
  })

  it.each([
    ['event:page/x', 'filters: "event:page/x" needs an operator'],
    ['visit:city==Paris', 'filters: "visit:city" is not one of'],
    ['event:page==', 'has an empty value'],
    ['event:page==a||b', 'has an empty value'],
    ['event:props:==x', 'event:props:<key> needs a key'],
  ])('rejects %s with a message naming the parameter', (raw, message) => {
    expect(() => parseFilters(raw)).toThrow(ParamError)
    expect(() => parseFilters(raw)).toThrow(message)
  })

  it('caps the number of filters', () => {
    const many = Array.from({ length: 21 }, () => 'event:page==/').join(';')
    expect(() => parseFilters(many)).toThrow('at most 20 filters')
  })
})

describe('filter SQL never contains request text', () => {
  it('binds every value, including SQL-looking and unicode ones', () => {
    const b = new Binder()
    const [f] = parseFilters("event:page==' OR 1=1 --|/café/日本|{x:String}")
    const sql = filterSql(f!, b)
    expect(sql).toBe('(e.path = {p0:String} OR e.path = {p1:String} OR e.path = {p2:String})')
    expect(Object.values(b.params)).toEqual(["' OR 1=1 --", '/café/日本', '{x:String}'])
  })

  it('negates is_not and contains_not as a whole', () => {
    const b = new Binder()
    const [f] = parseFilters('visit:source!~oo|ing')
    expect(filterSql(f!, b)).toBe(
      "NOT (positionCaseInsensitiveUTF8(if(v.source = '', 'Direct / None', v.source), {p0:String}) > 0 OR " +
        "positionCaseInsensitiveUTF8(if(v.source = '', 'Direct / None', v.source), {p1:String}) > 0)",
    )
  })

  it('uses an anchored regex for wildcards', () => {
    const b = new Binder()
    filterSql(parseFilters('event:page==/blog/*')[0]!, b)
    expect(b.params.p0).toBe('^/blog/[^/]*$')
  })
})

describe('wildcardRegex', () => {
  it('maps * to one path segment and ** to anything, escaping the rest', () => {
    expect(wildcardRegex('/blog/**')).toBe('^/blog/.*$')
    expect(wildcardRegex('/a/*/b')).toBe('^/a/[^/]*/b$')
    expect(wildcardRegex('/x.y(1)?+*')).toBe('^/x\\.y\\(1\\)\\?\\+[^/]*$')
    const re = new RegExp(wildcardRegex('/blog/*'))
    expect(re.test('/blog/post')).toBe(true)
    expect(re.test('/blog/2024/post')).toBe(false)
    expect(new RegExp(wildcardRegex('/blog/**')).test('/blog/2024/post')).toBe(true)
  })
})

describe('propertyDef', () => {
  it('knows every Plausible property and rejects the rest', () => {
    for (const name of [
      'event:page',
      'event:name',
      'event:hostname',
      'visit:entry_page',
      'visit:exit_page',
      'visit:source',
      'visit:referrer',
      'visit:utm_source',
      'visit:utm_medium',
      'visit:utm_campaign',
      'visit:utm_term',
      'visit:utm_content',
      'visit:country',
      'visit:device',
      'visit:browser',
      'visit:browser_version',
      'visit:os',
      'visit:os_version',
    ]) {
      expect(propertyDef(name, 'property').name).toBe(name)
    }
    expect(() => propertyDef('visit:city', 'property')).toThrow('property: "visit:city" is not one of')
    expect(() => propertyDef(`event:props:${'k'.repeat(301)}`, 'property')).toThrow(ParamError)
  })
})
