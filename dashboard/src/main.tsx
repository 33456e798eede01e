import 'uplot/dist/uPlot.min.css'
import './styles.css'
import { render } from 'preact'
import { useEffect } from 'preact/hooks'
import { Layout } from './components/layout.tsx'
import { Loading } from './components/states.tsx'
import { api, setUnauthorizedHandler } from './lib/api.ts'
import { interceptLinks, navigate, useLocation } from './lib/router.ts'
import { refreshSession, signedOut, useSession } from './lib/session.ts'
import { AddSitePage } from './pages/add-site.tsx'
import { AccountPage, InvitePage, LoginPage, SetupPage } from './pages/auth.tsx'
import { SharePage, SitePage } from './pages/site.tsx'
import { SitesPage } from './pages/sites.tsx'

function decode(s: string | undefined): string {
  try {
    return decodeURIComponent(s ?? '')
  } catch {
    return ''
  }
}

/** Sends a visitor without a session to setup (first start) or login. */
async function landing(): Promise<void> {
  const s = await refreshSession()
  if (s.status === 'in') return navigate('/sites', true)
  const setup = await api<{ needed: boolean }>('/api/setup').catch(() => ({ needed: false }))
  navigate(setup.needed ? '/setup' : '/login', true)
}

function NotFound() {
  return (
    <Layout title="Not found">
      <div class="state state-empty">
        This page does not exist. <a href="/sites">Go to your sites</a>.
      </div>
    </Layout>
  )
}

/** Screens that need a logged-in user. */
function Private({ path }: { path: string }) {
  const session = useSession()
  useEffect(() => {
    if (session.status === 'unknown') void refreshSession()
    if (session.status === 'out') navigate(`/login?next=${encodeURIComponent(path + location.search)}`, true)
  }, [session.status, path])
  if (session.status !== 'in') return <Loading />
  if (path === '/sites') return <SitesPage />
  if (path === '/sites/new') return <AddSitePage />
  if (path === '/settings') return <AccountPage email={session.user?.email ?? ''} />
  const m = /^\/sites\/([^/]+)(?:\/(heatmap|settings))?\/?$/.exec(path)
  if (m) {
    const domain = decode(m[1])
    const tab = (m[2] ?? 'dashboard') as 'dashboard' | 'heatmap' | 'settings'
    return <SitePage key={domain} domain={domain} tab={tab} />
  }
  return <NotFound />
}

function App() {
  const { path, query } = useLocation()
  useEffect(() => {
    if (path === '/') void landing()
  }, [path])
  if (path === '/') return <Loading />
  if (path === '/login') return <LoginPage next={query.get('next')} />
  const setup = /^\/setup(?:\/([^/]+))?\/?$/.exec(path)
  if (setup) return <SetupPage token={decode(setup[1]) || query.get('token') || ''} />
  const invite = /^\/invite\/([^/]+)\/?$/.exec(path)
  if (invite) return <InvitePage token={decode(invite[1])} />
  const share = /^\/share\/([^/]+)(\/heatmap)?\/?$/.exec(path)
  if (share)
    return <SharePage key={share[1]} token={decode(share[1])} tab={share[2] ? 'heatmap' : 'dashboard'} />
  return <Private path={path} />
}

setUnauthorizedHandler(() => {
  // A share view has no session to lose; everything else goes back to login.
  if (!location.pathname.startsWith('/share/')) signedOut()
})
interceptLinks()
const root = document.getElementById('app')
if (root) {
  root.textContent = ''
  render(<App />, root)
}
