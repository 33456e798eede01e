/**
 * Build-time feature switches, replaced by esbuild `define` (see `tracker/build.ts`).
 * A `false` flag removes its feature from the bundle entirely.
 */
declare const __ENGAGEMENT__: boolean
declare const __CLICKS__: boolean
declare const __LINKS__: boolean
declare const __CUSTOM__: boolean
