// Processes that left a server's process group (a daemon: fork, setsid) yet still hold its port once the
// group is stopped: found through /proc, named, and stopped like the group (SIGTERM, SIGKILL after the
// grace), so that no server sockbench started is left listening with parent 1.

import { randomUUID } from "node:crypto";
import { environmentHolds, type PortHolder, portHolders } from "../platform/port-holders.js";
import { groupPids } from "../platform/process-group.js";
import { isProcessRunning } from "../platform/process-running.js";
import { stopGracefully } from "../platform/stop-gracefully.js";

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: gone already; EPERM: another user's, which sockbench did not start.
  }
}

/** The environment variable that marks every process of one server start, daemons it forks included. */
export const SERVER_MARK_VARIABLE = "SOCKBENCH_SERVER_ID";

/** A fresh mark for one server start: `SOCKBENCH_SERVER_ID=<uuid>`. */
export function newServerMark(): { name: string; value: string } {
  return { name: SERVER_MARK_VARIABLE, value: randomUUID() };
}

/**
 * Stops every process outside group `groupId` that holds a socket listening on `port` and carries the
 * server's mark (`NAME=value`) in its environment, and resolves with them (none: the port was freed with
 * the group, or /proc does not show who holds it). The mark keeps out whatever else took the port once
 * the group had freed it: another cell's server, or a proxy of this or another sockbench.
 */
export async function stopEscapedProcesses(
  groupId: number,
  port: number,
  graceMs: number,
  mark: string,
): Promise<PortHolder[]> {
  const members = new Set(groupPids(groupId));
  const escaped = (portHolders(port) ?? []).filter(
    (holder) => !members.has(holder.pid) && environmentHolds(holder.pid, mark),
  );
  if (escaped.length === 0) return [];
  await stopGracefully(
    (name) => {
      for (const holder of escaped) signal(holder.pid, name);
    },
    () => escaped.some((holder) => isProcessRunning(holder.pid)),
    graceMs,
  );
  return escaped;
}

/** `pid 1234 (python3 server.py 40117)` for each, joined. */
export function describeEscaped(escaped: readonly PortHolder[]): string {
  return escaped.map((holder) => `pid ${holder.pid} (${holder.command})`).join(", ");
}

/** What is said of a server that left its group, once what it left behind is stopped. */
export function escapedMessage(escaped: readonly PortHolder[], port: number): string {
  const they = escaped.length === 1 ? "it" : "they";
  return (
    `${describeEscaped(escaped)} still held port ${port} after the server's process group was stopped: ` +
    `${they} had left the group (a daemon forks and calls setsid), where sockbench can neither stop nor ` +
    `measure ${escaped.length === 1 ? "it" : "them"}; sockbench stopped ${escaped.length === 1 ? "it" : "them"}. ` +
    "Run the server in the foreground (no daemon mode, no fork into the background)"
  );
}
