declare module 'simpleheat' {
  interface SimpleHeat {
    data(points: Array<[number, number, number]>): SimpleHeat
    max(max: number): SimpleHeat
    radius(r: number, blur?: number): SimpleHeat
    gradient(stops: Record<number, string>): SimpleHeat
    resize(): void
    clear(): SimpleHeat
    draw(minOpacity?: number): SimpleHeat
  }
  function simpleheat(canvas: HTMLCanvasElement): SimpleHeat
  export default simpleheat
}
