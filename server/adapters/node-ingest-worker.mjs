// Entry of the ingest worker thread. Module hooks registered in the parent thread (the `crumbless`
// bin's tsx register(), vitest's transforms) do not reach worker threads, so tsx is registered
// here; when the parent ran with `--import tsx` the worker has it twice, which is harmless.
import { register } from 'tsx/esm/api'

register()
await import('./node-ingest-worker.ts')
