import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../dashboard/', import.meta.url))
const DIST = join(ROOT, 'dist')

export interface BuiltFile {
  name: string
  bytes: number
  gzip: number
}

export interface DashboardBuild {
  files: BuiltFile[]
  /** Gzip bytes of everything a first visit downloads: index.html, the script and the stylesheet. */
  firstLoadGzip: number
}

/** Hex content hash, so the server's `HASHED` rule recognises the name and caches it for a year. */
async function hash(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)))
  return [...digest.slice(0, 5)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The only HTML the server sends; no inline script or style, so the CSP can forbid both. */
export function indexHtml(js: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>crumbless</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/${css}">
<script type="module" src="/ui/${js}"></script>
</head>
<body>
<div id="app"><noscript>crumbless needs JavaScript.</noscript></div>
</body>
</html>
`
}

/**
 * Bundles the dashboard with esbuild into `dashboard/dist/`: `app.<hash>.js`, `app.<hash>.css`,
 * `index.html` referencing them, and `manifest.json` (`{ js, css }`).
 *
 * @example
 * const { firstLoadGzip } = await buildDashboard()
 * console.log(`dashboard first load: ${firstLoadGzip} B gzip`)
 */
export async function buildDashboard(): Promise<DashboardBuild> {
  const result = await build({
    entryPoints: { app: join(ROOT, 'src/main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: DIST,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  mkdirSync(DIST, { recursive: true })
  const names: Record<string, string> = {}
  const files: BuiltFile[] = []
  // Test files build in parallel while servers read dist/: every file appears whole (write + rename),
  // and a hashed name always holds the same bytes.
  const emit = (name: string, bytes: Uint8Array) => {
    const path = join(DIST, name)
    if (!name.startsWith('app.') || !existsSync(path)) {
      const tmp = join(ROOT, `.dist-${crypto.randomUUID()}.tmp`)
      writeFileSync(tmp, bytes)
      renameSync(tmp, path)
    }
    files.push({ name, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length })
  }
  for (const out of result.outputFiles) {
    const ext = out.path.endsWith('.css') ? 'css' : out.path.endsWith('.js') ? 'js' : null
    if (!ext) continue
    const name = `app.${await hash(out.contents)}.${ext}`
    names[ext] = name
    emit(name, out.contents)
  }
  if (!names.js || !names.css) throw new Error('dashboard build produced no script or stylesheet')
  const enc = new TextEncoder()
  emit('index.html', enc.encode(indexHtml(names.js, names.css)))
  emit('manifest.json', enc.encode(JSON.stringify({ js: names.js, css: names.css })))
  const keep = new Set(files.map((f) => f.name))
  for (const old of readdirSync(DIST)) {
    if (/^app\.[0-9a-f]+\.(js|css)$/.test(old) && !keep.has(old)) rmSync(join(DIST, old), { force: true })
  }
  const firstLoadGzip = files
    .filter((f) => f.name === 'index.html' || f.name === names.js || f.name === names.css)
    .reduce((sum, f) => sum + f.gzip, 0)
  return { files, firstLoadGzip }
}

/** Names currently in `dashboard/dist/` (for size scripts). */
export function distFiles(): string[] {
  try {
    return readdirSync(DIST)
  } catch {
    return []
  }
}
