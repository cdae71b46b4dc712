// Which processes hold a TCP port's listening socket, read from Linux /proc: the socket's inode from
// /proc/net/tcp{,6}, then every /proc/PID/fd link to `socket:[INODE]`. A server that daemonized (fork,
// setsid) has left its process group but still holds its port; this finds it.

import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** The kernel's TCP socket tables, IPv4 and IPv6. */
export const TCP_TABLE_PATHS = ["/proc/net/tcp", "/proc/net/tcp6"] as const;
const LISTEN_STATE = "0A";

export interface PortHolder {
  pid: number;
  /** Its command line, words joined by spaces (its name when the command line is empty). */
  command: string;
}

/** The inodes of the sockets a /proc/net/tcp{,6} table lists as listening on `port` (any local address). */
export function listeningInodes(table: string, port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== LISTEN_STATE) continue;
    if (local.slice(local.lastIndexOf(":") + 1) === portHex && fields[9] !== undefined)
      inodes.push(fields[9]);
  }
  return inodes;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Whether process `pid`'s environment holds `NAME=value` (false where it cannot be read). */
export function environmentHolds(pid: number, entry: string): boolean {
  return readOrEmpty(`/proc/${pid}/environ`).split("\0").includes(entry);
}

function commandOf(pid: string): string {
  const words = readOrEmpty(`/proc/${pid}/cmdline`).split("\0").filter(Boolean);
  return words.length > 0 ? words.join(" ") : readOrEmpty(`/proc/${pid}/comm`).trim();
}

/**
 * The processes holding a socket that listens on TCP `port`, or undefined where /proc does not show
 * them. A process of another user whose descriptors this one may not read is missed.
 */
export function portHolders(port: number): PortHolder[] | undefined {
  const tables = TCP_TABLE_PATHS.map(readOrEmpty);
  if (tables.every((table) => table === "")) return undefined;
  const links = new Set(
    tables.flatMap((table) => listeningInodes(table, port)).map((inode) => `socket:[${inode}]`),
  );
  if (links.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        return links.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (holds) holders.push({ pid: Number(pid), command: commandOf(pid) });
  }
  return holders;
}
