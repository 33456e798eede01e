import { cpus, freemem, loadavg, totalmem } from 'node:os'

export interface Machine {
  cores: number
  cpu: string
  memoryGb: number
  freeMemoryGb: number
  node: string
  platform: string
  /** 1-minute load average when the bench started: other work on the machine skews the figures. */
  load1: number
}

/**
 * What the figures were measured on; every bench prints it and stores it with its results.
 *
 * @example
 * console.log(describeMachine(machine()))
 */
export function machine(): Machine {
  const list = cpus()
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGb: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  }
}

export function describeMachine(m: Machine): string {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB RAM (${m.freeMemoryGb} GB free), Node ${m.node}, ${m.platform}, load ${m.load1}`
}
