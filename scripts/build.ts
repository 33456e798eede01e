/**
 * `npm run build`: the tracker variants, the dashboard and one bundle per edge runtime,
 * with their sizes.
 */
import { buildDashboard } from './build-dashboard.ts'
import { buildRuntimes, shown } from './build-runtimes.ts'
import { buildTracker } from './build-tracker.ts'

const { variants } = await buildTracker()
for (const v of variants)
  console.log(`tracker ${v.file}: ${v.raw} B raw, ${v.gzip} B gzip -9, ${v.brotli} B brotli`)
const dash = await buildDashboard()
console.log(`dashboard: ${dash.files.length} files, first load ${dash.firstLoadGzip} B gzip`)
for (const r of await buildRuntimes()) console.log(`${r.runtime}: ${shown(r.file)} ${r.bytes} B`)
