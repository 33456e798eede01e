import { createContext } from 'preact'
import { useContext, useEffect } from 'preact/hooks'
import { toCsv } from './csv.ts'

/** One shown number: which section, which row, which metric. */
export type ExportRow = [section: string, name: string, metric: string, value: string | number]

/** Collects what each panel currently shows so "Export CSV" exports exactly the visible view. */
export class ExportRegistry {
  private sections = new Map<string, ExportRow[]>()
  private order: string[] = []

  set(section: string, rows: ExportRow[]): void {
    if (!this.sections.has(section)) this.order.push(section)
    this.sections.set(section, rows)
  }

  delete(section: string): void {
    this.sections.delete(section)
    this.order = this.order.filter((s) => s !== section)
  }

  /**
   * The CSV: a header and one row per shown number.
   *
   * @example
   * registry.csv() // 'section,name,metric,value\r\nSummary,Unique visitors,visitors,12\r\n...'
   */
  csv(): string {
    const rows: Array<ReadonlyArray<string | number>> = [['section', 'name', 'metric', 'value']]
    for (const s of this.order) rows.push(...(this.sections.get(s) ?? []))
    return toCsv(rows)
  }
}

export const ExportContext = createContext<ExportRegistry | null>(null)

/** Publishes a section's rows for export while the component shows them. */
export function useExport(section: string, rows: ExportRow[] | null): void {
  const registry = useContext(ExportContext)
  useEffect(() => {
    if (!registry) return
    if (rows) registry.set(section, rows)
    else registry.delete(section)
    return () => registry.delete(section)
  }, [registry, section, rows])
}
