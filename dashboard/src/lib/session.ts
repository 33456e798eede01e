import { useEffect, useState } from 'preact/hooks'
import { api, setCsrf } from './api.ts'

export interface User {
  id: string
  email: string
  isAdmin: boolean
}

export interface SessionState {
  status: 'unknown' | 'in' | 'out'
  user: User | null
}

let state: SessionState = { status: 'unknown', user: null }
const listeners = new Set<(s: SessionState) => void>()

function set(next: SessionState): void {
  state = next
  for (const l of listeners) l(state)
}

/** Records a successful login/setup/me answer. */
export function signedIn(body: { user: User; csrf: string }): void {
  setCsrf(body.csrf)
  set({ status: 'in', user: body.user })
}

export function signedOut(): void {
  setCsrf('')
  set({ status: 'out', user: null })
}

/** Asks the server who is logged in (once per page load unless forced). */
export async function refreshSession(): Promise<SessionState> {
  try {
    signedIn(await api<{ user: User; csrf: string }>('/api/auth/me'))
  } catch {
    signedOut()
  }
  return state
}

export function getSession(): SessionState {
  return state
}

/** The session; re-renders on login and logout. */
export function useSession(): SessionState {
  const [s, setS] = useState(state)
  useEffect(() => {
    listeners.add(setS)
    setS(state)
    return () => {
      listeners.delete(setS)
    }
  }, [])
  return s
}
