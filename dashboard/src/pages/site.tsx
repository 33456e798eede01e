import { useEffect, useState } from 'preact/hooks'
import { Field, Form } from '../components/form.tsx'
import { Layout } from '../components/layout.tsx'
import { ErrorBox, Loading } from '../components/states.tsx'
import { api, setShareToken } from '../lib/api.ts'
import { useAsync } from '../lib/hooks.ts'
import type { SiteDetail } from '../lib/types.ts'
import { SiteDashboard } from './dashboard.tsx'
import { HeatmapPage } from './heatmap.tsx'
import { SettingsPage } from './settings.tsx'

export type SiteTab = 'dashboard' | 'heatmap' | 'settings'

/** A logged-in user's view of one site: dashboard, heatmaps or (owners) settings. */
export function SitePage({ domain, tab }: { domain: string; tab: SiteTab }) {
  const path = `/api/sites/${encodeURIComponent(domain)}`
  const res = useAsync(path, (signal) => api<SiteDetail>(path, { signal }))
  const [detail, setDetail] = useState<SiteDetail | null>(null)
  useEffect(() => setDetail(res.data ?? null), [res.data])
  const d = detail ?? res.data
  const base = `/sites/${encodeURIComponent(domain)}`
  const canManage = d?.role === 'owner' || d?.role === 'admin'
  return (
    <Layout title={d?.site.name ?? domain}>
      {res.error && <ErrorBox error={res.error} retry={res.reload} />}
      {!d && !res.error && <Loading />}
      {d && tab === 'dashboard' && (
        <SiteDashboard site={d.site} base={base} settingsHref={canManage ? `${base}/settings` : null} />
      )}
      {d && tab === 'heatmap' && <HeatmapPage site={d.site} base={base} allowFraming={d.site.allowFraming} />}
      {d && tab === 'settings' && canManage && <SettingsPage detail={d} onChange={setDetail} />}
      {d && tab === 'settings' && !canManage && (
        <ErrorBox error={new Error('Only owners of this site can change its settings.')} />
      )}
    </Layout>
  )
}

interface ShareInfo {
  site: { domain: string; name: string; timezone: string }
  needsPassword: boolean
}

/** The read-only shared view: same dashboard, no settings, no account links. */
export function SharePage({ token, tab }: { token: string; tab: 'dashboard' | 'heatmap' }) {
  const path = `/api/share/${encodeURIComponent(token)}`
  const info = useAsync(path, (signal) => api<ShareInfo>(path, { signal }))
  const [unlocked, setUnlocked] = useState(false)
  setShareToken(token)
  useEffect(() => () => setShareToken(''), [])
  const base = `/share/${encodeURIComponent(token)}`
  const site = info.data?.site
  return (
    <Layout title={site?.name ?? 'Shared dashboard'}>
      {info.error && (
        <ErrorBox
          error={
            info.error.message === 'Not found.'
              ? new Error('This shared link does not exist or was revoked.')
              : info.error
          }
        />
      )}
      {!info.data && !info.error && <Loading />}
      {site && info.data?.needsPassword && !unlocked && (
        <section class="card card-narrow">
          <h1>{site.name || site.domain}</h1>
          <p class="muted">This shared dashboard is protected by a password.</p>
          <Form
            submit="View dashboard"
            onSubmit={async (v) => {
              await api(`${path}/auth`, { method: 'POST', body: v })
              setUnlocked(true)
            }}
          >
            <Field label="Password" name="password" type="password" required autofocus />
          </Form>
        </section>
      )}
      {site && (!info.data?.needsPassword || unlocked) && (
        <>
          <p class="share-banner">Shared, read-only view of {site.name || site.domain}</p>
          {tab === 'dashboard' ? (
            <SiteDashboard site={site} base={base} settingsHref={null} />
          ) : (
            <HeatmapPage site={site} base={base} allowFraming={false} />
          )}
        </>
      )}
    </Layout>
  )
}
