import { describe, expect, it } from 'vitest'
import { REFERRER_SPAM_HOSTS } from '../../server/collect/data/referrer-spam.ts'
import { isSpamReferrer } from '../../server/collect/spam.ts'

describe('referrer-spam list', () => {
  it('ships Matomo’s list, normalised to lowercase hosts without blanks or spaces', () => {
    expect(REFERRER_SPAM_HOSTS.size).toBeGreaterThan(2000)
    for (const host of REFERRER_SPAM_HOSTS) expect(host).toMatch(/^[a-z0-9.-]+$/)
    expect(REFERRER_SPAM_HOSTS.has('qiwi.xyz')).toBe(true)
    expect(REFERRER_SPAM_HOSTS.has('prizesk.com')).toBe(true)
  })
})

describe('isSpamReferrer', () => {
  it.each([
    ['semalt.com', true],
    ['SEMALT.com', true],
    ['www.semalt.com', true],
    ['semalt.semalt.com', true],
    ['a.b.darodar.com', true],
    ['semalt.com.', true],
    ['xn--c1acygb.xn--p1ai', true],
    ['blog.xsk.in', true],
    ['xsk.in', false],
    ['notsemalt.com', false],
    ['semalt.com.example.org', false],
    ['google.com', false],
    ['example.com', false],
    ['com', false],
    ['', false],
  ])('%j -> %s', (host, expected) => {
    expect(isSpamReferrer(host)).toBe(expected)
  })
})
