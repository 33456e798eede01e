import { useState } from 'preact/hooks'
import { Snippet } from '../components/copy-button.tsx'
import { Field, Form } from '../components/form.tsx'
import { api } from '../lib/api.ts'
import { navigate } from '../lib/router.ts'
import type { PrivacyPolicy, SiteDetail, SiteSettings } from '../lib/types.ts'
import { TimezoneList } from './add-site.tsx'
import { KeysSection, MembersSection, SharesSection } from './settings-access.tsx'

function PolicySelect({ name, value, label }: { name: string; value: PrivacyPolicy; label: string }) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      <select class="input" name={name} value={value}>
        <option value="default">Server default</option>
        <option value="drop">Do not count these visits</option>
        <option value="keep">Count them anyway</option>
      </select>
    </label>
  )
}

function GeneralSection({ site, onSaved }: { site: SiteSettings; onSaved: (s: SiteSettings) => void }) {
  const [saved, setSaved] = useState(false)
  return (
    <section class="card" aria-labelledby="s-general">
      <h2 id="s-general">General and privacy</h2>
      <Form
        submit="Save settings"
        onSubmit={async (v, form) => {
          setSaved(false)
          const framing =
            (form.elements.namedItem('allowFraming') as HTMLInputElement | null)?.checked ?? false
          const body: Partial<SiteSettings> = {
            name: v.name ?? site.name,
            timezone: v.timezone ?? site.timezone,
            retentionDays: Number(v.retentionDays),
            allowedHostnames: (v.allowedHostnames ?? '')
              .split(/[\s,]+/)
              .map((h) => h.trim())
              .filter(Boolean),
            kBreakdown: Number(v.kBreakdown),
            kHeatmap: Number(v.kHeatmap),
            gpcPolicy: v.gpcPolicy as PrivacyPolicy,
            dntPolicy: v.dntPolicy as PrivacyPolicy,
            allowFraming: framing,
          }
          const r = await api<{ site?: SiteSettings } | null>(
            `/api/sites/${encodeURIComponent(site.domain)}`,
            {
              method: 'PATCH',
              body,
            },
          )
          onSaved(r?.site ?? { ...site, ...body })
          setSaved(true)
        }}
      >
        <div class="form-grid">
          <Field label="Name" name="name" value={site.name} required />
          <Field label="Time zone" name="timezone" value={site.timezone} list="timezones" required />
          <Field
            label="Keep data for (days)"
            name="retentionDays"
            type="number"
            value={String(site.retentionDays)}
            required
            hint="Older events are deleted automatically."
          />
          <Field
            label="Allowed hostnames"
            name="allowedHostnames"
            value={site.allowedHostnames.join(', ')}
            hint="Comma separated; empty = the domain and its subdomains."
          />
          <Field
            label="Minimum visitors per breakdown row (k)"
            name="kBreakdown"
            type="number"
            value={String(site.kBreakdown)}
            hint="Rows with fewer visitors are hidden. 0 = show all."
          />
          <Field
            label="Minimum clicks per heatmap cell (k)"
            name="kHeatmap"
            type="number"
            value={String(site.kHeatmap)}
            hint="Cells with fewer clicks are not drawn."
          />
          <PolicySelect name="gpcPolicy" value={site.gpcPolicy} label="Global Privacy Control (Sec-GPC: 1)" />
          <PolicySelect name="dntPolicy" value={site.dntPolicy} label="Do Not Track (DNT: 1)" />
        </div>
        <label class="toggle">
          <input type="checkbox" name="allowFraming" checked={site.allowFraming} />
          Allow framing: draw heatmaps over the live page in an iframe
        </label>
        <TimezoneList />
      </Form>
      {saved && (
        <p class="ok" role="status">
          Saved.
        </p>
      )}
    </section>
  )
}

function DeleteSection({ domain }: { domain: string }) {
  return (
    <section class="card danger" aria-labelledby="s-delete">
      <h2 id="s-delete">Delete site</h2>
      <p>This deletes the site and all its stats. It cannot be undone.</p>
      <Form
        submit="Delete site and all data"
        danger
        onSubmit={async (v) => {
          if (v.confirm !== domain) throw new Error(`Type ${domain} to confirm.`)
          await api(`/api/sites/${encodeURIComponent(domain)}`, {
            method: 'DELETE',
            body: { confirm: v.confirm },
          })
          navigate('/sites', true)
        }}
      >
        <Field label={`Type ${domain} to confirm`} name="confirm" required autocomplete="off" />
      </Form>
    </section>
  )
}

/** Site settings, for owners and admins only. */
export function SettingsPage({
  detail,
  onChange,
}: {
  detail: SiteDetail
  onChange: (d: SiteDetail) => void
}) {
  const domain = detail.site.domain
  return (
    <>
      <div class="dash-head">
        <div class="dash-title">
          <h1>Settings</h1>
          <a href={`/sites/${encodeURIComponent(domain)}`}>← {detail.site.name || domain}</a>
        </div>
      </div>
      <section class="card" aria-labelledby="s-snippet">
        <h2 id="s-snippet">Tracking snippet</h2>
        <p class="muted">Paste it into the &lt;head&gt; of every page of {domain}.</p>
        <Snippet snippet={detail.snippet} />
      </section>
      <GeneralSection site={detail.site} onSaved={(site) => onChange({ ...detail, site })} />
      <SharesSection domain={domain} />
      <MembersSection domain={domain} />
      <KeysSection domain={domain} />
      <DeleteSection domain={domain} />
    </>
  )
}
