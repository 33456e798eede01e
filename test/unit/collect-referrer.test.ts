import { describe, expect, it } from 'vitest'
import { parseReferrer, sourceForHost, sourceFromUtm } from '../../server/collect/referrer.ts'

describe('parseReferrer', () => {
  it.each([
    // Search engines
    ['https://www.google.com/', 'google.com', 'Google'],
    ['https://www.google.co.uk/search?q=private+terms', 'google.co.uk', 'Google'],
    ['https://www.google.de/', 'google.de', 'Google'],
    ['https://www.google.com.br/', 'google.com.br', 'Google'],
    ['https://mail.google.com/mail/u/0/', 'mail.google.com', 'Gmail'],
    ['https://news.google.com/articles/xyz', 'news.google.com', 'Google News'],
    ['https://gemini.google.com/app/123', 'gemini.google.com', 'Gemini'],
    ['https://www.bing.com/search?q=x', 'bing.com', 'Bing'],
    ['https://cn.bing.com/', 'cn.bing.com', 'Bing'],
    ['https://duckduckgo.com/', 'duckduckgo.com', 'DuckDuckGo'],
    ['https://www.ecosia.org/search?q=x', 'ecosia.org', 'Ecosia'],
    ['https://search.yahoo.com/search?p=x', 'search.yahoo.com', 'Yahoo'],
    ['https://search.yahoo.co.jp/', 'search.yahoo.co.jp', 'Yahoo'],
    ['https://www.baidu.com/link?url=x', 'baidu.com', 'Baidu'],
    ['https://yandex.ru/search/?text=x', 'yandex.ru', 'Yandex'],
    ['https://yandex.com.tr/', 'yandex.com.tr', 'Yandex'],
    ['https://search.brave.com/search?q=x', 'search.brave.com', 'Brave Search'],
    ['https://www.startpage.com/', 'startpage.com', 'Startpage'],
    ['https://www.qwant.com/?q=x', 'qwant.com', 'Qwant'],
    // Social
    ['https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com', 'l.facebook.com', 'Facebook'],
    ['https://m.facebook.com/', 'm.facebook.com', 'Facebook'],
    ['https://lm.facebook.com/', 'lm.facebook.com', 'Facebook'],
    ['https://fb.me/abc', 'fb.me', 'Facebook'],
    ['https://l.instagram.com/?u=x', 'l.instagram.com', 'Instagram'],
    ['https://t.co/AbCdEf', 't.co', 'Twitter'],
    ['https://x.com/someone/status/1', 'x.com', 'Twitter'],
    ['https://twitter.com/', 'twitter.com', 'Twitter'],
    ['https://mobile.twitter.com/', 'mobile.twitter.com', 'Twitter'],
    ['https://www.linkedin.com/feed/', 'linkedin.com', 'LinkedIn'],
    ['https://lnkd.in/xyz', 'lnkd.in', 'LinkedIn'],
    ['https://www.reddit.com/r/programming/', 'reddit.com', 'Reddit'],
    ['https://old.reddit.com/', 'old.reddit.com', 'Reddit'],
    ['https://out.reddit.com/t3_x', 'out.reddit.com', 'Reddit'],
    ['https://www.youtube.com/watch?v=x', 'youtube.com', 'YouTube'],
    ['https://m.youtube.com/', 'm.youtube.com', 'YouTube'],
    ['https://youtu.be/x', 'youtu.be', 'YouTube'],
    ['https://github.com/owner/repo', 'github.com', 'GitHub'],
    ['https://news.ycombinator.com/item?id=1', 'news.ycombinator.com', 'Hacker News'],
    ['https://chatgpt.com/', 'chatgpt.com', 'ChatGPT'],
    ['https://chat.openai.com/', 'chat.openai.com', 'ChatGPT'],
    ['https://www.perplexity.ai/search/x', 'perplexity.ai', 'Perplexity'],
    ['https://claude.ai/chat/x', 'claude.ai', 'Claude'],
    ['https://www.pinterest.com/pin/1', 'pinterest.com', 'Pinterest'],
    ['https://www.pinterest.de/pin/1', 'pinterest.de', 'Pinterest'],
    ['https://www.tiktok.com/@x', 'tiktok.com', 'TikTok'],
    ['https://en.wikipedia.org/wiki/X', 'en.wikipedia.org', 'Wikipedia'],
    ['https://bsky.app/profile/x', 'bsky.app', 'Bluesky'],
    // Android apps
    ['android-app://com.google.android.gm', 'com.google.android.gm', 'Gmail'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm', 'Gmail'],
    [
      'android-app://com.google.android.googlequicksearchbox/https/www.google.com',
      'com.google.android.googlequicksearchbox',
      'Google',
    ],
    ['android-app://com.slack/', 'com.slack', 'Slack'],
    ['android-app://org.telegram.messenger/', 'org.telegram.messenger', 'Telegram'],
    // Unknown sites: the host is the source
    ['https://mastodon.social/@someone/1', 'mastodon.social', 'mastodon.social'],
    ['https://fosstodon.org/@x', 'fosstodon.org', 'fosstodon.org'],
    ['https://blog.example.org/post?id=7', 'blog.example.org', 'blog.example.org'],
    ['https://WWW.Some-Blog.NET/', 'some-blog.net', 'some-blog.net'],
    ['http://[2001:db8::1]:8080/x', '2001:db8::1', '2001:db8::1'],
    ['http://203.0.113.5/', '203.0.113.5', '203.0.113.5'],
    // Look-alikes are not the brand
    ['https://notgoogle.com/', 'notgoogle.com', 'notgoogle.com'],
    ['https://google.com.evil.net/', 'google.com.evil.net', 'google.com.evil.net'],
    ['https://t.co.example.net/', 't.co.example.net', 't.co.example.net'],
  ])('%s -> %s (%s)', (ref, referrer, source) => {
    expect(parseReferrer(ref, 'example.com')).toEqual({ referrer, source })
  })

  it.each([
    ['no referrer', null, 'example.com'],
    ['undefined', undefined, 'example.com'],
    ['empty', '', 'example.com'],
    ['garbage', 'not a url', 'example.com'],
    ['self-referral', 'https://example.com/a', 'example.com'],
    ['self-referral, www on the referrer', 'https://www.example.com/a', 'example.com'],
    ['self-referral, www on the page', 'https://example.com/a?x=1', 'www.example.com'],
    ['self-referral, case', 'https://EXAMPLE.com/', 'example.com'],
    ['a chrome extension', 'chrome-extension://abcdef/page.html', 'example.com'],
    ['a file URL', 'file:///Users/me/page.html', 'example.com'],
    ['about:blank', 'about:blank', 'example.com'],
  ])('%s -> not a source', (_name, ref, page) => {
    expect(parseReferrer(ref, page)).toEqual({ referrer: '', source: '' })
  })

  it('keeps a subdomain of the page as an external referrer', () => {
    expect(parseReferrer('https://blog.example.com/', 'example.com')).toEqual({
      referrer: 'blog.example.com',
      source: 'blog.example.com',
    })
  })

  it('never keeps the path or query of the referrer', () => {
    const { referrer, source } = parseReferrer(
      'https://forum.example.net/u/jane.doe?token=abc#x',
      'example.com',
    )
    expect(`${referrer} ${source}`).not.toMatch(/jane|token|abc|\//)
  })
})

describe('sourceForHost', () => {
  it.each([
    ['google.com', 'Google'],
    ['images.google.fr', 'Google'],
    ['docs.google.com', 'Google'],
    ['duckduckgo.com', 'DuckDuckGo'],
    ['unknown.example', ''],
  ])('%s -> %j', (host, expected) => {
    expect(sourceForHost(host)).toBe(expected)
  })
})

describe('sourceFromUtm', () => {
  it.each([
    ['google', 'Google'],
    ['Google', 'Google'],
    [' google ', 'Google'],
    ['fb', 'Facebook'],
    ['facebook', 'Facebook'],
    ['facebook.com', 'Facebook'],
    ['ig', 'Instagram'],
    ['twitter', 'Twitter'],
    ['x', 'Twitter'],
    ['t.co', 'Twitter'],
    ['linkedin', 'LinkedIn'],
    ['reddit', 'Reddit'],
    ['hn', 'Hacker News'],
    ['news.ycombinator.com', 'Hacker News'],
    ['chatgpt.com', 'ChatGPT'],
    ['https://www.bing.com/', 'Bing'],
    ['newsletter', 'Newsletter'],
    ['email', 'Newsletter'],
    ['mailchimp', 'Newsletter'],
    ['Partner-Blog', 'partner-blog'],
    ['spring promo', 'spring promo'],
    ['', ''],
    ['   ', ''],
    ['x'.repeat(400), 'x'.repeat(300)],
  ])('%j -> %j', (utm, expected) => {
    expect(sourceFromUtm(utm)).toBe(expected)
  })
})
