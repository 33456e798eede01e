import { useState } from 'preact/hooks'
import { api, statsUrl } from '../lib/api.ts'
import { formatCount } from '../lib/format.ts'
import { useInterval } from '../lib/hooks.ts'

/** "N current visitors", refreshed every 30 s. */
export function Realtime({ domain }: { domain: string }) {
  const [count, setCount] = useState<number | null>(null)
  useInterval(
    () => {
      api<number | { visitors?: number }>(statsUrl('realtime/visitors', { site_id: domain })).then(
        (n) => setCount(typeof n === 'number' ? n : Number(n?.visitors ?? 0)),
        () => setCount(null),
      )
    },
    30_000,
    [domain],
  )
  return (
    <span
      class="realtime"
      data-testid="realtime"
      title="Visitors in the last 5 minutes, updated every 30 seconds"
    >
      <span class={count ? 'pulse pulse-on' : 'pulse'} aria-hidden="true" />
      {count === null
        ? '… current visitors'
        : `${formatCount(count)} current visitor${count === 1 ? '' : 's'}`}
    </span>
  )
}
