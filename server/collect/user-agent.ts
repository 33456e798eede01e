import { LRUCache } from 'lru-cache'
import { type IResult, UAParser } from 'ua-parser-js'
import type { DeviceInfo, HeaderGetter } from './types.ts'

/** Client-hint headers that change the parse; they are part of the cache key. */
export const CLIENT_HINTS = [
  'sec-ch-ua',
  'sec-ch-ua-full-version-list',
  'sec-ch-ua-mobile',
  'sec-ch-ua-model',
  'sec-ch-ua-platform',
  'sec-ch-ua-platform-version',
  'sec-ch-ua-form-factors',
] as const

/** Parses are pure functions of (UA, hints) and real traffic repeats a few thousand UAs. */
const cache = new LRUCache<string, Omit<DeviceInfo, 'device'> & { type: string }>({ max: 5000 })

const BROWSERS: Record<string, string> = {
  'Mobile Safari': 'Safari',
  'Safari Mobile': 'Safari',
  'Mobile Chrome': 'Chrome',
  'Chrome Headless': 'Chrome',
  'Chrome WebView': 'Android WebView',
  'Google Chrome': 'Chrome',
  'Mobile Firefox': 'Firefox',
  'Firefox Focus': 'Firefox',
  'Microsoft Edge': 'Edge',
  'Opera GX': 'Opera',
  'Opera Touch': 'Opera',
  'Opera Mobi': 'Opera',
  'Opera Tablet': 'Opera',
  Yandex: 'Yandex Browser',
  'Samsung Browser': 'Samsung Internet',
  Huawei: 'Huawei Browser',
  'Huawei Browser': 'Huawei Browser',
  MIUI: 'MIUI Browser',
  'MIUI Browser': 'MIUI Browser',
  UCBrowser: 'UC Browser',
  'UC Browser': 'UC Browser',
  GSA: 'Google App',
}

const OSES: Record<string, string> = {
  'Mac OS': 'macOS',
  macOS: 'macOS',
  'Chrome OS': 'ChromeOS',
  'Chromium OS': 'ChromeOS',
  iOS: 'iOS',
  iPadOS: 'iOS',
  Android: 'Android',
  Windows: 'Windows',
  Linux: 'Linux',
  HarmonyOS: 'HarmonyOS',
}

const LINUX_DISTROS =
  /^(ubuntu|kubuntu|xubuntu|lubuntu|debian|fedora|suse|opensuse|gentoo|arch|mint|centos|red ?hat|manjaro|slackware|mandriva|deepin|elementary os|raspbian)$/i

function browserName(name: string | undefined, ua: string): string {
  if (/LinkedInApp/.test(ua)) return 'LinkedIn'
  if (!name) return ''
  // iOS webviews without an app token only expose the engine.
  if (name === 'WebKit') return /\((iPhone|iPad|iPod)/.test(ua) ? 'Safari' : ''
  return BROWSERS[name] ?? name
}

function osName(name: string | undefined): string {
  if (!name) return ''
  if (LINUX_DISTROS.test(name)) return 'Linux'
  return OSES[name] ?? name
}

function osVersion(os: string, version: string | undefined): string {
  if (!version || os === 'Linux') return ''
  const parts = version.split(/[._]/)
  if (os === 'macOS' || os === 'iOS') return parts.slice(0, 2).join('.')
  if (os === 'Windows') return version
  return parts[0] ?? ''
}

function isResult(x: IResult | PromiseLike<IResult>): x is IResult {
  return typeof (x as IResult).browser === 'object'
}

function parse(ua: string, hints: Record<string, string>): Omit<DeviceInfo, 'device'> & { type: string } {
  const result = new UAParser(ua, hints).getResult()
  // Read before withClientHints(): it updates the result in place.
  const uaOsVersion = result.os.version
  if (Object.keys(hints).length > 0) {
    // Off the browser main thread withClientHints() is synchronous and reads the hint headers;
    // a promise would mean a browser-side lookup, which never applies on a server.
    const hinted = result.withClientHints()
    if (!isResult(hinted)) throw new Error('ua-parser-js returned a promise for header client hints')
  }
  const os = osName(result.os.name)
  // Without the opt-in Sec-CH-UA-Platform-Version the hinted version is a guess; keep the UA's.
  const osVer = hints['sec-ch-ua-platform-version'] ? result.os.version : (uaOsVersion ?? result.os.version)
  const browser = browserName(result.browser.name, ua)
  const major = result.browser.name === 'WebKit' || browser === 'LinkedIn' ? '' : (result.browser.major ?? '')
  let type = result.device.type ?? ''
  // Android without "Mobile" in the UA is a tablet by Google's own convention.
  if (!type && os === 'Android' && !/Mobile/.test(ua) && hints['sec-ch-ua-mobile'] !== '?1') type = 'tablet'
  return {
    browser,
    browserVersion: /^\d+$/.test(major) ? major : '',
    os,
    osVersion: osVersion(os, osVer),
    type,
  }
}

function deviceClass(type: string, width: number | undefined): DeviceInfo['device'] {
  if (type === 'mobile' || type === 'wearable') return 'mobile'
  if (type === 'tablet') return 'tablet'
  if (type === '' && width !== undefined && width > 0 && width < 768) return 'mobile'
  return 'desktop'
}

/**
 * Browser, OS and device class from the user agent, refined by Sec-CH-UA client hints when the
 * browser sent them (Edge/Opera/Brave identify themselves there; Chrome's frozen UA does not).
 * Names are normalised (Chrome, Safari, Firefox, Edge, Opera, Samsung Internet, Instagram...;
 * Windows, macOS, iOS, Android, Linux, ChromeOS), the browser version is the major only, the OS
 * version is the major (major.minor for macOS and iOS). Device: mobile / tablet / desktop; an
 * unknown type with a viewport `width` under 768 px counts as mobile. Parses are cached (LRU, 5,000).
 *
 * @example
 * parseDevice('Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) ... Version/16.6 Mobile/15E148 Safari/604.1', () => null)
 * // { browser: 'Safari', browserVersion: '16', os: 'iOS', osVersion: '16.6', device: 'tablet' }
 */
export function parseDevice(userAgent: string, header: HeaderGetter, width?: number): DeviceInfo {
  const hints: Record<string, string> = {}
  let key = userAgent
  for (const name of CLIENT_HINTS) {
    const value = header(name)
    if (value) {
      hints[name] = value
      key += `\n${name}:${value}`
    }
  }
  let parsed = cache.get(key)
  if (!parsed) {
    parsed = parse(userAgent, hints)
    cache.set(key, parsed)
  }
  const { type, ...rest } = parsed
  return { ...rest, device: deviceClass(type, width) }
}
