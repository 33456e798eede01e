let names: Intl.DisplayNames | null = null

/**
 * The flag emoji for an ISO 3166-1 alpha-2 code; a white flag when the code is unknown.
 *
 * @example
 * flag('DE') // '🇩🇪'
 */
export function flag(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code) || code.toUpperCase() === 'XX') return '🏳'
  return String.fromCodePoint(...[...code.toUpperCase()].map((ch) => 0x1f1e6 + ch.charCodeAt(0) - 65))
}

/**
 * The English name of a country code, falling back to the code itself.
 *
 * @example
 * countryName('FR') // 'France'
 */
export function countryName(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code) || code.toUpperCase() === 'XX') return 'Unknown'
  try {
    names ??= new Intl.DisplayNames(['en'], { type: 'region' })
    return names.of(code.toUpperCase()) ?? code
  } catch {
    return code
  }
}
