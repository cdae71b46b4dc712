// Reads the CPU time another process has used from the operating system's counters (Linux /proc): the
// process and every descendant alive (a cluster's workers), every thread of each included.

import { readdirSync, readFileSync } from "node:fs";

/** /proc counts in USER_HZ ticks, which Linux fixes at 100 per second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

interface ProcessTimes {
  parentPid: number;
  cpuUs: number;
  systemUs: number;
}

/** CPU time used by a process tree: the total, and the part spent in the kernel. */
export interface ProcessCpu {
  cpuUs: number;
  systemUs: number;
}

/** utime + stime and the parent of one process, or undefined when it is gone (or /proc is missing). */
function readProcessTimes(pid: number): ProcessTimes | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // Fields from 3 on: state(3) ppid(4) ... utime(14) stime(15).
  const parentPid = Number(fields[1]);
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return {
    parentPid,
    cpuUs: ((userTicks + systemTicks) * 1e6) / TICKS_PER_SECOND,
    systemUs: (systemTicks * 1e6) / TICKS_PER_SECOND,
  };
}

/** Whether this system exposes other processes' CPU time (Linux). */
export function canReadProcessCpu(): boolean {
  return readProcessTimes(process.pid) !== undefined;
}

/**
 * CPU time, microseconds, used so far by `pid` and its descendants still alive, and its kernel part;
 * undefined when `pid` does not exist (or the system has no /proc). Resolution: 10 ms.
 */
export function readProcessTreeCpu(pid: number): ProcessCpu | undefined {
  const root = readProcessTimes(pid);
  if (root === undefined) return undefined;
  const children = new Map<number, number[]>();
  const times = new Map<number, ProcessTimes>();
  for (const entry of readdirSync("/proc")) {
    const childPid = Number(entry);
    if (!Number.isInteger(childPid) || childPid === pid) continue;
    const childTimes = readProcessTimes(childPid);
    if (childTimes === undefined) continue;
    times.set(childPid, childTimes);
    const siblings = children.get(childTimes.parentPid) ?? [];
    siblings.push(childPid);
    children.set(childTimes.parentPid, siblings);
  }
  let cpuUs = root.cpuUs;
  let systemUs = root.systemUs;
  const pending = [...(children.get(pid) ?? [])];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const child = times.get(next) as ProcessTimes;
    cpuUs += child.cpuUs;
    systemUs += child.systemUs;
    pending.push(...(children.get(next) ?? []));
  }
  return { cpuUs, systemUs };
}
