import crawlers from 'crawler-user-agents'
import topUserAgents from 'top-user-agents'
import { describe, expect, it } from 'vitest'
import { isBotRequest } from '../../server/collect/bots.ts'
import type { HeaderGetter } from '../../server/collect/types.ts'

const noHeaders: HeaderGetter = () => null
const headers =
  (h: Record<string, string>): HeaderGetter =>
  (name) =>
    h[name.toLowerCase()] ?? null

/** Real browsers and in-app webviews: people, never dropped. */
const HUMAN_USER_AGENTS: Record<string, string> = {
  'iPhone Safari':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'iPad Safari':
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  'Android tablet Chrome':
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Samsung Internet':
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
  'Edge on Windows':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Opera on Windows':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/105.0.0.0',
  'Chrome on iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
  'Firefox on Android': 'Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0',
  'Instagram iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.28.114 (iPhone14,5; iOS 17_1; en_US; en; scale=3.00; 1170x2532; 541635890)',
  'Instagram Android':
    'Mozilla/5.0 (Linux; Android 15; CPH2557 Build/AP3A.240617.008; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/142.0.7444.142 Mobile Safari/537.36 Instagram 406.0.0.58.159 Android (35/15; 480dpi; 1080x2400; OPPO; CPH2557; OP573DL1; mt6833; en_MY; 822918295; IABMV/1) NV/1',
  'Facebook iOS (FBAN)':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/420.0.0.32.110;FBBV/530311930;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/16.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]',
  'Facebook Android (FB_IAB)':
    'Mozilla/5.0 (Linux; Android 12; Pixel 6 Build/SQ3A.220705.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/445.0.0.34.118;]',
  'Facebook Android (MetaIAB)':
    'Mozilla/5.0 (Linux; Android 16; Pixel 10 Pro XL Build/CP1A.260305.018; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/146.0.7680.174 Mobile Safari/537.36 MetaIAB Facebook',
  'LinkedIn iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 LinkedInApp/9.29.6954',
  'LinkedIn Android':
    'Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.193 Mobile Safari/537.36 [LinkedInApp]/9.1.166',
  'WeChat iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.42(0x18002a2f) NetType/WIFI Language/zh_CN',
  'TikTok iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US ByteFullLocale/en-US isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6',
  'Snapchat iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.62.0.36 (like Safari/8617.2.4.10.8, panda)',
  'Pinterest iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]',
  'Google app iOS':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/290.0.581475744 Mobile/15E148 Safari/604.1',
  'Huawei Browser':
    'Mozilla/5.0 (Linux; Android 10; HarmonyOS; ELS-AN00; HMSCore 6.12.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.2.311 Mobile Safari/537.36',
  'Obsidian web viewer (Electron)':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) obsidian/1.11.7 Chrome/142.0.7444.265 Electron/39.5.1 Safari/537.36',
}

/**
 * crawler-user-agents instances that are genuinely browsers people use, so they must NOT be
 * dropped: in-app webviews (the list tracks them as "crawlers" by a build id or token) and a
 * site-specific browser. Everything else in the corpus must be flagged.
 */
const BROWSER_LIKE_CRAWLER_INSTANCES = new Set([
  // Instagram's Android in-app browser, listed under its build id `AP3A.240617.008`.
  'Mozilla/5.0 (Linux; Android 15; CPH2557 Build/AP3A.240617.008; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/142.0.7444.142 Mobile Safari/537.36 Instagram 406.0.0.58.159 Android (35/15; 480dpi; 1080x2400; OPPO; CPH2557; OP573DL1; mt6833; en_MY; 822918295; IABMV/1) NV/1',
  // Facebook's Android in-app browser.
  'Mozilla/5.0 (Linux; Android 16; Pixel 10 Pro XL Build/CP1A.260305.018; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/146.0.7680.174 Mobile Safari/537.36 MetaIAB Facebook',
  // Fluid: a 2009 macOS site-specific browser (a person at a Mac).
  'Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_5_6; en-us) AppleWebKit/528.16 (KHTML, like Gecko) Fluid/0.9.6 Safari/528.16',
])

describe('isBotRequest: people', () => {
  it.each(Object.entries(HUMAN_USER_AGENTS))('%s is not a bot', (_name, ua) => {
    expect(isBotRequest(ua, noHeaders)).toBe(false)
  })

  it.each((topUserAgents as string[]).map((ua) => [ua]))('top-user-agents: %s is not a bot', (ua) => {
    expect(isBotRequest(ua, noHeaders)).toBe(false)
  })

  it('keeps a real Chrome that sends its client hints', () => {
    const sec = '"Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"'
    const ua = (topUserAgents as string[])[0] ?? ''
    expect(isBotRequest(ua, headers({ 'sec-ch-ua': sec }))).toBe(false)
  })
})

describe('isBotRequest: crawlers (crawler-user-agents corpus)', () => {
  const instances = crawlers.flatMap((c) => c.instances.map((ua) => [c.pattern, ua] as const))

  it('has a corpus of real crawler user agents to check', () => {
    expect(instances.length).toBeGreaterThan(1000)
  })

  it('flags every instance except the documented browser-like ones', () => {
    const missed = instances.filter(
      ([, ua]) => !BROWSER_LIKE_CRAWLER_INSTANCES.has(ua) && !isBotRequest(ua, noHeaders),
    )
    expect(missed).toEqual([])
  })

  it('keeps the exclusion list honest: each excluded instance is in the corpus and passes as a person', () => {
    const all = new Set(instances.map(([, ua]) => ua))
    for (const ua of BROWSER_LIKE_CRAWLER_INSTANCES) {
      expect(all.has(ua)).toBe(true)
      expect(isBotRequest(ua, noHeaders)).toBe(false)
    }
  })
})

describe('isBotRequest: headless browsers, automation and junk', () => {
  it.each([
    ['empty UA', ''],
    ['whitespace UA', '   '],
    ['UA over 1,000 chars', `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${'A'.repeat(1000)}`],
    [
      'HeadlessChrome (Puppeteer/Playwright default)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36',
    ],
    [
      'PhantomJS',
      'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
    ],
    ['SlimerJS', 'Mozilla/5.0 (X11; Linux x86_64; rv:60.0) Gecko/20100101 SlimerJS/1.0.0'],
    [
      'Lighthouse',
      'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
    ],
    [
      'an Electron scraper',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) myscraper/1.0.0 Chrome/120.0.6099.56 Electron/28.0.0 Safari/537.36',
    ],
    [
      'Cypress',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Cypress/13.6.1 Chrome/118.0.5993.159 Electron/27.1.3 Safari/537.36',
    ],
    ['jsdom', 'Mozilla/5.0 (linux) AppleWebKit/537.36 (KHTML, like Gecko) jsdom/22.1.0'],
    [
      'a Puppeteer-tagged UA',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Puppeteer',
    ],
    ['curl', 'curl/8.4.0'],
    ['python-requests', 'python-requests/2.31.0'],
    ['Node fetch (undici)', 'undici'],
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    [
      'GPTBot',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)',
    ],
  ])('%s is a bot', (_name, ua) => {
    expect(isBotRequest(ua, noHeaders)).toBe(true)
  })

  it('flags headless Chrome that spoofs its UA but not its Sec-CH-UA', () => {
    const ua =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
    const sec = '"Not_A Brand";v="8", "Chromium";v="120", "HeadlessChrome";v="120"'
    expect(isBotRequest(ua, noHeaders)).toBe(false)
    expect(isBotRequest(ua, headers({ 'sec-ch-ua': sec }))).toBe(true)
  })
})
