import type { Asset, AssetLookup } from '../services.ts'
import { ASSET_DATA } from './bundled-assets-data.ts'

/** One static file embedded in an edge bundle: text as is, binary as base64. */
export interface BundledAsset {
  path: string
  type: string
  cache: Asset['cache']
  text?: string
  base64?: string
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/**
 * The assets embedded by `scripts/build-runtimes.ts` (edge runtimes have no filesystem to serve
 * from): the tracker under `/js/`, the dashboard under `/ui/`.
 *
 * @example
 * const assets = bundledAssets()
 * assets('/js/script.js')?.type // 'application/javascript; charset=utf-8'
 */
export function bundledAssets(data: readonly BundledAsset[] = ASSET_DATA): AssetLookup {
  const map = new Map<string, Asset>()
  for (const a of data) {
    map.set(a.path, { body: a.text ?? fromBase64(a.base64 ?? ''), type: a.type, cache: a.cache })
  }
  return (path) => map.get(path)
}
