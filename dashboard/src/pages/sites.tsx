import { Layout } from '../components/layout.tsx'
import { Sparkline } from '../components/sparkline.tsx'
import { Empty, ErrorBox, Loading } from '../components/states.tsx'
import { api, statsUrl } from '../lib/api.ts'
import { formatCount } from '../lib/format.ts'
import { useAsync } from '../lib/hooks.ts'
import type { Row, SiteSummary } from '../lib/types.ts'

function SiteCard({ site }: { site: SiteSummary }) {
  const url = statsUrl('timeseries', { site_id: site.domain, period: '7d', metrics: 'visitors' })
  const series = useAsync(url, (signal) => api<{ results: Row[] }>(url, { signal }))
  const values = (series.data?.results ?? []).map((r) => Number(r.visitors ?? 0))
  const total = values.reduce((a, b) => a + b, 0)
  return (
    <li class="site-card">
      <a class="site-card-link" href={`/sites/${encodeURIComponent(site.domain)}`}>
        <span class="site-card-name">{site.name || site.domain}</span>
        <span class="site-card-domain muted">{site.domain}</span>
      </a>
      <div class="site-card-stats">
        {series.loading && <Loading compact label="Loading trend" />}
        {series.error && <span class="muted small">Trend unavailable</span>}
        {series.data && (
          <>
            <span class="site-card-count" data-testid="site-visitors">
              <strong>{formatCount(total)}</strong> <span class="muted small">visitors · 7 days</span>
            </span>
            <Sparkline values={values} label={`Visitors over the last 7 days on ${site.domain}`} />
          </>
        )}
      </div>
    </li>
  )
}

export function SitesPage() {
  const sites = useAsync('sites', (signal) => api<{ sites: SiteSummary[] }>('/api/sites', { signal }))
  return (
    <Layout title="Sites">
      <div class="page-head">
        <h1>Sites</h1>
        <a class="btn btn-primary" href="/sites/new">
          Add a site
        </a>
      </div>
      {sites.loading && !sites.data && <Loading />}
      {sites.error && <ErrorBox error={sites.error} retry={sites.reload} />}
      {sites.data && sites.data.sites.length === 0 && (
        <Empty>
          No sites yet. <a href="/sites/new">Add your first site</a> to start counting visits.
        </Empty>
      )}
      {sites.data && sites.data.sites.length > 0 && (
        <ul class="site-list">
          {sites.data.sites.map((s) => (
            <SiteCard key={s.domain} site={s} />
          ))}
        </ul>
      )}
    </Layout>
  )
}
