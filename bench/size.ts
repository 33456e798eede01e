import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { describeMachine, machine } from './machine.ts'
import { ROOT } from './proc.ts'
import { check, printTargets, type Section, type TargetCheck } from './results.ts'

export interface Sizes {
  raw: number
  gzip: number
  brotli: number
}

/** raw / gzip -9 / brotli (quality 11) bytes of one file's contents. */
export function sizes(bytes: Uint8Array): Sizes {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  }
}

async function trackerSizes(): Promise<Array<{ name: string; file: string } & Sizes>> {
  const { VARIANTS, bundleScript, bundleEsm } = await import('../tracker/build.ts')
  const out: Array<{ name: string; file: string } & Sizes> = []
  for (const v of VARIANTS) out.push({ name: v.name, file: v.file, ...sizes(await bundleScript(v)) })
  out.push({ name: 'esm (bundlers)', file: 'crumbless/tracker', ...sizes(await bundleEsm()) })
  return out
}

async function dashboardSizes(): Promise<{ files: Array<{ name: string } & Sizes>; firstLoad: Sizes }> {
  const { buildDashboard } = await import('../scripts/build-dashboard.ts')
  await buildDashboard()
  const dist = join(ROOT, 'dashboard/dist')
  const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as {
    js: string
    css: string
  }
  const files = ['index.html', manifest.js, manifest.css].map((name) => ({
    name,
    ...sizes(readFileSync(join(dist, name))),
  }))
  const firstLoad = files.reduce(
    (s, f) => ({ raw: s.raw + f.raw, gzip: s.gzip + f.gzip, brotli: s.brotli + f.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  )
  return { files, firstLoad }
}

/**
 * Size bench: every tracker build (raw, gzip -9, brotli) and the dashboard's first load.
 *
 * @example
 * saveSection('size', await benchSize())
 */
export async function benchSize(): Promise<Section> {
  const m = machine()
  console.log(`size bench on ${describeMachine(m)}`)
  const notes: string[] = []
  const tracker = await trackerSizes()
  for (const t of tracker)
    console.log(`  tracker ${t.name}: ${t.raw} B raw, ${t.gzip} B gzip -9, ${t.brotli} B brotli`)
  let dashboard: Awaited<ReturnType<typeof dashboardSizes>> | null = null
  try {
    dashboard = await dashboardSizes()
    console.log(
      `  dashboard first load: ${dashboard.firstLoad.gzip} B gzip, ${dashboard.firstLoad.brotli} B brotli`,
    )
  } catch (err) {
    notes.push(`dashboard build failed: ${(err as Error).message.split('\n')[0]}`)
    console.log(`  dashboard build failed: ${(err as Error).message}`)
  }
  const main = tracker[0]
  const targets: TargetCheck[] = main
    ? [check('tracker default build, gzip -9', main.gzip, '<=', 1400, ' B')]
    : []
  printTargets(targets)
  const fmt = (n: number) => n.toLocaleString('en-US')
  return {
    ranAt: new Date().toISOString(),
    machine: m,
    params: {
      gzip: 'level 9',
      brotli: 'quality 11',
      bundler: 'esbuild (tracker/build.ts, scripts/build-dashboard.ts)',
    },
    figures: { tracker, dashboard },
    tables: [
      {
        title: 'Tracker builds (bytes)',
        head: ['build', 'file', 'raw', 'gzip -9', 'brotli'],
        rows: tracker.map((t) => [t.name, t.file, fmt(t.raw), fmt(t.gzip), fmt(t.brotli)]),
      },
      ...(dashboard
        ? [
            {
              title: 'Dashboard first load (bytes)',
              head: ['file', 'raw', 'gzip -9', 'brotli'],
              rows: [
                ...dashboard.files.map((f) => [f.name, fmt(f.raw), fmt(f.gzip), fmt(f.brotli)]),
                [
                  '**total first load**',
                  fmt(dashboard.firstLoad.raw),
                  fmt(dashboard.firstLoad.gzip),
                  fmt(dashboard.firstLoad.brotli),
                ],
              ],
            },
          ]
        : []),
    ],
    targets,
    notes,
  }
}
