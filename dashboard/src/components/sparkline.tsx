/** A 7-day trend as a small inline SVG (no chart library needed for 7 points). */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 120
  const h = 32
  const max = Math.max(1, ...values)
  const step = values.length > 1 ? w / (values.length - 1) : w
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`)
  return (
    <svg class="sparkline" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={label}>
      {values.length > 0 && (
        <>
          <polygon class="sparkline-area" points={`0,${h} ${points.join(' ')} ${w},${h}`} />
          <polyline class="sparkline-line" points={points.join(' ')} />
        </>
      )}
    </svg>
  )
}
