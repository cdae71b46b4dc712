// The process's file-descriptor limit (`ulimit -n`), read where the OS shows it (Linux /proc), and the
// one message every side gives when a run needs more descriptors than the limit allows.

import { registerErrorClass, SockbenchError } from "../errors.js";
import { countFds, type OpenFilesLimit, parseOpenFilesLimit, readOwnOpenFilesLimit } from "./proc-files.js";

/** Descriptors a sockbench process holds besides its connections: stdio, the event loop, worker pipes, files. */
export const FD_RESERVE = 64;

/** The limit (or the one `limitsText`, a /proc/PID/limits text, gives), or undefined where the OS does not show it (then nothing is checked up front). */
export function readFdLimit(limitsText?: string): OpenFilesLimit | undefined {
  return limitsText === undefined ? readOwnOpenFilesLimit() : parseOpenFilesLimit(limitsText);
}

/** Descriptors open in this process now, or undefined where the OS does not show them. */
export function countOpenFds(): number | undefined {
  return countFds("self");
}

/** Descriptors a process needs to hold `connections` sockets at once. */
export function fdsNeeded(connections: number): number {
  return connections + FD_RESERVE;
}

/** `what` needs `needed` descriptors: what to run to allow them, given the limit when known. */
export function fdLimitAdvice(needed: number, limit: OpenFilesLimit | undefined): string {
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
