// Which processes hold a TCP port's listening socket, read from Linux /proc: the socket's inode from
// /proc/net/tcp{,6}, then every /proc/PID/fd link to `socket:[INODE]`. A server that daemonized (fork,
// setsid) has left its process group but still holds its port; this finds it.

import {
  listeningInodes,
  listProcessIds,
  readCommandLine,
  readEnvironment,
  readFdTargets,
  readProcessName,
  readTcpTables,
} from "./proc-files.js";

export interface PortHolder {
  pid: number;
  /** Its command line, words joined by spaces (its name when the command line is empty). */
  command: string;
}

/** Whether process `pid`'s environment holds `NAME=value` (false where it cannot be read). */
export function environmentHolds(pid: number, entry: string): boolean {
  return readEnvironment(pid).includes(entry);
}

function commandOf(pid: number): string {
  const words = readCommandLine(pid);
  return words.length > 0 ? words.join(" ") : readProcessName(pid);
}

/**
 * The processes holding a socket that listens on TCP `port`, or undefined where /proc does not show
 * them. A process of another user whose descriptors this one may not read is missed.
 */
export function portHolders(port: number): PortHolder[] | undefined {
  const tables = readTcpTables();
  if (tables.length === 0) return undefined;
  const links = new Set(
    tables.flatMap((table) => listeningInodes(table, port)).map((inode) => `socket:[${inode}]`),
  );
  if (links.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const pid of listProcessIds() ?? []) {
    if (pid === process.pid) continue;
    if ((readFdTargets(pid) ?? []).some((target) => links.has(target)))
      holders.push({ pid, command: commandOf(pid) });
  }
  return holders;
}
