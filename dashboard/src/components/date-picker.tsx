import { useEffect, useRef, useState } from 'preact/hooks'
import { type DateRange, presets, rangeDays, rangeLabel } from '../lib/period.ts'

/** Period presets plus a custom range; Escape or a click outside closes it. */
export function DatePicker({
  range,
  today,
  onChange,
}: {
  range: DateRange
  today: string
  onChange: (r: DateRange) => void
}) {
  const [open, setOpen] = useState(false)
  const [custom, setCustom] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) {
        setOpen(false)
        setCustom(false)
      }
    }
    document.addEventListener('keydown', close)
    document.addEventListener('mousedown', close)
    return () => {
      document.removeEventListener('keydown', close)
      document.removeEventListener('mousedown', close)
    }
  }, [open])
  const [from, to] = rangeDays(range, today)
  const pick = (r: DateRange) => {
    setOpen(false)
    setCustom(false)
    onChange(r)
  }
  const current = rangeLabel(range, today)
  return (
    <div class="picker" ref={root}>
      <button
        type="button"
        class="btn picker-button"
        aria-haspopup="true"
        aria-expanded={open}
        data-testid="date-picker"
        onClick={() => setOpen(!open)}
      >
        {current} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div class="picker-menu">
          <ul>
            {presets(today).map((p) => (
              <li key={p.key}>
                <button
                  type="button"
                  class={rangeLabel(p.range, today) === current ? 'picker-item active' : 'picker-item'}
                  onClick={() => pick(p.range)}
                >
                  {p.label}
                </button>
              </li>
            ))}
            <li>
              <button
                type="button"
                class="picker-item"
                aria-expanded={custom}
                onClick={() => setCustom(!custom)}
              >
                Custom range…
              </button>
            </li>
          </ul>
          {custom && (
            <form
              class="picker-custom"
              onSubmit={(e) => {
                e.preventDefault()
                const data = new FormData(e.currentTarget as HTMLFormElement)
                const a = String(data.get('from') ?? '')
                const b = String(data.get('to') ?? '')
                if (a && b) pick({ period: 'custom', date: a <= b ? `${a},${b}` : `${b},${a}` })
              }}
            >
              <label>
                From <input class="input" type="date" name="from" value={from} max={today} required />
              </label>
              <label>
                To <input class="input" type="date" name="to" value={to} max={today} required />
              </label>
              <button type="submit" class="btn btn-primary btn-small">
                Apply
              </button>
            </form>
          )}
        </div>
      )}
    </div>
  )
}
