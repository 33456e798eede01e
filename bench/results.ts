import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Machine } from './machine.ts'

export const RESULTS_JSON = fileURLToPath(new URL('./results.json', import.meta.url))
export const RESULTS_MD = fileURLToPath(new URL('./results.md', import.meta.url))

/** One bar from the benchmarks issue, checked against a measured figure. */
export interface TargetCheck {
  name: string
  target: string
  actual: string
  met: boolean
}

/** A markdown-ready table: a header row and body rows. */
export interface Table {
  title: string
  head: string[]
  rows: Array<Array<string | number>>
}

export interface Section {
  ranAt: string
  machine: Machine
  params: Record<string, unknown>
  /** Machine-readable figures (the tables are derived from the same data). */
  figures: Record<string, unknown>
  tables: Table[]
  targets: TargetCheck[]
  notes: string[]
}

export type Results = Partial<Record<'ingest' | 'query' | 'size', Section>>

/** Checks `actual <op> limit` and formats both sides for the report. */
export function check(
  name: string,
  actual: number,
  op: '<=' | '>=' | '==',
  limit: number,
  unit = '',
  digits = 0,
): TargetCheck {
  const fmt = (n: number) => `${n.toLocaleString('en-US', { maximumFractionDigits: digits })}${unit}`
  const met = op === '<=' ? actual <= limit : op === '>=' ? actual >= limit : actual === limit
  return { name, target: `${op} ${fmt(limit)}`, actual: fmt(actual), met }
}

export function printTargets(targets: TargetCheck[]): void {
  for (const t of targets) {
    console.log(`  ${t.met ? 'MET   ' : 'MISSED'} ${t.name}: ${t.actual} (target ${t.target})`)
  }
}

/** Renders a table the way `biome format` lays markdown out (padded columns), so lint stays clean. */
function renderTable(t: Table): string {
  const cells = [t.head, ...t.rows].map((r) => r.map((c) => String(c).replace(/\|/g, '\\|')))
  const widths = t.head.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => `| ${widths.map((w, i) => (r[i] ?? '').padEnd(w)).join(' | ')} |`
  const [head = [], ...body] = cells
  return [`**${t.title}**`, '', line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join(
    '\n',
  )
}

function renderSection(name: string, s: Section): string {
  const m = s.machine
  const parts = [
    `## ${name}`,
    '',
    `Ran ${s.ranAt} on ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB RAM, Node ${m.node}, load average ${m.load1 ?? '?'} at start.`,
    '',
    `Parameters: ${Object.entries(s.params)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ')}`,
    '',
  ]
  if (s.targets.length > 0) {
    parts.push(
      renderTable({
        title: 'Targets',
        head: ['target', 'bar', 'measured', 'status'],
        rows: s.targets.map((t) => [t.name, t.target, t.actual, t.met ? 'met' : '**missed**']),
      }),
      '',
    )
  }
  for (const t of s.tables) parts.push(renderTable(t), '')
  if (s.notes.length > 0) parts.push(...s.notes.map((n) => `- ${n}`), '')
  return parts.join('\n')
}

/** Merges one bench's section into results.json and rewrites results.md from the whole file. */
export function saveSection(key: keyof Results, section: Section): void {
  const all: Results = existsSync(RESULTS_JSON)
    ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Results)
    : {}
  all[key] = section
  writeFileSync(RESULTS_JSON, `${JSON.stringify(all, null, 2)}\n`)
  const order: Array<[keyof Results, string]> = [
    ['ingest', 'Ingest'],
    ['query', 'Queries and storage'],
    ['size', 'Script and dashboard size'],
  ]
  const md = [
    '# crumbless benchmark results',
    '',
    'Written by `npm run bench` (`bench/run.ts`); the raw figures are in `bench/results.json`.',
    '',
    ...order.flatMap(([k, title]) => {
      const s = all[k]
      return s ? [renderSection(title, s)] : []
    }),
  ]
  writeFileSync(RESULTS_MD, md.join('\n'))
}

/** p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}
