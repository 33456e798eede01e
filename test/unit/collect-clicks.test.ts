import { describe, expect, it } from 'vitest'
import { widthBucket } from '../../server/collect/clicks.ts'
import { privacySignal } from '../../server/collect/privacy-signals.ts'
import type { HeaderGetter } from '../../server/collect/types.ts'

describe('widthBucket', () => {
  it.each([
    [undefined, 'desktop'],
    [0, 'desktop'],
    [Number.NaN, 'desktop'],
    [1, 'mobile'],
    [390, 'mobile'],
    [767, 'mobile'],
    [768, 'tablet'],
    [1023, 'tablet'],
    [1024, 'desktop'],
    [1439, 'desktop'],
    [1440, 'wide'],
    [20000, 'wide'],
  ])('%s px -> %s', (w, expected) => {
    expect(widthBucket(w)).toBe(expected)
  })
})

const headers =
  (h: Record<string, string>): HeaderGetter =>
  (name) =>
    h[name.toLowerCase()] ?? null

describe('privacySignal', () => {
  const drop = { gpc: 'drop', dnt: 'drop' } as const
  const keep = { gpc: 'keep', dnt: 'keep' } as const
  it.each([
    ['no signal', {}, drop, null],
    ['Sec-GPC: 1, dropped', { 'sec-gpc': '1' }, drop, 'gpc'],
    ['Sec-GPC: 1 with spaces', { 'sec-gpc': ' 1 ' }, drop, 'gpc'],
    ['Sec-GPC: 1, kept by policy', { 'sec-gpc': '1' }, keep, null],
    ['Sec-GPC: 0', { 'sec-gpc': '0' }, drop, null],
    ['DNT: 1, dropped', { dnt: '1' }, drop, 'dnt'],
    ['DNT: 1, kept by policy', { dnt: '1' }, { gpc: 'drop', dnt: 'keep' }, null],
    ['DNT: 0', { dnt: '0' }, drop, null],
    ['both: GPC wins', { 'sec-gpc': '1', dnt: '1' }, drop, 'gpc'],
    ['both, GPC kept: DNT applies', { 'sec-gpc': '1', dnt: '1' }, { gpc: 'keep', dnt: 'drop' }, 'dnt'],
  ] as const)('%s', (_name, h, policy, expected) => {
    expect(privacySignal(headers(h), policy)).toBe(expected)
  })
})
