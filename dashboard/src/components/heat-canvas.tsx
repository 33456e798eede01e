import { useEffect, useRef } from 'preact/hooks'
import simpleheat from 'simpleheat'

/** Sequential viridis stops: readable with every common colour-vision deficiency. */
const GRADIENT = { 0.1: '#3b528b', 0.4: '#21918c', 0.7: '#5ec962', 1: '#fde725' }
const RAGE = '#D55E00'

/**
 * Click cells (`x` in percent of the page width, `y` in px from the top, 10 px rows) drawn as a
 * heat layer; rage cells as rings on a separate layer.
 */
export function HeatCanvas({
  width,
  height,
  cells,
  rage,
  showRage,
  scale,
}: {
  width: number
  height: number
  cells: Array<[number, number, number]>
  rage: Array<[number, number, number]>
  showRage: boolean
  /** How much the stage is shrunk on screen; spots stay at least ~12 screen px wide. */
  scale: number
}) {
  const heat = useRef<HTMLCanvasElement>(null)
  const rings = useRef<HTMLCanvasElement>(null)
  const cellW = width / 100
  useEffect(() => {
    const canvas = heat.current
    if (!canvas) return
    const points = cells.map(([x, y, n]): [number, number, number] => [x * cellW + cellW / 2, y + 5, n])
    const max = Math.max(1, ...cells.map((c) => c[2]))
    const r = Math.max(cellW * 1.4, 12 / Math.max(scale, 0.1))
    simpleheat(canvas)
      .data(points)
      .max(max)
      .radius(r, r * 0.8)
      .gradient(GRADIENT)
      .draw(0.35)
  }, [cells, cellW, scale])
  useEffect(() => {
    const canvas = rings.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    ctx.clearRect(0, 0, canvas.width, canvas.height)
    if (!showRage) return
    const max = Math.max(1, ...rage.map((c) => c[2]))
    ctx.strokeStyle = RAGE
    ctx.fillStyle = 'rgba(213, 94, 0, 0.18)'
    ctx.lineWidth = 2.5
    for (const [x, y, n] of rage) {
      ctx.beginPath()
      ctx.arc(
        x * cellW + cellW / 2,
        y + 5,
        (6 + 14 * Math.sqrt(n / max)) / Math.max(scale, 0.3),
        0,
        Math.PI * 2,
      )
      ctx.fill()
      ctx.stroke()
    }
  }, [rage, showRage, cellW, scale])
  return (
    <>
      <canvas
        ref={heat}
        class="heat-layer"
        width={width}
        height={height}
        data-testid="heat-canvas"
        data-cells={cells.length}
        aria-label={`${cells.length} click cells`}
        role="img"
      />
      <canvas ref={rings} class="heat-layer" width={width} height={height} data-testid="rage-canvas" />
    </>
  )
}
