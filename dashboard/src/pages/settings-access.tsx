import { useState } from 'preact/hooks'
import { CopyButton } from '../components/copy-button.tsx'
import { Field, Form } from '../components/form.tsx'
import { Empty, ErrorBox, Loading } from '../components/states.tsx'
import { api } from '../lib/api.ts'
import { useAsync } from '../lib/hooks.ts'
import type { ApiKey, Member, Share } from '../lib/types.ts'

function when(t: string | number): string {
  const d = new Date(typeof t === 'number' && t < 1e12 ? t * 1000 : t)
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' })
}

function RemoveButton({
  label,
  onRemove,
  text = 'Remove',
}: {
  label: string
  onRemove: () => Promise<unknown>
  text?: string
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  return (
    <>
      <button
        type="button"
        class="btn btn-small btn-danger"
        aria-label={label}
        disabled={busy}
        onClick={async () => {
          setBusy(true)
          setError('')
          try {
            await onRemove()
          } catch (err) {
            setError((err as Error).message)
            setBusy(false)
          }
        }}
      >
        {busy ? '…' : text}
      </button>
      {error && <span class="form-error">{error}</span>}
    </>
  )
}

export function SharesSection({ domain }: { domain: string }) {
  const path = `/api/sites/${encodeURIComponent(domain)}/shares`
  const list = useAsync(path, (signal) => api<{ shares: Share[] }>(path, { signal }))
  return (
    <section class="card" aria-labelledby="s-shares">
      <h2 id="s-shares">Shared links</h2>
      <p class="muted">A shared link shows this dashboard read-only to anyone who has it.</p>
      {list.loading && !list.data && <Loading compact />}
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.data && list.data.shares.length === 0 && <Empty>No shared links.</Empty>}
      {list.data && list.data.shares.length > 0 && (
        <ul class="item-list">
          {list.data.shares.map((s) => (
            <li key={s.id} class="item">
              <code class="item-main">{s.url}</code>
              <span class="muted small">
                {s.hasPassword ? 'password · ' : ''}
                {when(s.createdAt)}
              </span>
              <CopyButton text={s.url} />
              <RemoveButton
                label="Revoke shared link"
                text="Revoke"
                onRemove={async () => {
                  await api(`${path}/${encodeURIComponent(s.id)}`, { method: 'DELETE' })
                  list.reload()
                }}
              />
            </li>
          ))}
        </ul>
      )}
      <Form
        class="form form-row"
        submit="Create link"
        onSubmit={async (v, form) => {
          await api(path, { method: 'POST', body: v.password ? { password: v.password } : {} })
          form.reset()
          list.reload()
        }}
      >
        <Field label="Password (optional)" name="password" type="password" autocomplete="new-password" />
      </Form>
    </section>
  )
}

export function MembersSection({ domain }: { domain: string }) {
  const path = `/api/sites/${encodeURIComponent(domain)}/members`
  const list = useAsync(path, (signal) => api<{ members: Member[] }>(path, { signal }))
  const [invite, setInvite] = useState('')
  return (
    <section class="card" aria-labelledby="s-members">
      <h2 id="s-members">Members</h2>
      {list.loading && !list.data && <Loading compact />}
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.data && (
        <ul class="item-list">
          {list.data.members.map((m) => (
            <li key={m.userId} class="item">
              <span class="item-main">{m.email}</span>
              <span class="badge">{m.role}</span>
              <RemoveButton
                label={`Remove ${m.email}`}
                onRemove={async () => {
                  await api(`${path}/${encodeURIComponent(m.userId)}`, { method: 'DELETE' })
                  list.reload()
                }}
              />
            </li>
          ))}
        </ul>
      )}
      <Form
        class="form form-row"
        submit="Invite"
        onSubmit={async (v, form) => {
          setInvite('')
          const r = await api<{ inviteUrl?: string } | null>(path, { method: 'POST', body: v })
          if (r?.inviteUrl) setInvite(r.inviteUrl)
          form.reset()
          list.reload()
        }}
      >
        <Field label="Email" name="email" type="email" required />
        <label class="field">
          <span class="field-label">Role</span>
          <select class="input" name="role">
            <option value="viewer">Viewer</option>
            <option value="owner">Owner</option>
          </select>
        </label>
      </Form>
      {invite && (
        <div class="secret" role="status">
          <p>Send this one-time link to the new member so they can choose a password:</p>
          <code>{invite}</code> <CopyButton text={invite} />
        </div>
      )}
    </section>
  )
}

export function KeysSection({ domain }: { domain: string }) {
  const list = useAsync('keys', (signal) => api<{ keys: ApiKey[] }>('/api/keys', { signal }))
  const [secret, setSecret] = useState('')
  const keys = (list.data?.keys ?? []).filter((k) => k.sites.includes(domain))
  return (
    <section class="card" aria-labelledby="s-keys">
      <h2 id="s-keys">Stats API keys</h2>
      <p class="muted">
        Keys read this site's stats through <code>/api/v1/stats/*</code> with{' '}
        <code>Authorization: Bearer</code>.
      </p>
      {list.loading && !list.data && <Loading compact />}
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.data && keys.length === 0 && <Empty>No keys for this site.</Empty>}
      {keys.length > 0 && (
        <ul class="item-list">
          {keys.map((k) => (
            <li key={k.id} class="item">
              <span class="item-main">{k.name}</span>
              <span class="muted small">{when(k.createdAt)}</span>
              <RemoveButton
                label={`Revoke key ${k.name}`}
                text="Revoke"
                onRemove={async () => {
                  await api(`/api/keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' })
                  list.reload()
                }}
              />
            </li>
          ))}
        </ul>
      )}
      <Form
        class="form form-row"
        submit="Create key"
        onSubmit={async (v, form) => {
          const r = await api<{ secret: string }>('/api/keys', {
            method: 'POST',
            body: { name: v.name, sites: [domain] },
          })
          setSecret(r.secret)
          form.reset()
          list.reload()
        }}
      >
        <Field label="Key name" name="name" required />
      </Form>
      {secret && (
        <div class="secret" role="status">
          <p>Copy the key now; it is not shown again:</p>
          <code data-testid="api-secret">{secret}</code> <CopyButton text={secret} />
        </div>
      )}
    </section>
  )
}
