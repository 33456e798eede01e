import { useState } from 'preact/hooks'

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

/** Copies `text`; says so for two seconds, or asks the user to copy by hand when not allowed. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'ok' | 'fail'>('idle')
  return (
    <button
      type="button"
      class="btn btn-small"
      onClick={async () => {
        setState((await writeClipboard(text)) ? 'ok' : 'fail')
        setTimeout(() => setState('idle'), 2000)
      }}
    >
      {state === 'ok' ? 'Copied' : state === 'fail' ? 'Select and copy' : label}
    </button>
  )
}

/** The tracking snippet in a read-only box with a copy button. */
export function Snippet({ snippet }: { snippet: string }) {
  return (
    <div class="snippet">
      <pre>
        <code>{snippet}</code>
      </pre>
      <CopyButton text={snippet} label="Copy snippet" />
    </div>
  )
}
