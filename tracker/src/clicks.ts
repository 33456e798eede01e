import { flush } from './engagement.ts'

/** Rounded click cells `[x %, y px, flags]` waiting for the next engagement event. */
export const cells: number[][] = []
/** Recent clicks near the last one: `[time, pageX, pageY]`. */
let recent: number[][] = []

/**
 * Turns a click into its cell: x as a whole percent of the document width (0-99), y in px from the
 * top rounded down to 10. A click that is the third (or later) within 1 s and 30 px is a rage click:
 * flag bit 0. Nothing about the clicked element is read.
 *
 * @example
 * on('click', click)
 */
export const click = (e: MouseEvent): void => {
  const x = e.pageX
  const y = e.pageY
  const t = Date.now()
  // detail 0: a click synthesised by the keyboard or by script, which has no position
  if (e.detail) {
    recent = recent.filter((r) => t - r[0]! < 1e3 && Math.hypot(r[1]! - x, r[2]! - y) <= 30)
    const rage = +(recent.push([t, x, y]) > 2)
    // the wire allows 100 cells per event: a busy page sends early rather than dropping clicks
    if (
      cells.push([Math.min(99, ((x * 100) / document.documentElement.scrollWidth) | 0), y - (y % 10), rage]) >
      99
    ) {
      flush()
    }
  }
}
