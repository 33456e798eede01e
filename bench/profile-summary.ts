/**
 * Summarises a V8 `.cpuprofile` (from `--cpu-prof`): self time per function and per file, so
 * the ingest bench can say where the server spends its CPU.
 * `tsx bench/profile-summary.ts <file.cpuprofile> [top]`
 */
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

interface Profile {
  nodes: Node[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** Self time per function and per file, in ms, largest first. */
export function summarise(p: Profile) {
  const selfUs = new Map<number, number>()
  const samples = p.samples ?? []
  const deltas = p.timeDeltas ?? []
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0))
  }
  const byFn = new Map<string, number>()
  const byFile = new Map<string, number>()
  let total = 0
  for (const n of p.nodes) {
    const us = selfUs.get(n.id) ?? 0
    total += us
    const file =
      n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, 'node_modules/') || '(native)'
    const shortFile = file.replace(/^\/work\/main\//, '')
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${shortFile}:${n.callFrame.lineNumber + 1}`
    byFn.set(fn, (byFn.get(fn) ?? 0) + us)
    const pkg = shortFile.startsWith('node_modules/')
      ? shortFile
          .split('/')
          .slice(0, shortFile.startsWith('node_modules/@') ? 3 : 2)
          .join('/')
      : shortFile
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + us)
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ name: k, ms: Math.round(us / 1000), pct: (100 * us) / total }))
  // Inclusive time of the project's own functions (self + callees), counted once per stack.
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const inclusive = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame
      if (!f || !/\/(server|scripts)\//.test(f.url) || f.url.includes('node_modules')) continue
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(server|scripts)\//, '$1/')}:${f.lineNumber + 1}`
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + us)
    }
  }
  return {
    totalMs: Math.round(total / 1000),
    functions: top(byFn),
    files: top(byFile),
    inclusive: top(inclusive),
  }
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const file = process.argv[2]
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]')
  const n = Number(process.argv[3] ?? 25)
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile)
  console.log(`total sampled: ${s.totalMs} ms`)
  console.log('\nby file/package (self time):')
  for (const f of s.files.slice(0, n))
    console.log(`  ${f.pct.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}`)
  console.log('\nproject functions (inclusive time):')
  for (const f of s.inclusive.slice(0, n))
    console.log(`  ${f.pct.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}`)
  console.log('\nby function (self time):')
  for (const f of s.functions.slice(0, n))
    console.log(`  ${f.pct.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}`)
}
