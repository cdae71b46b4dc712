// Whether a process still runs. A zombie has exited: it only waits for a parent to read its status,
// and a daemon's parent (init in a container, often) may never do so; Linux /proc tells it apart.

import { readFileSync } from "node:fs";

export function isProcessRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    // Gone, or no /proc here: then only whether it exists at all can be told.
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so read after the last ")".
  return stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
}
