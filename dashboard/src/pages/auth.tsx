import { useState } from 'preact/hooks'
import { Field, Form } from '../components/form.tsx'
import { Layout } from '../components/layout.tsx'
import { ErrorBox, Loading } from '../components/states.tsx'
import { api } from '../lib/api.ts'
import { useAsync } from '../lib/hooks.ts'
import { navigate } from '../lib/router.ts'
import { signedIn, type User } from '../lib/session.ts'

type AuthAnswer = { user: User; csrf: string }

/** Only same-site paths are followed after login (no open redirect). */
function safeNext(next: string | null): string {
  return next && /^\/(?!\/)[^\\]*$/.test(next) && !next.startsWith('/login') ? next : '/sites'
}

export function LoginPage({ next }: { next: string | null }) {
  return (
    <Layout title="Log in">
      <section class="card card-narrow">
        <h1>Log in</h1>
        <Form
          submit="Log in"
          onSubmit={async (v) => {
            signedIn(await api<AuthAnswer>('/api/auth/login', { method: 'POST', body: v }))
            navigate(safeNext(next), true)
          }}
        >
          <Field label="Email" name="email" type="email" autocomplete="username" required autofocus />
          <Field label="Password" name="password" type="password" autocomplete="current-password" required />
        </Form>
      </section>
    </Layout>
  )
}

/** First start: the one-time token from the server log creates the first (admin) account. */
export function SetupPage({ token }: { token: string }) {
  const setup = useAsync('setup', () => api<{ needed: boolean }>('/api/setup'))
  return (
    <Layout title="Set up">
      <section class="card card-narrow">
        <h1>Welcome to crumbless</h1>
        {setup.loading && <Loading />}
        {setup.error && <ErrorBox error={setup.error} retry={setup.reload} />}
        {setup.data && !setup.data.needed && (
          <p>
            Setup is already done. <a href="/login">Log in</a> instead.
          </p>
        )}
        {setup.data?.needed && (
          <>
            <p class="muted">
              Create the administrator account. The setup link from the server log works once.
            </p>
            <Form
              submit="Create account"
              onSubmit={async (v) => {
                signedIn(await api<AuthAnswer>('/api/setup', { method: 'POST', body: v }))
                navigate('/sites/new', true)
              }}
            >
              <Field
                label="Setup token"
                name="token"
                value={token}
                required
                hint="Printed in the server log."
              />
              <Field label="Email" name="email" type="email" autocomplete="username" required />
              <Field
                label="Password"
                name="password"
                type="password"
                autocomplete="new-password"
                minLength={8}
                required
                hint="At least 8 characters."
              />
            </Form>
          </>
        )}
      </section>
    </Layout>
  )
}

/** An invited member sets a password through the one-time invite link. */
export function InvitePage({ token }: { token: string }) {
  const path = `/api/invite/${encodeURIComponent(token)}`
  const invite = useAsync(path, (signal) => api<{ email: string }>(path, { signal }))
  return (
    <Layout title="Accept invite">
      <section class="card card-narrow">
        <h1>Join crumbless</h1>
        {invite.loading && <Loading compact />}
        {invite.error && <ErrorBox error={invite.error} />}
        {invite.data && (
          <p class="muted">
            Choose a password for <strong>{invite.data.email}</strong>.
          </p>
        )}
        {invite.data && (
          <Form
            submit="Set password"
            onSubmit={async (v) => {
              signedIn(
                await api<AuthAnswer>(`/api/invite/${encodeURIComponent(token)}`, {
                  method: 'POST',
                  body: v,
                }),
              )
              navigate('/sites', true)
            }}
          >
            <Field
              label="Password"
              name="password"
              type="password"
              autocomplete="new-password"
              minLength={8}
              required
            />
          </Form>
        )}
      </section>
    </Layout>
  )
}

export function AccountPage({ email }: { email: string }) {
  const [done, setDone] = useState(false)
  return (
    <Layout title="Account">
      <h1>Account</h1>
      <section class="card card-narrow">
        <h2>Change password</h2>
        <p class="muted">Signed in as {email}.</p>
        <Form
          submit="Change password"
          onSubmit={async (v, form) => {
            setDone(false)
            // Every session ends on a password change; the answer carries the new one.
            signedIn(await api<AuthAnswer>('/api/auth/password', { method: 'POST', body: v }))
            form.reset()
            setDone(true)
          }}
        >
          <Field
            label="Current password"
            name="current"
            type="password"
            autocomplete="current-password"
            required
          />
          <Field
            label="New password"
            name="next"
            type="password"
            autocomplete="new-password"
            minLength={8}
            required
          />
        </Form>
        {done && (
          <p class="ok" role="status">
            Password changed.
          </p>
        )}
      </section>
    </Layout>
  )
}
