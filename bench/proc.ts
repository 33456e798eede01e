import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** Asks the kernel for a free loopback port (closed again before it is handed out). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface Child {
  proc: ChildProcess
  pid: number
  /** Everything the child printed so far (stdout and stderr), for error messages. */
  output(): string
  /** Resolves with the exit code. */
  exited: Promise<number | null>
}

/**
 * Starts `node <args>` in the repo root with `env` added to this process's environment; a `.ts`
 * script runs through tsx, a `.mjs` one (the crumbless bin) as it is.
 *
 * @example
 * const child = startNode(['scripts/crumbless.mjs', 'serve'], { PORT: '8123' })
 */
export function startNode(args: string[], env: Record<string, string>, nodeFlags: string[] = []): Child {
  const loader = args[0]?.endsWith('.ts') ? ['--import', 'tsx'] : []
  const proc = spawn(process.execPath, [...nodeFlags, ...loader, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000)
  }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  if (proc.pid === undefined) throw new Error(`could not start node ${args.join(' ')}`)
  return { proc, pid: proc.pid, output: () => out, exited }
}

/** Runs a node script to completion; throws with its output when it fails. */
export async function runNode(args: string[], env: Record<string, string>): Promise<string> {
  const child = startNode(args, env)
  const code = await child.exited
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}:\n${child.output()}`)
  return child.output()
}

/** Polls `url` until it answers (any status) or the child dies or `timeoutMs` passes. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  let dead = false
  void child.exited.then(() => {
    dead = true
  })
  while (Date.now() < end) {
    if (dead) throw new Error(`server exited before it answered:\n${child.output()}`)
    try {
      await fetch(url)
      return
    } catch {
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms:\n${child.output()}`)
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
export async function stop(child: Child, graceMs = 60_000): Promise<number | null> {
  child.proc.kill('SIGTERM')
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs)
  const code = await child.exited
  clearTimeout(timer)
  return code
}

function statusKb(pid: number, field: string): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/**
 * Samples VmRSS every `everyMs` and reads VmHWM (the kernel's own peak) of a live process; also the
 * peaks of its anonymous and file-backed parts (chDB maps a ~550 MB engine library: the pages it
 * touches count as file-backed RSS, shared and reclaimable).
 */
export function watchMemory(pid: number, everyMs = 250) {
  let peakKb = 0
  let anonKb = 0
  let fileKb = 0
  const sample = () => {
    peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'), statusKb(pid, 'VmHWM'))
    anonKb = Math.max(anonKb, statusKb(pid, 'RssAnon'))
    fileKb = Math.max(fileKb, statusKb(pid, 'RssFile'))
  }
  const timer = setInterval(sample, everyMs)
  sample()
  return {
    peakMb: () => {
      sample()
      return Math.round(peakKb / 1024)
    },
    anonMb: () => Math.round(anonKb / 1024),
    fileMb: () => Math.round(fileKb / 1024),
    stop: () => clearInterval(timer),
  }
}

// USER_HZ: the unit of the times in /proc/<pid>/stat (100 on Linux).
const CLOCK_TICKS = 100

/** CPU seconds (user + system, all threads) a process has used so far, from `/proc/<pid>/stat`. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/**
 * Seconds one thread has spent on a CPU and waiting for one (runnable, in the run queue), from
 * `/proc/<pid>/task/<tid>/schedstat`; the process's main thread when no tid is given. `null` where
 * the kernel has no schedstat.
 */
export function schedSeconds(pid: number, tid = pid): { onCpuS: number; waitingS: number } | null {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ')
    return { onCpuS: Number(onCpu) / 1e9, waitingS: Number(waiting) / 1e9 }
  } catch {
    return null
  }
}

/** The machine's idle and total CPU time so far, in clock ticks summed over all cores (`/proc/stat`). */
export function machineTicks(): { idle: number; total: number } {
  const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/)
  const n = fields.map(Number)
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  return { idle: (n[3] ?? 0) + (n[4] ?? 0), total: n.slice(0, 8).reduce((a, b) => a + b, 0) }
}

/** Current RSS of a process in MB (this process when no pid is given). */
export function rssMb(pid = process.pid): number {
  return Math.round(statusKb(pid, 'VmRSS') / 1024)
}

export function peakRssMb(pid = process.pid): number {
  return Math.round(statusKb(pid, 'VmHWM') / 1024)
}
