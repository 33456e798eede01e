import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/**
 * Builds the tracker and the dashboard when their output is missing (a fresh clone), so
 * `npm start` and `crumbless serve` work without a separate build step. esbuild takes ~1 s.
 */
export async function ensureAssets(force = false): Promise<string[]> {
  const built: string[] = []
  if (force || !existsSync(`${ROOT}tracker/dist/script.js`)) {
    const { buildTracker } = await import('./build-tracker.ts')
    await buildTracker()
    built.push('tracker')
  }
  if (force || !existsSync(`${ROOT}dashboard/dist/index.html`)) {
    const { buildDashboard } = await import('./build-dashboard.ts')
    await buildDashboard()
    built.push('dashboard')
  }
  return built
}
