/**
 * Site resolution helpers: turn the `d` field and page hostnames into comparable domain strings.
 * @module
 */

/**
 * Canonical form of a domain for lookups: trimmed, lowercase, no trailing dot, no leading `www.`.
 *
 * @example
 * normalizeDomain(' WWW.Example.com. ') // 'example.com'
 */
export function normalizeDomain(d: string): string {
  let out = d.trim().toLowerCase()
  while (out.endsWith('.')) out = out.slice(0, -1)
  if (out.startsWith('www.')) out = out.slice(4)
  return out
}

/**
 * The domains an event claims to belong to. Plausible's script allows `d` to be a comma-separated list
 * (one event counted for several sites), so every entry is a candidate; empty and duplicate entries go.
 *
 * @example
 * candidateDomains('example.com, www.Example.com,shop.example.com') // ['example.com', 'shop.example.com']
 */
export function candidateDomains(d: string): string[] {
  const seen = new Set<string>()
  for (const part of d.split(',')) {
    const domain = normalizeDomain(part)
    if (domain) seen.add(domain)
  }
  return [...seen]
}

/**
 * Whether a page hostname may report to a site. An empty allow-list means any hostname.
 * Entries match exactly (both sides `www.`-insensitive); `*.example.com` matches any subdomain
 * and the apex `example.com` itself.
 *
 * @example
 * hostnameAllowed([], 'anything.test') // true
 * hostnameAllowed(['*.example.com'], 'blog.example.com') // true
 * hostnameAllowed(['example.com'], 'evil-example.com') // false
 */
export function hostnameAllowed(allowed: string[], hostname: string): boolean {
  if (allowed.length === 0) return true
  const host = normalizeDomain(hostname)
  if (!host) return false
  for (const entry of allowed) {
    const pattern = entry.trim().toLowerCase()
    if (pattern.startsWith('*.')) {
      const base = normalizeDomain(pattern.slice(2))
      if (base && (host === base || host.endsWith(`.${base}`))) return true
    } else if (normalizeDomain(pattern) === host) {
      return true
    }
  }
  return false
}
