import type { ComponentChildren } from 'preact'

/** A placeholder while data loads; announced politely to screen readers. */
export function Loading({ label = 'Loading…', compact = false }: { label?: string; compact?: boolean }) {
  return (
    <div class={compact ? 'state state-compact' : 'state'} role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  )
}

/** A readable failure with a retry; never a stack trace. */
export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <span>{error.message || 'Something went wrong.'}</span>
      {retry && (
        <button type="button" class="btn btn-small" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  )
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state state-empty">{children}</div>
}
