import { ensureAssets } from '../../scripts/assets.ts'

/** Builds the tracker and dashboard once before any test file starts a server that serves them. */
export default async function setup(): Promise<void> {
  await ensureAssets(true)
}
