import { send } from './transport.ts'

/** File types whose links count as downloads. */
const FILES = /\.(pdf|zip|(doc|xls|ppt)x?|csv|txt|rtf|exe|dmg|pkg|apk|rar|7z|gz|mp[34]|mov|avi|wav)$/i

/**
 * Reports a click or middle click on a link to a file (`File Download`) or to another host
 * (`Outbound Link: Click`), with prop `url` = host + path: no query, no link text. The event goes out
 * with keepalive; the navigation is never delayed or prevented.
 *
 * @example
 * on('click', link)
 */
export const link = (e: MouseEvent): void => {
  const a = (e.target as Element).closest('a')
  // button 0: click; 1: middle click (auxclick), which opens the link too; 2 opens a menu.
  // No host: no href, or mailto:, tel:, javascript: and the like.
  if (a && e.button < 2 && a.host) {
    const file = FILES.test(a.pathname)
    if (file || a.host !== location.host) {
      send(file ? 'File Download' : 'Outbound Link: Click', { p: { url: a.host + a.pathname } })
    }
  }
}
