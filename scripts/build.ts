/**
 * `npm run build`: the tracker into `tracker/dist/` and the dashboard into `dashboard/dist/`, which the
 * Node adapter serves under `/js/` and `/ui/`.
 */
import { buildDashboard } from '../dashboard/build.ts'
import { buildTracker } from './build-tracker.ts'

const tracker = await buildTracker()
for (const v of tracker.variants)
  console.log(`tracker   ${v.file.padEnd(26)}${String(v.gzip).padStart(7)} B gzip`)
const dashboard = await buildDashboard()
for (const f of dashboard.files) {
  console.log(`dashboard ${f.name.padEnd(26)}${String(f.gzip).padStart(7)} B gzip (${f.bytes} B raw)`)
}
console.log(`dashboard first load: ${dashboard.firstLoadGzip} B gzip`)
