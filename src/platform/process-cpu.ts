// Reads the CPU time another process has used from the operating system's counters (Linux /proc): the
// process and every descendant alive (a cluster's workers), every thread of each included.

import {
  PROC_TICKS_PER_SECOND,
  type ProcessStat,
  readAllProcessStats,
  readProcessStat,
} from "./proc-files.js";

/** CPU time used by a process tree: the total, and the part spent in the kernel. */
export interface ProcessCpu {
  cpuUs: number;
  systemUs: number;
}

const ticksToUs = (ticks: number) => (ticks * 1e6) / PROC_TICKS_PER_SECOND;

/** Whether this system exposes other processes' CPU time (Linux). */
export function canReadProcessCpu(): boolean {
  return readProcessStat(process.pid) !== undefined;
}

/**
 * CPU time, microseconds, used so far by `pid` and its descendants still alive, and its kernel part;
 * undefined when `pid` does not exist (or the system has no /proc). Resolution: 10 ms.
 */
export function readProcessTreeCpu(pid: number): ProcessCpu | undefined {
  const root = readProcessStat(pid);
  if (root === undefined) return undefined;
  const children = new Map<number, ProcessStat[]>();
  for (const stat of readAllProcessStats() ?? []) {
    if (stat.pid === pid) continue;
    const siblings = children.get(stat.parentPid) ?? [];
    siblings.push(stat);
    children.set(stat.parentPid, siblings);
  }
  let userTicks = 0;
  let systemTicks = 0;
  const pending = [root];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    userTicks += next.userTicks;
    systemTicks += next.systemTicks;
    pending.push(...(children.get(next.pid) ?? []));
  }
  return { cpuUs: ticksToUs(userTicks + systemTicks), systemUs: ticksToUs(systemTicks) };
}
