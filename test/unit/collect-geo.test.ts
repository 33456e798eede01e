import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { createCountryLookup } from '../../server/collect/geo.ts'

const require = createRequire(import.meta.url)
const file = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')
const buffer = readFileSync(file)
const country = createCountryLookup(buffer)

describe('createCountryLookup (geo-whois-asn-country MMDB)', () => {
  it.each([
    ['8.8.8.8', 'US'],
    ['1.1.1.1', 'AU'],
    ['193.0.6.139', 'NL'],
    ['2001:4860:4860::8888', 'US'],
    ['::ffff:8.8.8.8', 'US'],
    ['[2001:4860:4860::8888]:443', 'US'],
  ])('%s -> %s', (ip, expected) => {
    expect(country(ip)).toBe(expected)
  })

  it.each([
    ['127.0.0.1'],
    ['::1'],
    ['10.1.2.3'],
    ['172.16.5.4'],
    ['192.168.0.1'],
    ['100.64.0.1'],
    ['169.254.1.1'],
    ['fd12:3456::1'],
    ['fe80::1'],
    ['0.0.0.0'],
    ['::'],
    [''],
    ['not-an-ip'],
  ])('%j -> no country', (ip) => {
    expect(country(ip)).toBe('')
  })

  it('accepts a plain Uint8Array copy of the file', () => {
    const plain = new Uint8Array(buffer.byteLength)
    plain.set(buffer)
    expect(createCountryLookup(plain)('8.8.8.8')).toBe('US')
  })

  it('always answers with an ISO alpha-2 code or nothing', () => {
    for (let i = 0; i < 2000; i++) {
      const ip = `${(i * 7919) % 224}.${(i * 31) % 256}.${(i * 17) % 256}.${i % 256}`
      expect(country(ip)).toMatch(/^([A-Z]{2})?$/)
    }
  })
})
