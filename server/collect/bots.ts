import { isbot } from 'isbot'
import { LRUCache } from 'lru-cache'
import type { HeaderGetter } from './types.ts'

/** Longer than any real browser's user agent; long strings are junk or attacks. */
const verdicts = new LRUCache<string, boolean>({ max: 5000 })
const MAX_UA_LENGTH = 1000

/**
 * Headless browsers and automation that `isbot` lets through: their pages are real browsers,
 * so only a token in the user agent gives them away. `Electron/` is checked too: scrapers run
 * on Electron (Nightmare, custom crawlers, AI-agent editors); people read the web in browsers,
 * and in-app webviews (Instagram, Facebook, LinkedIn, WeChat, TikTok...) carry no such token.
 * Electron apps that show web pages to people (Obsidian's web viewer, Notion) are let through.
 */
const AUTOMATION =
  /HeadlessChrome|PhantomJS|SlimerJS|Puppeteer|Playwright|Lighthouse|jsdom\/|Selenium|WebDriver|HtmlUnit|Nightmare|Cypress|GTmetrix|Miniature\.io|YLT Chrome|TSM-turingos|PTST\//i

const HUMAN_ELECTRON_APPS = /\b(obsidian|Notion)\/[\d.]+ /i

/**
 * Whether a request comes from a bot, crawler, headless browser or automation: `isbot`'s
 * pattern list, the automation tokens above, a `Sec-CH-UA` naming `HeadlessChrome` (headless
 * Chrome with a spoofed user agent still announces itself there), an empty user agent, or one
 * longer than 1,000 characters.
 *
 * @example
 * isBotRequest('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', () => null) // true
 * isBotRequest('Mozilla/5.0 (iPhone; ...) Mobile/15E148 Instagram 309.0.0.28.114 (...)', () => null) // false
 */
export function isBotRequest(userAgent: string, header: HeaderGetter): boolean {
  const ua = userAgent.trim()
  if (ua.length === 0 || ua.length > MAX_UA_LENGTH) return true
  if (/HeadlessChrome/i.test(header('sec-ch-ua') ?? '')) return true
  // isbot's pattern is long; real traffic repeats a few hundred user agents, so verdicts are cached.
  let verdict = verdicts.get(ua)
  if (verdict === undefined) {
    verdict = AUTOMATION.test(ua) || isbot(ua) || (ua.includes('Electron/') && !HUMAN_ELECTRON_APPS.test(ua))
    verdicts.set(ua, verdict)
  }
  return verdict
}
