/**
 * How the tracker is bundled: one minified ES2017 IIFE per variant, features switched by esbuild
 * `define` flags, plus the ESM entry for bundlers. Portable (no `node:` APIs): writing files and
 * measuring compressed sizes happen in `scripts/build-tracker.ts`.
 */
import { build } from 'esbuild'

/** A build-time feature switch (see `src/flags.d.ts`). */
export type Feature = 'engagement' | 'clicks' | 'links' | 'custom'

export interface Variant {
  /** Short name used in reports. */
  name: string
  /** Output file name in `tracker/dist/`, served by the server as `/js/<file>`. */
  file: string
  features: Feature[]
}

/** The builds. The default has everything; the last is the smallest (pageviews and SPA navigation). */
export const VARIANTS: Variant[] = [
  { name: 'default', file: 'script.js', features: ['engagement', 'clicks', 'links', 'custom'] },
  { name: 'no-clicks', file: 'script.no-clicks.js', features: ['engagement', 'links', 'custom'] },
  { name: 'pageviews', file: 'script.pageviews.js', features: [] },
]

/** Budget for the default build, bytes after gzip -9. */
export const BUDGET_GZIP = 1400

const SRC = decodeURIComponent(new URL('./src/', import.meta.url).pathname)
const ALL: Feature[] = ['engagement', 'clicks', 'links', 'custom']

const define = (features: Feature[]): Record<string, string> =>
  Object.fromEntries(ALL.map((f) => [`__${f.toUpperCase()}__`, String(features.includes(f))]))

/**
 * Bundles one `<script>` variant and returns its minified code.
 *
 * @example
 * const code = await bundleScript(VARIANTS[0]!)
 */
export async function bundleScript(variant: Variant): Promise<Uint8Array> {
  const out = await build({
    entryPoints: [`${SRC}main.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2017',
    minify: true,
    legalComments: 'none',
    // no tsconfig: its `strict` would add a "use strict" prologue the IIFE does not need
    tsconfigRaw: {},
    define: define(variant.features),
  })
  return out.outputFiles[0]!.contents
}

/**
 * Bundles the ESM entry (`crumbless/tracker`) with every feature on.
 *
 * @example
 * const code = await bundleEsm()
 */
export async function bundleEsm(): Promise<Uint8Array> {
  const out = await build({
    entryPoints: [`${SRC}esm.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2017',
    minifySyntax: true,
    define: define(ALL),
  })
  return out.outputFiles[0]!.contents
}

/** Absolute path of the ESM entry's source, for declaration emit. */
export const ESM_SOURCE = `${SRC}esm.ts`
