import { createBLAKE3, type IHasher } from 'hash-wasm'
import { type KeyedHash64, nobleKeyedHash } from '../collect/visitor-id.ts'

/** A {@link KeyedHash64} that can say when its WebAssembly hasher for the last key is ready. */
export interface WasmKeyedHash {
  hash: KeyedHash64
  /** Resolves once the hasher for the last key seen is made (or could not be). */
  settled: () => Promise<void>
  /** Whether the last key seen is hashed in WebAssembly (not through the noble fallback). */
  ready: () => boolean
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Keyed BLAKE3 in WebAssembly (hash-wasm) for Node: about 0.5 µs per visitor id where
 * `@noble/hashes` takes about 10 µs, and the hash runs for every stored event.
 *
 * hash-wasm binds the key when a hasher is made, and making one is async, while the ingest
 * pipeline is synchronous. So the ids of the first requests under a new salt come from
 * {@link nobleKeyedHash} while the hasher for that salt is made: the bytes are the same either
 * way. The previous salt's hasher is dropped at once, so a rotated salt is not kept alive here.
 * If WebAssembly cannot be used, everything stays on noble.
 *
 * @example
 * const { hash } = wasmKeyedHash(log.warn)
 * visitorId(salt, 'example.com', ip, userAgent, hash)
 */
export function wasmKeyedHash(warn?: (message: string) => void): WasmKeyedHash {
  let hasher: IHasher | null = null
  let key: Uint8Array | null = null
  let lastSalt: Uint8Array | null = null
  let making: Promise<void> = Promise.resolve()
  let failed = false

  const hash: KeyedHash64 = (salt, message) => {
    if (salt !== lastSalt && !(key !== null && sameBytes(key, salt))) {
      hasher = null
      key = salt.slice()
      const wanted = key
      if (!failed) {
        making = createBLAKE3(64, wanted).then(
          (made) => {
            if (key === wanted) hasher = made
          },
          (err: unknown) => {
            failed = true
            warn?.(
              `WebAssembly BLAKE3 unavailable (${err instanceof Error ? err.message : String(err)}); using @noble/hashes`,
            )
          },
        )
      }
    }
    lastSalt = salt
    return hasher ? hasher.init().update(message).digest('binary') : nobleKeyedHash(salt, message)
  }
  return { hash, settled: () => making, ready: () => hasher !== null }
}
