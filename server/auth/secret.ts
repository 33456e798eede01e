import type { Ch } from '../store/client.ts'
import { fromBase64url, randomToken } from './crypto.ts'

const KEY = 'cookie_secret'

/**
 * The instance secret that signs cookies and derives share tokens. Generated once and kept
 * in ClickHouse, so every instance behind a load balancer signs alike; if two instances
 * create one at the same moment, the earliest row wins for both once they re-read.
 *
 * @example
 * const secret = await loadSecret(ch) // 32 bytes
 */
export async function loadSecret(ch: Ch): Promise<Uint8Array> {
  const read = async () =>
    (
      await ch.query<{ value: string }>(
        'SELECT argMin(value, created) AS value FROM auth_kv WHERE key = {key:String} HAVING count() > 0',
        { key: KEY },
      )
    )[0]?.value
  let value = await read()
  if (!value) {
    await ch.insert('auth_kv', [{ key: KEY, value: randomToken(32) }])
    value = await read()
  }
  const bytes = value ? fromBase64url(value) : null
  if (!bytes || bytes.length < 32) throw new Error('instance secret in auth_kv is unreadable')
  return bytes
}
