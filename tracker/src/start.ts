import { click } from './clicks.ts'
import { configure } from './config.ts'
import { trackEngagement } from './engagement.ts'
import { on } from './guard.ts'
import { link } from './links.ts'
import { trackPageviews } from './pageviews.ts'

/**
 * Configures the tracker (arguments as in `configure`) and starts every feature of this build, unless
 * the page is skipped.
 *
 * @example
 * start('example.com', '/api/event', null, null, null)
 */
export const start = (...config: Parameters<typeof configure>): void => {
  if (!configure(...config)) {
    if (__ENGAGEMENT__) trackEngagement()
    if (__CLICKS__ || __LINKS__) {
      on('click', (e: MouseEvent) => {
        if (__CLICKS__) click(e)
        if (__LINKS__) link(e)
      })
    }
    if (__LINKS__) on('auxclick', link)
    trackPageviews()
  }
}
