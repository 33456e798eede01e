/**
 * Builds the tracker into `tracker/dist/` and measures it: every `<script>` variant, plus the ESM entry
 * (`tracker/dist/esm/index.js` + `index.d.ts`) behind `crumbless/tracker`. Used by `npm run size`, the
 * server build and the benchmarks.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import ts from 'typescript'
import { bundleEsm, bundleScript, ESM_SOURCE, VARIANTS } from '../tracker/build.ts'

export interface VariantSize {
  name: string
  /** File name in the output directory (served as `/js/<file>`). */
  file: string
  raw: number
  /** Bytes after gzip level 9. */
  gzip: number
  /** Bytes after brotli quality 11. */
  brotli: number
}

export const TRACKER_DIST = fileURLToPath(new URL('../tracker/dist/', import.meta.url))

/**
 * Sizes of one file's bytes, as the budget counts them.
 *
 * @example
 * sizes(new TextEncoder().encode('x')).gzip // 21
 */
export function sizes(code: Uint8Array): { raw: number; gzip: number; brotli: number } {
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
    }).length,
  }
}

/**
 * Builds every variant into `outdir` and returns their sizes, default build first.
 *
 * @example
 * const { variants } = await buildTracker()
 * variants[0] // { name: 'default', file: 'script.js', raw: 3100, gzip: 1350, brotli: 1180 }
 */
export async function buildTracker(outdir = TRACKER_DIST): Promise<{ variants: VariantSize[] }> {
  mkdirSync(join(outdir, 'esm'), { recursive: true })
  const variants: VariantSize[] = []
  for (const v of VARIANTS) {
    const code = await bundleScript(v)
    writeFileSync(join(outdir, v.file), code)
    variants.push({ name: v.name, file: v.file, ...sizes(code) })
  }
  writeFileSync(join(outdir, 'esm/index.js'), await bundleEsm())
  const dts = ts.transpileDeclaration(readFileSync(ESM_SOURCE, 'utf8'), {
    fileName: ESM_SOURCE,
    compilerOptions: { target: ts.ScriptTarget.ES2022, allowImportingTsExtensions: true },
  })
  writeFileSync(join(outdir, 'esm/index.d.ts'), dts.outputText)
  return { variants }
}
