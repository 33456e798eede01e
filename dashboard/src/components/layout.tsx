import type { ComponentChildren } from 'preact'
import { api } from '../lib/api.ts'
import { navigate } from '../lib/router.ts'
import { signedOut, useSession } from '../lib/session.ts'

async function logout(): Promise<void> {
  try {
    await api('/api/auth/logout', { method: 'POST' })
  } finally {
    signedOut()
    navigate('/login')
  }
}

/** Header and main column shared by every screen. */
export function Layout({ children, title }: { children: ComponentChildren; title?: string }) {
  const session = useSession()
  if (title) document.title = `${title} · crumbless`
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="wrap topbar-inner">
          <a class="brand" href={session.status === 'in' ? '/sites' : '/'}>
            <span class="brand-mark" aria-hidden="true" />
            crumbless
          </a>
          {session.status === 'in' && (
            <nav class="topnav" aria-label="Main">
              <a href="/sites">Sites</a>
              <a href="/settings">Account</a>
              <button type="button" class="link" onClick={logout}>
                Log out
              </button>
            </nav>
          )}
        </div>
      </header>
      <main id="main" class="wrap">
        {children}
      </main>
    </>
  )
}
