import { describe, expect, it } from 'vitest'
import { candidateDomains, hostnameAllowed, normalizeDomain } from '../../server/collect/site.ts'

describe('normalizeDomain', () => {
  it.each([
    ['example.com', 'example.com'],
    [' Example.COM ', 'example.com'],
    ['www.example.com', 'example.com'],
    ['WWW.example.com.', 'example.com'],
    ['example.com..', 'example.com'],
    ['www2.example.com', 'www2.example.com'],
    ['wwwexample.com', 'wwwexample.com'],
    ['shop.www.example.com', 'shop.www.example.com'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected)
  })
})

describe('candidateDomains', () => {
  it.each([
    ['example.com', ['example.com']],
    ['example.com,shop.example.com', ['example.com', 'shop.example.com']],
    [' a.com , www.A.com ,, b.com ', ['a.com', 'b.com']],
    [',', []],
  ])('%j -> %j', (input, expected) => {
    expect(candidateDomains(input)).toEqual(expected)
  })
})

describe('hostnameAllowed', () => {
  it.each([
    [[], 'anything.example', true],
    [['example.com'], 'example.com', true],
    [['example.com'], 'www.example.com', true],
    [['www.example.com'], 'example.com', true],
    [['Example.com'], 'EXAMPLE.COM.', true],
    [['example.com'], 'blog.example.com', false],
    [['example.com'], 'evil-example.com', false],
    [['example.com'], 'example.com.evil.net', false],
    [['*.example.com'], 'blog.example.com', true],
    [['*.example.com'], 'a.b.example.com', true],
    [['*.example.com'], 'example.com', true],
    [['*.example.com'], 'www.example.com', true],
    [['*.example.com'], 'notexample.com', false],
    [['*.example.com'], 'example.org', false],
    [['a.com', '*.b.com'], 'x.b.com', true],
    [['a.com', '*.b.com'], 'c.com', false],
    [['example.com'], '', false],
  ])('%j allows %j: %s', (allowed, host, expected) => {
    expect(hostnameAllowed(allowed, host)).toBe(expected)
  })
})
