import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `crumbless <args>` as a real process. */
export function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/crumbless.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    if (input !== undefined) child.stdin.end(input)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Starts `crumbless serve` and resolves once it prints its URL. */
export function serveProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/crumbless.mjs', 'serve'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    })
    let out = ''
    const onData = (d: Buffer) => {
      out += d
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m?.[1]) resolve({ child, url: m[1], output: () => out })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)))
  })
}
