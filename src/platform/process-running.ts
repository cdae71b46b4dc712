// Whether a process still runs. A zombie has exited: it only waits for a parent to read its status,
// and a daemon's parent (init in a container, often) may never do so; Linux /proc tells it apart.

import { readProcessStat } from "./proc-files.js";

export function isProcessRunning(pid: number): boolean {
  const stat = readProcessStat(pid);
  if (stat !== undefined) return stat.state !== "Z";
  // Gone, or no /proc here: then only whether it exists at all can be told.
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
