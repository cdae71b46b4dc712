// The process's file-descriptor limit (`ulimit -n`), read where the OS shows it (Linux /proc), and the
// one message every side gives when a run needs more descriptors than the limit allows.

import { readdirSync, readFileSync } from "node:fs";
import { registerErrorClass, SockbenchError } from "../errors.js";

export interface FdLimit {
  /** What `ulimit -n` shows: descriptors this process may hold open. */
  soft: number;
  /** How far `ulimit -n` may raise it without privileges (Infinity: unlimited). */
  hard: number;
}

/** Descriptors a sockbench process holds besides its connections: stdio, the event loop, worker pipes, files. */
export const FD_RESERVE = 64;

/** The limit, or undefined where the OS does not show it (then nothing is checked up front). */
export function readFdLimit(limitsText?: string): FdLimit | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/limits", "utf8");
    } catch {
      return undefined;
    }
  }
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (match === null) return undefined;
  const parse = (value: string) => (value === "unlimited" ? Number.POSITIVE_INFINITY : Number(value));
  const soft = parse(match[1] as string);
  const hard = parse(match[2] as string);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

/** Descriptors open in this process now, or undefined where the OS does not show them. */
export function countOpenFds(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

/** Descriptors a process needs to hold `connections` sockets at once. */
export function fdsNeeded(connections: number): number {
  return connections + FD_RESERVE;
}

/** `what` needs `needed` descriptors: what to run to allow them, given the limit when known. */
export function fdLimitAdvice(needed: number, limit: FdLimit | undefined): string {
  const now = limit === undefined ? "" : ` (now ${limit.soft})`;
  const beyondHard =
    limit !== undefined && needed > limit.hard
      ? `; the hard limit is ${limit.hard}, so raise it first (as root, or in /etc/security/limits.conf)`
      : "";
  return `raise the file-descriptor limit${now} with \`ulimit -n ${needed}\` before starting sockbench${beyondHard}`;
}

export class FdLimitError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_FD_LIMIT";
}
registerErrorClass(FdLimitError);
