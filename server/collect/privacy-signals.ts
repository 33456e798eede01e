import type { HeaderGetter } from './types.ts'

/** What to do with a request carrying an opt-out signal. */
export interface PrivacyPolicy {
  gpc: 'drop' | 'keep'
  dnt: 'drop' | 'keep'
}

/**
 * The opt-out signal that makes this request droppable under `policy`, or `null` to keep it.
 * `Sec-GPC: 1` (Global Privacy Control) wins over `DNT: 1` when both are sent.
 *
 * @example
 * privacySignal((n) => (n === 'sec-gpc' ? '1' : null), { gpc: 'drop', dnt: 'keep' }) // 'gpc'
 */
export function privacySignal(header: HeaderGetter, policy: PrivacyPolicy): 'gpc' | 'dnt' | null {
  if (policy.gpc === 'drop' && header('sec-gpc')?.trim() === '1') return 'gpc'
  if (policy.dnt === 'drop' && header('dnt')?.trim() === '1') return 'dnt'
  return null
}
