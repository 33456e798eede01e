import { useState } from 'preact/hooks'
import { Snippet } from '../components/copy-button.tsx'
import { Field, Form } from '../components/form.tsx'
import { Layout } from '../components/layout.tsx'
import { api } from '../lib/api.ts'
import { useInterval } from '../lib/hooks.ts'

/**
 * The exact tag a site owner pastes; `PUBLIC_URL` is this dashboard's origin.
 *
 * @example
 * snippetFor('example.com', 'https://stats.example.org')
 */
export function snippetFor(domain: string, origin = location.origin): string {
  return `<script defer data-domain="${domain}" src="${origin}/js/script.js"></script>`
}

/** Polls until the first pageview arrives, then turns green. */
export function FirstPageview({ domain }: { domain: string }) {
  const [received, setReceived] = useState(false)
  useInterval(
    () => {
      if (received) return
      api<{ received: boolean }>(`/api/sites/${encodeURIComponent(domain)}/first-pageview`).then(
        (r) => r.received && setReceived(true),
        () => {},
      )
    },
    3000,
    [domain, received],
  )
  return (
    <p
      class={received ? 'waiting waiting-ok' : 'waiting'}
      role="status"
      aria-live="polite"
      data-testid="first-pageview"
    >
      <span class="waiting-dot" aria-hidden="true" />
      {received ? (
        <>
          First pageview received. <a href={`/sites/${encodeURIComponent(domain)}`}>Open the dashboard</a>
        </>
      ) : (
        'Waiting for the first pageview…'
      )}
    </p>
  )
}

const TIMEZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone')
  } catch {
    return ['UTC']
  }
})()

export function TimezoneList() {
  return (
    <datalist id="timezones">
      {TIMEZONES.map((tz) => (
        <option key={tz} value={tz} />
      ))}
    </datalist>
  )
}

export function AddSitePage() {
  const [created, setCreated] = useState<{ domain: string; snippet: string } | null>(null)
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  return (
    <Layout title="Add a site">
      <h1>Add a site</h1>
      {!created && (
        <section class="card card-narrow">
          <Form
            submit="Add site"
            onSubmit={async (v) => {
              const domain = (v.domain ?? '')
                .trim()
                .toLowerCase()
                .replace(/^https?:\/\//, '')
                .replace(/\/.*$/, '')
              const r = await api<{ site?: { domain: string } } | null>('/api/sites', {
                method: 'POST',
                body: { domain, timezone: v.timezone || 'UTC' },
              })
              const d = r?.site?.domain ?? domain
              // The server knows PUBLIC_URL, so its snippet is the one to paste.
              const detail = await api<{ snippet?: string }>(`/api/sites/${encodeURIComponent(d)}`).catch(
                () => null,
              )
              setCreated({ domain: d, snippet: detail?.snippet ?? snippetFor(d) })
            }}
          >
            <Field
              label="Domain"
              name="domain"
              placeholder="example.com"
              required
              autofocus
              hint="Without https:// or www."
            />
            <Field
              label="Time zone"
              name="timezone"
              value={tz}
              list="timezones"
              required
              hint="Days and hours are counted in this zone."
            />
            <TimezoneList />
          </Form>
        </section>
      )}
      {created && (
        <section class="card">
          <h2>Paste this into the &lt;head&gt; of {created.domain}</h2>
          <Snippet snippet={created.snippet} />
          <FirstPageview domain={created.domain} />
          <p>
            <a href={`/sites/${encodeURIComponent(created.domain)}`}>Go to the dashboard</a> ·{' '}
            <a href="/sites">All sites</a>
          </p>
        </section>
      )}
    </Layout>
  )
}
