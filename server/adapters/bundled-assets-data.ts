/**
 * Placeholder: `scripts/build-runtimes.ts` replaces this module in the edge bundles with the
 * tracker and dashboard files read from `tracker/dist/` and `dashboard/dist/` at build time.
 * Unbundled (tests, typecheck), there are no bundled assets.
 */
import type { BundledAsset } from './bundled-assets.ts'

export const ASSET_DATA: readonly BundledAsset[] = []
