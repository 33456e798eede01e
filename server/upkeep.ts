import type { Services } from './services.ts'
import { sessioniseClosedDays } from './stats/sessions.ts'

/**
 * The hourly upkeep every long-lived runtime runs (Workers through its cron trigger): destroy
 * salts older than yesterday, then store the visits of days that have ended (only where
 * `SESSIONISE=on`). Failures are logged and retried on the next run; it never throws.
 *
 * @example
 * setInterval(() => void upkeep(services), 3_600_000)
 */
export async function upkeep(s: Services): Promise<void> {
  await s.salts
    .destroyOld()
    .catch((e: Error) => s.log.warn(`salt cleanup failed: ${e.message.split('\n')[0]}`))
  if (!s.config.sessionise) return
  await sessioniseClosedDays(s.ch, s.now()).catch((e: Error) =>
    s.log.warn(`sessionising failed: ${e.message.split('\n')[0]}`),
  )
}
