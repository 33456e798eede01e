import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Asset, AssetLookup } from '../services.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
}

/** Content-hashed names (`app.3f2a9c1b.js`) never change, so they may be cached for a year. */
const HASHED = /\.[0-9a-f]{8,}\.[a-z]+$/i

function readDir(dir: string, prefix: string, into: Map<string, Asset>): void {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) readDir(path, `${prefix}${entry.name}/`, into)
    else
      into.set(`${prefix}${entry.name}`, {
        body: new Uint8Array(readFileSync(path)),
        type: TYPES[extname(entry.name)] ?? 'application/octet-stream',
        cache: HASHED.test(entry.name) ? 'immutable' : 'short',
      })
  }
}

/**
 * Loads built static files once at start: the tracker under `/js/`, the dashboard under `/ui/`.
 *
 * @example
 * const assets = loadNodeAssets()
 * assets('/js/script.js')?.type // 'application/javascript; charset=utf-8'
 */
export function loadNodeAssets(root = ROOT): AssetLookup {
  const map = new Map<string, Asset>()
  readDir(join(root, 'tracker/dist'), '/js/', map)
  readDir(join(root, 'dashboard/dist'), '/ui/', map)
  return (path) => map.get(path)
}
