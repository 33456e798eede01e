import { REFERRER_SPAM_HOSTS } from './data/referrer-spam.ts'

/**
 * Whether a referrer host is on the shipped referrer-spam list (Matomo's, see `data/referrer-spam.ts`).
 * The host and each of its parent domains are checked, so `x.semalt.com` matches `semalt.com`;
 * a bare public suffix (`com`) is never on the list, so checking it is harmless.
 *
 * @example
 * isSpamReferrer('semalt.com') // true
 * isSpamReferrer('www.semalt.com') // true
 * isSpamReferrer('example.com') // false
 */
export function isSpamReferrer(host: string): boolean {
  let h = host.trim().toLowerCase()
  while (h.endsWith('.')) h = h.slice(0, -1)
  while (h) {
    if (REFERRER_SPAM_HOSTS.has(h)) return true
    const dot = h.indexOf('.')
    if (dot < 0) return false
    h = h.slice(dot + 1)
  }
  return false
}
