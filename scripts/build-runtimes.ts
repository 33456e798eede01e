/**
 * Builds one esbuild bundle per edge runtime into `dist/<runtime>/`:
 *
 * - `dist/workers/crumbless.js`: ES module Worker (`export default { fetch, scheduled }`); must
 *   contain no `chdb` and no `node:` module, and stay under {@link WORKERS_BUDGET_BYTES}.
 * - `dist/deno/crumbless.js`, `dist/bun/crumbless.js`: self-starting servers, each with the country
 *   database copied next to it (read with `Deno.readFile` / `Bun.file`).
 *
 * The tracker (`tracker/dist/`) and dashboard (`dashboard/dist/`) files are embedded in every bundle
 * as text (or base64 for binary files), since edge runtimes have no filesystem to serve them from.
 * Missing builds are made here first; a dashboard that fails to build is tolerated (the bundle
 * then serves the collector and the APIs, and app paths answer "not built").
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { extname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild'
import type { BundledAsset } from '../server/adapters/bundled-assets.ts'

export type Runtime = 'workers' | 'deno' | 'bun'

export interface RuntimeBuild {
  runtime: Runtime
  /** Absolute path of the bundle. */
  file: string
  bytes: number
}

export const ROOT = fileURLToPath(new URL('../', import.meta.url))
export const DIST = join(ROOT, 'dist')
/** Cloudflare's limit for a free-plan Worker is 3 MB compressed; crumbless keeps well below 1 MB raw. */
export const WORKERS_BUDGET_BYTES = 1_000_000
export const MMDB_NAME = 'geo-whois-asn-country.mmdb'

const TEXT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
}
const BINARY_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}
/** Same rule as the Node asset loader: content-hashed names are immutable. */
const HASHED = /\.[0-9a-f]{8,}\.[a-z]+$/i

function collect(dir: string, prefix: string, out: BundledAsset[]): void {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      collect(path, `${prefix}${entry.name}/`, out)
      continue
    }
    // Source maps and type declarations are for developers, not for the edge.
    if (entry.name.endsWith('.map') || entry.name.endsWith('.d.ts')) continue
    const ext = extname(entry.name)
    const cache = HASHED.test(entry.name) ? 'immutable' : 'short'
    const text = TEXT_TYPES[ext]
    const binary = BINARY_TYPES[ext]
    if (text)
      out.push({ path: `${prefix}${entry.name}`, type: text, cache, text: readFileSync(path, 'utf8') })
    else if (binary) {
      out.push({
        path: `${prefix}${entry.name}`,
        type: binary,
        cache,
        base64: readFileSync(path).toString('base64'),
      })
    }
  }
}

/** The static files embedded in the edge bundles. */
export function edgeAssets(root = ROOT): BundledAsset[] {
  const out: BundledAsset[] = []
  collect(join(root, 'tracker/dist'), '/js/', out)
  collect(join(root, 'dashboard/dist'), '/ui/', out)
  return out
}

/** Replaces the empty `bundled-assets-data.ts` with the files read now. */
function assetsPlugin(assets: BundledAsset[]): Plugin {
  return {
    name: 'crumbless-assets',
    setup(b) {
      b.onResolve({ filter: /[\\/]bundled-assets-data\.ts$/ }, (args) => ({
        path: args.path,
        namespace: 'crumbless-assets',
      }))
      b.onLoad({ filter: /.*/, namespace: 'crumbless-assets' }, () => ({
        contents: `export const ASSET_DATA = ${JSON.stringify(assets)}`,
        loader: 'js',
      }))
    },
  }
}

const NODE_BUILTINS = new Set(builtinModules)

/** Fails the Workers build when a `node:` module or a Node builtin is imported, or chDB is reachable. */
export function assertEdgeClean(meta: Metafile): void {
  const offenders = new Set<string>()
  for (const input of Object.keys(meta.inputs)) {
    if (/(^|[\\/])chdb([\\/]|$)/.test(input)) offenders.add(input)
  }
  for (const output of Object.values(meta.outputs)) {
    for (const imp of output.imports) {
      if (imp.path.startsWith('node:') || NODE_BUILTINS.has(imp.path) || imp.path.includes('chdb')) {
        offenders.add(imp.path)
      }
    }
  }
  if (offenders.size > 0) throw new Error(`the Workers bundle must not use: ${[...offenders].join(', ')}`)
}

const COMMON: BuildOptions = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'silent',
  write: false,
  // Web-flavoured builds of dependencies: no Node streams, no `process`.
  platform: 'neutral',
  mainFields: ['browser', 'module', 'main'],
}

const ADAPTERS = join(ROOT, 'server/adapters')

function startEntry(fn: 'startDenoServer' | 'startBunServer', file: string): BuildOptions['stdin'] {
  return {
    contents: `import { ${fn} } from ${JSON.stringify(join(ADAPTERS, file))}\nawait ${fn}()\n`,
    resolveDir: ROOT,
    sourcefile: `${file}-main.ts`,
    loader: 'ts',
  }
}

/** Writes via a temporary name, so a runtime starting meanwhile never reads half a file. */
function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, bytes)
  renameSync(tmp, file)
}

const RUNTIME_OPTIONS: Record<Runtime, BuildOptions> = {
  workers: { entryPoints: [join(ADAPTERS, 'workers.ts')], conditions: ['workerd', 'worker', 'browser'] },
  deno: {
    stdin: startEntry('startDenoServer', 'deno.ts'),
    conditions: ['deno', 'worker', 'browser'],
    external: ['node:*'],
  },
  bun: {
    stdin: startEntry('startBunServer', 'bun.ts'),
    conditions: ['bun', 'worker', 'browser'],
    external: ['node:*'],
  },
}

async function bundle(runtime: Runtime, outDir: string, assets: BundledAsset[]): Promise<RuntimeBuild> {
  const result = await build({ ...COMMON, ...RUNTIME_OPTIONS[runtime], plugins: [assetsPlugin(assets)] })
  if (runtime === 'workers') assertEdgeClean(result.metafile!)
  const out = result.outputFiles![0]!
  if (runtime === 'workers' && out.contents.length > WORKERS_BUDGET_BYTES) {
    throw new Error(`Workers bundle is ${out.contents.length} B, over the ${WORKERS_BUDGET_BYTES} B budget`)
  }
  const dir = join(outDir, runtime)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'crumbless.js')
  writeAtomic(file, out.contents)
  if (runtime !== 'workers') {
    const require = createRequire(import.meta.url)
    const mmdb = readFileSync(require.resolve(`@ip-location-db/geo-whois-asn-country-mmdb/${MMDB_NAME}`))
    const target = join(dir, MMDB_NAME)
    if (!existsSync(target) || statSync(target).size !== mmdb.length) writeAtomic(target, mmdb)
  }
  return { runtime, file, bytes: statSync(file).size }
}

/**
 * Bundles every edge runtime into `<outDir>/<runtime>/`; throws when the Workers bundle breaks its rules.
 *
 * @example
 * for (const b of await buildRuntimes()) console.log(b.runtime, b.bytes)
 */
export async function buildRuntimes(
  runtimes: readonly Runtime[] = ['workers', 'deno', 'bun'],
  outDir = DIST,
): Promise<RuntimeBuild[]> {
  if (!existsSync(join(ROOT, 'tracker/dist/script.js'))) {
    const { buildTracker } = await import('./build-tracker.ts')
    await buildTracker()
  }
  if (!existsSync(join(ROOT, 'dashboard/dist/index.html'))) {
    try {
      const { buildDashboard } = await import('./build-dashboard.ts')
      await buildDashboard()
    } catch (err) {
      // The collector and the APIs work without it; the app paths then answer "not built".
      console.warn(`dashboard not bundled: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  const assets = edgeAssets()
  const builds: RuntimeBuild[] = []
  for (const runtime of runtimes) builds.push(await bundle(runtime, outDir, assets))
  return builds
}

/** Paths relative to the repository, for reports. */
export function shown(file: string): string {
  return relative(ROOT, file)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const b of await buildRuntimes())
    console.log(`${b.runtime.padEnd(8)} ${shown(b.file).padEnd(28)} ${b.bytes} B`)
}
