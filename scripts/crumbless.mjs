#!/usr/bin/env node
// The `crumbless` bin (and `npm start`): compiles the TypeScript CLI with esbuild (~0.3 s) and runs
// it as plain JavaScript. A TypeScript loader in the server process (tsx registers its hooks on a
// thread of their own) costs about 45 MB of memory for as long as the server runs.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const CACHE = process.env.CRUMBLESS_BUILD_DIR ?? join(ROOT, 'node_modules', '.cache', 'crumbless')

// Modules find their files (migrations, assets, the ingest worker) from `import.meta.url`: each
// keeps the URL of its source file, so paths resolve as they do from the sources.
const sourceUrls = {
  name: 'source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }))
  },
}

const OUT = join(CACHE, 'out')
const result = await build({
  entryPoints: [join(ROOT, 'scripts', 'crumbless.ts')],
  bundle: true,
  // One chunk per command, loaded on demand as in the sources: `serve` does not load `demo`.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  write: false,
  logLevel: 'error',
  plugins: [sourceUrls],
})

// Content-addressed, published with one rename: processes started at once (tests, a CLI call
// next to the server) share a build and never see a half-written one. The build must live inside
// the package (its imports of dependencies resolve from there); where that cannot be written, the
// CLI runs through tsx as before.
function publish() {
  const hash = createHash('sha256')
  for (const f of result.outputFiles) hash.update(f.path).update(f.contents)
  const dir = join(CACHE, hash.digest('hex').slice(0, 16))
  if (existsSync(dir)) return dir
  const tmp = `${dir}.${process.pid}.tmp`
  for (const f of result.outputFiles) {
    const target = join(tmp, relative(OUT, f.path))
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, f.contents)
  }
  try {
    renameSync(tmp, dir)
  } catch {
    // Another process published the same build first.
    rmSync(tmp, { recursive: true, force: true })
  }
  return dir
}

let dir = null
try {
  dir = publish()
} catch (err) {
  console.error(`crumbless: cannot write ${CACHE} (${err.code ?? err.message}); running through tsx`)
}
if (dir) {
  await import(pathToFileURL(join(dir, 'crumbless.mjs')).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('./crumbless.ts')
}
