/**
 * Referrer -> host + source name. Only the host survives: the referrer's path and query may
 * identify the person (search terms, profile URLs), so they are never kept.
 * @module
 */

/** Exact hosts (and their subdomains, see `sourceForHost`) -> source name. */
const HOST_SOURCES: Record<string, string> = {
  // Search
  'bing.com': 'Bing',
  'duckduckgo.com': 'DuckDuckGo',
  'ecosia.org': 'Ecosia',
  'baidu.com': 'Baidu',
  'm.baidu.com': 'Baidu',
  'ya.ru': 'Yandex',
  'search.brave.com': 'Brave Search',
  'startpage.com': 'Startpage',
  'qwant.com': 'Qwant',
  'search.naver.com': 'Naver',
  'naver.com': 'Naver',
  'seznam.cz': 'Seznam',
  'kagi.com': 'Kagi',
  'yep.com': 'Yep',
  'mojeek.com': 'Mojeek',
  // Social
  'facebook.com': 'Facebook',
  'fb.me': 'Facebook',
  'fb.com': 'Facebook',
  'messenger.com': 'Messenger',
  'instagram.com': 'Instagram',
  'threads.net': 'Threads',
  'threads.com': 'Threads',
  't.co': 'Twitter',
  'x.com': 'Twitter',
  'twitter.com': 'Twitter',
  'linkedin.com': 'LinkedIn',
  'lnkd.in': 'LinkedIn',
  'reddit.com': 'Reddit',
  'redd.it': 'Reddit',
  'youtube.com': 'YouTube',
  'youtu.be': 'YouTube',
  'pinterest.com': 'Pinterest',
  'pin.it': 'Pinterest',
  'tiktok.com': 'TikTok',
  'bsky.app': 'Bluesky',
  'vk.com': 'VKontakte',
  'quora.com': 'Quora',
  'tumblr.com': 'Tumblr',
  'snapchat.com': 'Snapchat',
  't.me': 'Telegram',
  'web.telegram.org': 'Telegram',
  'wa.me': 'WhatsApp',
  'web.whatsapp.com': 'WhatsApp',
  'discord.com': 'Discord',
  'slack.com': 'Slack',
  // Tech and communities
  'github.com': 'GitHub',
  'gitlab.com': 'GitLab',
  'news.ycombinator.com': 'Hacker News',
  'stackoverflow.com': 'Stack Overflow',
  'producthunt.com': 'Product Hunt',
  'medium.com': 'Medium',
  'substack.com': 'Substack',
  'dev.to': 'DEV',
  'wikipedia.org': 'Wikipedia',
  // AI assistants
  'chatgpt.com': 'ChatGPT',
  'chat.openai.com': 'ChatGPT',
  'perplexity.ai': 'Perplexity',
  'claude.ai': 'Claude',
  'gemini.google.com': 'Gemini',
  'bard.google.com': 'Gemini',
  'copilot.microsoft.com': 'Copilot',
  'chat.deepseek.com': 'DeepSeek',
  'you.com': 'You.com',
  // Mail
  'mail.google.com': 'Gmail',
  'outlook.live.com': 'Outlook',
  'outlook.office.com': 'Outlook',
  'outlook.office365.com': 'Outlook',
  'mail.yahoo.com': 'Yahoo Mail',
  'news.google.com': 'Google News',
  // Android apps (`android-app://<package>` referrers)
  'com.google.android.gm': 'Gmail',
  'com.google.android.googlequicksearchbox': 'Google',
  'com.google.android.apps.searchlite': 'Google',
  'com.facebook.katana': 'Facebook',
  'com.facebook.orca': 'Messenger',
  'com.instagram.android': 'Instagram',
  'com.twitter.android': 'Twitter',
  'com.linkedin.android': 'LinkedIn',
  'com.reddit.frontpage': 'Reddit',
  'com.slack': 'Slack',
  'org.telegram.messenger': 'Telegram',
  'com.whatsapp': 'WhatsApp',
  'com.google.android.youtube': 'YouTube',
  'com.pinterest': 'Pinterest',
  'com.zhiliaoapp.musically': 'TikTok',
  'com.microsoft.office.outlook': 'Outlook',
}

/** Brands spread over country TLDs: `google.de`, `google.co.uk`, `yahoo.co.jp`, `yandex.com.tr`... */
const TLD_FAMILIES: ReadonlyArray<[RegExp, string]> = [
  [/(^|\.)google\.(com?\.)?[a-z]{2,3}$/, 'Google'],
  [/(^|\.)yahoo\.(com?\.)?[a-z]{2,3}$/, 'Yahoo'],
  [/(^|\.)yandex\.(com?\.)?[a-z]{2,3}$/, 'Yandex'],
  [/(^|\.)pinterest\.(com?\.)?[a-z]{2,3}$/, 'Pinterest'],
  [/(^|\.)amazon\.(com?\.)?[a-z]{2,3}$/, 'Amazon'],
]

function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host
}

/**
 * Source name for a host (lowercase, no `www.`): the most specific table entry among the host
 * and its parent domains, then the ccTLD families; `''` when it is no known source.
 *
 * @example
 * sourceForHost('l.facebook.com') // 'Facebook'
 * sourceForHost('google.co.uk') // 'Google'
 */
export function sourceForHost(host: string): string {
  for (let h = host; h; ) {
    const name = HOST_SOURCES[h]
    if (name) return name
    const dot = h.indexOf('.')
    if (dot < 0) break
    h = h.slice(dot + 1)
  }
  for (const [pattern, name] of TLD_FAMILIES) if (pattern.test(host)) return name
  return ''
}

/**
 * Reduces `document.referrer` to its host (lowercase, no `www.`) and a source name: a known
 * name (Google, Bing, Facebook, Hacker News, ChatGPT, Gmail...) or, for unknown sites (blogs,
 * Mastodon instances...), the host itself. A referral from the page's own host (www-insensitive)
 * is not a source: both come back empty. Anything that is not an http(s) or android-app URL
 * is ignored.
 *
 * @example
 * parseReferrer('https://www.google.com/search?q=secret', 'example.com') // { referrer: 'google.com', source: 'Google' }
 * parseReferrer('https://example.com/other', 'www.example.com') // { referrer: '', source: '' }
 * parseReferrer('android-app://com.google.android.gm/', 'example.com') // { referrer: 'com.google.android.gm', source: 'Gmail' }
 */
export function parseReferrer(
  referrer: string | null | undefined,
  pageHostname: string,
): { referrer: string; source: string } {
  const empty = { referrer: '', source: '' }
  if (!referrer) return empty
  let url: URL
  try {
    url = new URL(referrer.trim())
  } catch {
    return empty
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'android-app:') return empty
  let host = stripWww(url.hostname.toLowerCase().replace(/\.+$/, ''))
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  if (!host) return empty
  if (host === stripWww(pageHostname.toLowerCase().replace(/\.+$/, ''))) return empty
  return { referrer: host, source: sourceForHost(host) || host }
}

/** `utm_source` values -> source names, for links that carry no referrer (mail, apps, ads). */
const UTM_SOURCES: Record<string, string> = {
  google: 'Google',
  adwords: 'Google',
  googleads: 'Google',
  bing: 'Bing',
  duckduckgo: 'DuckDuckGo',
  ddg: 'DuckDuckGo',
  ecosia: 'Ecosia',
  yahoo: 'Yahoo',
  baidu: 'Baidu',
  yandex: 'Yandex',
  brave: 'Brave Search',
  startpage: 'Startpage',
  qwant: 'Qwant',
  facebook: 'Facebook',
  fb: 'Facebook',
  meta: 'Facebook',
  instagram: 'Instagram',
  ig: 'Instagram',
  twitter: 'Twitter',
  x: 'Twitter',
  linkedin: 'LinkedIn',
  li: 'LinkedIn',
  reddit: 'Reddit',
  youtube: 'YouTube',
  yt: 'YouTube',
  github: 'GitHub',
  hackernews: 'Hacker News',
  'hacker news': 'Hacker News',
  'hacker-news': 'Hacker News',
  hn: 'Hacker News',
  chatgpt: 'ChatGPT',
  openai: 'ChatGPT',
  perplexity: 'Perplexity',
  claude: 'Claude',
  pinterest: 'Pinterest',
  tiktok: 'TikTok',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  threads: 'Threads',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  slack: 'Slack',
  discord: 'Discord',
  producthunt: 'Product Hunt',
  'product hunt': 'Product Hunt',
  newsletter: 'Newsletter',
  email: 'Newsletter',
  'e-mail': 'Newsletter',
  mail: 'Newsletter',
  mailchimp: 'Newsletter',
  substack: 'Newsletter',
  buttondown: 'Newsletter',
  convertkit: 'Newsletter',
  beehiiv: 'Newsletter',
  sendgrid: 'Newsletter',
  gmail: 'Gmail',
}

/**
 * Source name for a `utm_source` value: a known name for common values (`google`, `fb`,
 * `newsletter`, `news.ycombinator.com`...), otherwise the value trimmed, lowercased and capped
 * at 300 chars, so `Partner-Blog` and `partner-blog` count as one source.
 *
 * @example
 * sourceFromUtm('fb') // 'Facebook'
 * sourceFromUtm(' Spring-Promo ') // 'spring-promo'
 */
export function sourceFromUtm(utmSource: string): string {
  const value = utmSource.trim().toLowerCase().slice(0, 300)
  if (!value) return ''
  const known = UTM_SOURCES[value]
  if (known) return known
  if (value.includes('.') && !/\s/.test(value)) {
    const byHost = sourceForHost(stripWww(value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split('/')[0] ?? ''))
    if (byHost) return byHost
  }
  return value
}
