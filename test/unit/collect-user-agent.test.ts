import topUserAgents from 'top-user-agents'
import { describe, expect, it } from 'vitest'
import type { HeaderGetter } from '../../server/collect/types.ts'
import { parseDevice } from '../../server/collect/user-agent.ts'

const none: HeaderGetter = () => null
const headers =
  (h: Record<string, string>): HeaderGetter =>
  (name) =>
    h[name.toLowerCase()] ?? null

const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
const CHROME_ANDROID_REDUCED =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36'

describe('parseDevice: user agent only', () => {
  it.each([
    [
      'iPhone Safari',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ['Safari', '17', 'iOS', '17.5', 'mobile'],
    ],
    [
      'iPhone Safari 26 (frozen iOS 18 in the UA)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
      ['Safari', '26', 'iOS', '26.0', 'mobile'],
    ],
    [
      'iPad Safari',
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      ['Safari', '16', 'iOS', '16.6', 'tablet'],
    ],
    [
      'Android tablet (Galaxy Tab) Chrome',
      'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      ['Chrome', '120', 'Android', '13', 'tablet'],
    ],
    [
      'Android tablet, reduced UA (no "Mobile")',
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      ['Chrome', '120', 'Android', '10', 'tablet'],
    ],
    ['Android phone, reduced UA', CHROME_ANDROID_REDUCED, ['Chrome', '120', 'Android', '10', 'mobile']],
    [
      'Samsung Internet',
      'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
      ['Samsung Internet', '23', 'Android', '14', 'mobile'],
    ],
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
      ['Edge', '120', 'Windows', '10', 'desktop'],
    ],
    [
      'Edge on Android',
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.0.0',
      ['Edge', '120', 'Android', '10', 'mobile'],
    ],
    [
      'Opera on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/105.0.0.0',
      ['Opera', '105', 'Windows', '10', 'desktop'],
    ],
    [
      'Opera on Android',
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 OPR/79.0.0.0',
      ['Opera', '79', 'Android', '10', 'mobile'],
    ],
    [
      'Chrome on iOS',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
      ['Chrome', '120', 'iOS', '17.5', 'mobile'],
    ],
    [
      'Safari on macOS (frozen 10.15.7)',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      ['Safari', '17', 'macOS', '10.15', 'desktop'],
    ],
    [
      'Chrome on ChromeOS',
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      ['Chrome', '120', 'ChromeOS', '14541', 'desktop'],
    ],
    [
      'Firefox on Ubuntu',
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      ['Firefox', '121', 'Linux', '', 'desktop'],
    ],
    [
      'Firefox on Android',
      'Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0',
      ['Firefox', '121', 'Android', '14', 'mobile'],
    ],
    ['Chrome on Windows', CHROME_WIN, ['Chrome', '120', 'Windows', '10', 'desktop']],
    [
      'Instagram in-app (iOS)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.28.114 (iPhone14,5; iOS 17_1; en_US; en; scale=3.00; 1170x2532; 541635890)',
      ['Instagram', '309', 'iOS', '17.1', 'mobile'],
    ],
    [
      'Facebook in-app (iOS, FBAN)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/420.0.0.32.110;FBBV/530311930;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/16.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]',
      ['Facebook', '420', 'iOS', '16.5', 'mobile'],
    ],
    [
      'LinkedIn in-app (iOS)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 LinkedInApp/9.29.6954',
      ['LinkedIn', '', 'iOS', '17.2', 'mobile'],
    ],
    [
      'WeChat in-app (iOS)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.42(0x18002a2f) NetType/WIFI Language/zh_CN',
      ['WeChat', '8', 'iOS', '17.0', 'mobile'],
    ],
    [
      'Android WebView',
      'Mozilla/5.0 (Linux; Android 12; Pixel 6 Build/SQ3A.220705.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36',
      ['Android WebView', '120', 'Android', '12', 'mobile'],
    ],
    [
      'an iOS webview without an app token',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
      ['Safari', '', 'iOS', '18.7', 'mobile'],
    ],
    ['an empty UA', '', ['', '', '', '', 'desktop']],
  ])('%s', (_name, ua, [browser, browserVersion, os, osVersion, device]) => {
    expect(parseDevice(ua, none)).toEqual({ browser, browserVersion, os, osVersion, device })
  })
})

describe('parseDevice: client hints', () => {
  const low = (brands: string, platform: string, mobile = '?0') => ({
    'sec-ch-ua': brands,
    'sec-ch-ua-mobile': mobile,
    'sec-ch-ua-platform': `"${platform}"`,
  })

  it('names Edge from Sec-CH-UA even when the UA says Chrome', () => {
    const h = low('"Not_A Brand";v="8", "Chromium";v="120", "Microsoft Edge";v="120"', 'Windows')
    expect(parseDevice(CHROME_WIN, headers(h))).toMatchObject({
      browser: 'Edge',
      browserVersion: '120',
      os: 'Windows',
    })
  })

  it('names Brave, which hides in the UA', () => {
    const h = low('"Brave";v="121", "Chromium";v="121", "Not_A Brand";v="8"', 'Windows')
    expect(parseDevice(CHROME_WIN, headers(h))).toMatchObject({ browser: 'Brave', browserVersion: '121' })
  })

  it('tells Windows 11 from 10 with the opt-in platform version', () => {
    const h = {
      ...low('"Google Chrome";v="120", "Chromium";v="120", "Not_A Brand";v="8"', 'Windows'),
      'sec-ch-ua-platform-version': '"15.0.0"',
    }
    expect(parseDevice(CHROME_WIN, headers(h))).toEqual({
      browser: 'Chrome',
      browserVersion: '120',
      os: 'Windows',
      osVersion: '11',
      device: 'desktop',
    })
  })

  it('reads the real Android version when the platform version is sent', () => {
    const h = {
      ...low('"Google Chrome";v="120", "Chromium";v="120"', 'Android', '?1'),
      'sec-ch-ua-platform-version': '"14.0.0"',
    }
    expect(parseDevice(CHROME_ANDROID_REDUCED, headers(h))).toMatchObject({
      os: 'Android',
      osVersion: '14',
      device: 'mobile',
    })
  })

  it('keeps the UA’s OS version when only low-entropy hints are sent', () => {
    const h = low('"Google Chrome";v="120", "Chromium";v="120"', 'Android', '?1')
    expect(parseDevice(CHROME_ANDROID_REDUCED, headers(h))).toMatchObject({
      os: 'Android',
      osVersion: '10',
      device: 'mobile',
    })
  })

  it('caches per UA and hints: the same UA with other hints parses anew', () => {
    const edge = low('"Chromium";v="120", "Microsoft Edge";v="120"', 'Windows')
    const opera = low('"Opera";v="106", "Chromium";v="120"', 'Windows')
    expect(parseDevice(CHROME_WIN, headers(edge)).browser).toBe('Edge')
    expect(parseDevice(CHROME_WIN, headers(opera)).browser).toBe('Opera')
    expect(parseDevice(CHROME_WIN, none).browser).toBe('Chrome')
    expect(parseDevice(CHROME_WIN, headers(edge)).browser).toBe('Edge')
  })
})

describe('parseDevice: viewport width', () => {
  it.each([
    [CHROME_WIN, 390, 'mobile'],
    [CHROME_WIN, 767, 'mobile'],
    [CHROME_WIN, 768, 'desktop'],
    [CHROME_WIN, 0, 'desktop'],
    [CHROME_WIN, undefined, 'desktop'],
    [
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      390,
      'tablet',
    ],
    [CHROME_ANDROID_REDUCED, 1200, 'mobile'],
  ])('%s at %s px -> %s', (ua, w, device) => {
    expect(parseDevice(ua, none, w).device).toBe(device)
  })
})

describe('parseDevice over top-user-agents', () => {
  const known = new Set([
    'Chrome',
    'Safari',
    'Firefox',
    'Edge',
    'Opera',
    'Samsung Internet',
    'Yandex Browser',
    'Electron',
    '',
  ])
  it.each((topUserAgents as string[]).map((ua) => [ua]))('%s', (ua) => {
    const d = parseDevice(ua, none)
    expect(known).toContain(d.browser)
    expect(['Windows', 'macOS', 'iOS', 'Android', 'Linux', 'ChromeOS']).toContain(d.os)
    expect(d.browserVersion).toMatch(/^(\d+)?$/)
    expect(d.osVersion).toMatch(/^(\d+(\.\d+)?)?$/)
    expect(['desktop', 'mobile', 'tablet']).toContain(d.device)
    if (/iPhone|Android.*Mobile/.test(ua)) expect(d.device).toBe('mobile')
    if (/Windows NT|Macintosh|X11/.test(ua)) expect(d.device).toBe('desktop')
  })
})
