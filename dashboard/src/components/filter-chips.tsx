import { type Filter, propertyLabel } from '../lib/filters.ts'

/** The active filters as removable chips; each one is also in the URL. */
export function FilterChips({ filters, onRemove }: { filters: Filter[]; onRemove: (f: Filter) => void }) {
  if (filters.length === 0) return null
  return (
    <ul class="chips" aria-label="Active filters">
      {filters.map((f) => (
        <li key={`${f.property}${f.value}`} class="chip" data-testid="filter-chip">
          <span>
            {propertyLabel(f.property)} {f.negated ? 'is not' : 'is'} <strong>{f.value || '(none)'}</strong>
          </span>
          <button
            type="button"
            class="chip-remove"
            aria-label={`Remove filter ${propertyLabel(f.property)} ${f.value}`}
            onClick={() => onRemove(f)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
