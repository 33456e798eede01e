import type { ComponentChildren, InputHTMLAttributes } from 'preact'
import { useState } from 'preact/hooks'

/**
 * A form that runs `onSubmit` with the named field values, disables itself while busy and shows the
 * server's error message under the fields.
 */
export function Form({
  onSubmit,
  submit,
  children,
  class: cls = 'form',
  danger = false,
}: {
  onSubmit: (values: Record<string, string>, form: HTMLFormElement) => Promise<void>
  submit: string
  children: ComponentChildren
  class?: string
  /** Styles the submit button as destructive. */
  danger?: boolean
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  return (
    <form
      class={cls}
      onSubmit={async (e) => {
        e.preventDefault()
        const form = e.currentTarget as HTMLFormElement
        const values: Record<string, string> = {}
        new FormData(form).forEach((v, k) => {
          if (typeof v === 'string') values[k] = v
        })
        setBusy(true)
        setError('')
        try {
          await onSubmit(values, form)
        } catch (err) {
          setError((err as Error).message || 'Something went wrong.')
        } finally {
          setBusy(false)
        }
      }}
    >
      {children}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class={danger ? 'btn btn-destructive' : 'btn btn-primary'} disabled={busy}>
          {busy ? 'Working…' : submit}
        </button>
      </div>
    </form>
  )
}

/** A labelled input. */
export function Field({
  label,
  hint,
  ...input
}: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      <input class="input" {...input} />
      {hint && <span class="field-hint">{hint}</span>}
    </label>
  )
}
