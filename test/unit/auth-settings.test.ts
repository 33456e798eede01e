import { describe, expect, it } from 'vitest'
import { parseDomain, parseSettings, snippet } from '../../server/auth/site-settings.ts'

describe('site settings validation', () => {
  it('accepts every field in range and normalises hostnames', () => {
    const r = parseSettings({
      name: '  Shop ',
      timezone: 'America/New_York',
      retentionDays: 10000,
      allowedHostnames: ['Shop.Example.com.', '*.example.com', 'shop.example.com'],
      kBreakdown: 0,
      kHeatmap: 1000,
      gpcPolicy: 'default',
      dntPolicy: 'drop',
      allowFraming: false,
    })
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'Shop',
        timezone: 'America/New_York',
        retentionDays: 10000,
        allowedHostnames: ['shop.example.com', '*.example.com'],
        kBreakdown: 0,
        kHeatmap: 1000,
        gpcPolicy: 'default',
        dntPolicy: 'drop',
        allowFraming: false,
      },
    })
  })

  it('accepts an empty patch', () => {
    expect(parseSettings({})).toEqual({ ok: true, value: {} })
  })

  it.each([
    [{ retentionDays: '30' }, 'retentionDays'],
    [{ retentionDays: 10001 }, 'retentionDays'],
    [{ kHeatmap: 3.5 }, 'kHeatmap'],
    [{ timezone: 'UTC+1' }, 'timezone'],
    [{ allowedHostnames: Array.from({ length: 101 }, (_, i) => `h${i}.example`) }, 'allowedHostnames'],
    [{ allowedHostnames: ['https://example.com'] }, 'allowedHostnames'],
    [{ allowedHostnames: [42] }, 'allowedHostnames'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ __proto__: 1, toString: 1 }, 'unknown field'],
  ])('rejects %j naming %s', (body, field) => {
    const r = parseSettings(body as Record<string, unknown>)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toContain(field)
  })

  it('normalises domains and refuses what is not one', () => {
    expect(parseDomain(' WWW.Example.COM. ')).toEqual({ ok: true, value: 'example.com' })
    expect(parseDomain('localhost')).toEqual({ ok: true, value: 'localhost' })
    for (const bad of ['', 'exa mple.com', 'https://example.com', '-x.com', 'a'.repeat(64), 7]) {
      expect(parseDomain(bad).ok).toBe(false)
    }
  })

  it('builds the snippet for the public URL', () => {
    expect(snippet('https://stats.example.org', 'example.com')).toBe(
      '<script defer data-domain="example.com" src="https://stats.example.org/js/script.js"></script>',
    )
  })
})
