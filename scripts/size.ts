/**
 * `npm run size`: builds the tracker, prints raw / gzip -9 / brotli bytes per variant and fails when the
 * default build is over budget.
 */
import { BUDGET_GZIP } from '../tracker/build.ts'
import { buildTracker } from './build-tracker.ts'

const { variants } = await buildTracker()
const pad = (s: string | number, n: number) => String(s).padStart(n)
console.log(
  `${'variant'.padEnd(12)}${'file'.padEnd(22)}${pad('raw', 7)}${pad('gzip -9', 9)}${pad('brotli', 8)}`,
)
for (const v of variants) {
  console.log(`${v.name.padEnd(12)}${v.file.padEnd(22)}${pad(v.raw, 7)}${pad(v.gzip, 9)}${pad(v.brotli, 8)}`)
}
const main = variants[0]!
if (main.gzip > BUDGET_GZIP) {
  console.error(`\n${main.file} is ${main.gzip} B gzip -9, over the ${BUDGET_GZIP} B budget`)
  process.exit(1)
}
console.log(
  `\n${main.file}: ${main.gzip} B gzip -9, budget ${BUDGET_GZIP} B (${BUDGET_GZIP - main.gzip} B left)`,
)
