import type { Services } from '../services.ts'
import { authOf } from './state.ts'
import { SETUP_TTL_MS } from './tokens.ts'

/**
 * When the instance has no users yet, issues a fresh one-time setup token (valid 24 h) for
 * the first admin and returns it; `null` once any user exists. The Node adapter calls it at
 * start and logs `${publicUrl}/setup?token=…`. Only the token's hash is stored, so every
 * start without users prints a new link (older ones stay valid until they expire or one is used).
 *
 * @example
 * const token = await ensureSetupToken(services)
 * if (token) log.info(`no users yet; create the first admin at ${config.publicUrl}/setup?token=${token}`)
 */
export async function ensureSetupToken(s: Services): Promise<string | null> {
  const auth = authOf(s)
  if ((await auth.users.count()) > 0) return null
  return auth.tokens.create('setup', '', SETUP_TTL_MS)
}
