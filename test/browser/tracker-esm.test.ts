import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { type Received, startTrackerFixture, type TrackerFixture } from '../support/tracker-fixture.ts'

let browser: Browser
let fx: TrackerFixture
let page: Page

const named = (n: string) => (e: Received) => e.n === n

/** An app that bundles the tracker itself, the way `import ... from 'crumbless/tracker'` resolves. */
const APP = `import { init, track } from 'crumbless/tracker'
track('Before init', { callback: () => { window.beforeInitCallback = true } })
init({ domain: 'example.test', automation: true })
init({ domain: 'ignored.test', automation: true })
window.app = { track }`

beforeAll(async () => {
  ;[browser, fx] = await Promise.all([launchBrowser(), startTrackerFixture()])
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    exports: Record<string, { default: string }>
  }
  // resolve the package export to this fixture's build of the same file
  const entry = join(fx.dist, pkg.exports['./tracker']!.default.replace('./tracker/dist/', ''))
  const out = await build({
    stdin: { contents: APP, resolveDir: fx.dist, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    alias: { 'crumbless/tracker': entry },
  })
  writeFileSync(join(fx.dist, 'app.js'), out.outputFiles[0]!.contents)
  fx.page('/app', '<!doctype html><title>app</title><script src="/static/app.js"></script>')
  page = await browser.newPage()
})

afterAll(async () => {
  await browser?.close()
  await fx?.close()
})

describe('ESM entry (crumbless/tracker)', () => {
  it('tracks pageviews after init and sends custom events with track', async () => {
    await page.goto(`${fx.url()}/app`)
    const [pv] = await fx.waitFor(named('pageview'))
    expect(pv).toMatchObject({ u: `${fx.url()}/app`, d: 'example.test' })
    expect(
      await page.evaluate(() => (window as unknown as { beforeInitCallback?: boolean }).beforeInitCallback),
    ).toBe(true)
    await page.evaluate(() =>
      (window as unknown as { app: { track: (n: string, o?: object) => void } }).app.track('Signup', {
        props: { plan: 'pro' },
      }),
    )
    const [signup] = await fx.waitFor(named('Signup'))
    expect(signup!.p).toEqual({ plan: 'pro' })
    expect(fx.events.some((e) => e.n === 'Before init' || e.d === 'ignored.test')).toBe(false)
  })

  it('ships types that accept the documented options and reject unknown ones', () => {
    const dts = join(fx.dist, 'esm/index.d.ts')
    const file = join(fx.dist, 'usage.ts')
    writeFileSync(
      file,
      `import { init, track, type InitOptions, type TrackOptions } from './esm/index.js'
const o: InitOptions = { domain: 'example.com', api: 'https://stats.example.com/api/event', hash: true, local: false, automation: false }
init(o)
const t: TrackOptions = { props: { plan: 'pro', seats: 3, trial: true }, interactive: false, callback: () => {} }
track('Signup', t)
// @ts-expect-error: unknown option
init({ domian: 'example.com' })
// @ts-expect-error: props are flat
track('Signup', { props: { nested: { no: 1 } } })
`,
    )
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // the declarations need no DOM types, and leaving lib.dom out keeps this check fast
      lib: ['lib.es2022.d.ts'],
      types: [],
      skipLibCheck: true,
    })
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    expect(diagnostics).toEqual([])
    expect(readFileSync(dts, 'utf8')).toContain('export declare function init(options?: InitOptions): void')
  })
})
