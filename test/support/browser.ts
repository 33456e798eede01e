/**
 * Debian's Chromium driven by playwright-core, launched the same way by every browser test.
 */
import { type Browser, chromium, type LaunchOptions } from 'playwright-core'

/** Hosts under `.test` resolve to loopback, so fixtures can use real-looking, non-local hostnames. */
export const HOST_RULES = '--host-resolver-rules=MAP *.test 127.0.0.1'

/**
 * Launches headless Chromium (`/usr/bin/chromium`, never a downloaded build). `.test` hosts map to
 * 127.0.0.1, and the back/forward cache stays on (Playwright disables it by default) so pages can be
 * restored from it as in a real browser.
 *
 * @example
 * const browser = await launchBrowser()
 * const page = await browser.newPage()
 * await page.goto('http://example.test:8080/')
 * await browser.close()
 */
export async function launchBrowser(opts: { args?: string[] } & LaunchOptions = {}): Promise<Browser> {
  const { args = [], ...rest } = opts
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      HOST_RULES,
      ...args,
    ],
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
    ...rest,
  })
}
