import type { Props } from './transport.ts'
import { send } from './transport.ts'

/** Options of a custom event. */
export interface EventOptions {
  /** Up to 30 properties; values are sent as strings (keys cut at 300 chars, values at 2,000). */
  props?: Record<string, string | number | boolean>
  /** `false`: the event does not count as interaction (it does not cancel a bounce). */
  interactive?: boolean
  /** Runs once the event has been sent, failed, or was skipped. */
  callback?: () => void
}

/** The custom-event function: `window.crumbless` in the script build, `track` in the ESM entry. */
export type Track = (name: string, o?: EventOptions) => void

/**
 * Sends a custom event; on a skipped page it only runs the callback, so a form waiting for it still
 * goes on. Props keep what the wire accepts: at most 30 string, number or boolean values (sent as
 * strings), keys cut at 300 chars and values at 2,000.
 *
 * @example
 * track('Signup', { props: { plan: 'pro' }, callback: () => form.submit() })
 */
export const track: Track = (name, o = {}) => {
  const p: Props = {}
  let n = 0
  for (const k in o.props) {
    const v = o.props[k]
    // string, number, boolean (and symbol, bigint, which stringify as well): not objects or functions
    if (k && /^[sbn]/.test(typeof v) && n++ < 30) p[k.slice(0, 300)] = String(v).slice(0, 2e3)
  }
  send(name, { p, i: o.interactive }, o.callback)
}
