// The one reader of Linux /proc: every file sockbench reads there is named in this module. Each reader
// answers undefined (or nothing) where the file cannot be read (another OS, a process gone, another
// user's), and the text is taken apart by pure parsers, tested on sample text.

import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** The kernel's TCP socket tables, IPv4 and IPv6. */
const TCP_TABLE_PATHS = ["/proc/net/tcp", "/proc/net/tcp6"] as const;
/** A socket's state in those tables: 0A is LISTEN. */
const LISTEN_STATE = "0A";

/** /proc counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second on every architecture Node runs on. */
export const PROC_TICKS_PER_SECOND = 100;

/** What sockbench reads of /proc/PID/stat. */
export interface ProcessStat {
  pid: number;
  /** Its name (field 2), which may hold spaces and parentheses. */
  name: string;
  /** R, S, D, T, Z...; Z (zombie) has exited and only waits for its parent to read its status. */
  state: string;
  parentPid: number;
  /** Its process group. */
  groupId: number;
  /** CPU time in user space and in the kernel, USER_HZ ticks (PROC_TICKS_PER_SECOND). */
  userTicks: number;
  systemTicks: number;
}

/** The "Max open files" row of /proc/PID/limits: what `ulimit -n` shows and how far it may be raised. */
export interface OpenFilesLimit {
  /** Descriptors the process may hold open. */
  soft: number;
  /** How far the soft limit may be raised without privileges (Infinity: unlimited). */
  hard: number;
}

/** A range of ports, both ends included. */
export interface PortRange {
  low: number;
  high: number;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** "PID (NAME) STATE PPID PGRP ... UTIME STIME ...", or undefined when the text is not such a line. */
export function parseProcessStat(text: string): ProcessStat | undefined {
  const open = text.indexOf(" (");
  // The name may hold ")" itself: the fields after it are numbers and a state letter, so the last ")" closes it.
  const close = text.lastIndexOf(") ");
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open));
  // From field 3 on: state(3) ppid(4) pgrp(5) ... utime(14) stime(15).
  const fields = text.slice(close + 2).split(" ");
  const [state, parentPid, groupId, userTicks, systemTicks] = [0, 1, 2, 11, 12].map((index) => fields[index]);
  const numbers = [pid, Number(parentPid), Number(groupId), Number(userTicks), Number(systemTicks)];
  if (state === undefined || state === "" || numbers.some((value) => !Number.isInteger(value)))
    return undefined;
  return {
    pid,
    name: text.slice(open + 2, close),
    state,
    parentPid: numbers[1] as number,
    groupId: numbers[2] as number,
    userTicks: numbers[3] as number,
    systemTicks: numbers[4] as number,
  };
}

/** The resident memory a /proc/PID/status text gives (its VmRSS line), bytes. */
export function parseResidentBytes(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The "Max open files" row of a /proc/PID/limits text. */
export function parseOpenFilesLimit(limitsText: string): OpenFilesLimit | undefined {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
  if (match === null) return undefined;
  const parse = (value: string) => (value === "unlimited" ? Number.POSITIVE_INFINITY : Number(value));
  const soft = parse(match[1] as string);
  const hard = parse(match[2] as string);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

/** "LOW HIGH", as /proc/sys/net/ipv4/ip_local_port_range holds it; undefined unless 1 <= LOW <= HIGH <= 65535. */
export function parsePortRange(text: string): PortRange | undefined {
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (low === undefined || high === undefined || !(low >= 1 && high >= low && high <= 65535))
    return undefined;
  return { low, high };
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

/** A connection's queues as the kernel counts them (/proc/net/tcp's tx_queue and rx_queue). */
export interface ConnectionQueues {
  /** Bytes written but not yet acknowledged by the peer (sent or not). */
  unacknowledgedBytes: number;
  /** Bytes received but not yet read by the socket's owner. */
  unreadBytes: number;
}

/**
 * The queues of the connection from local port `localPort` to remote port `remotePort` in a
 * /proc/net/tcp{,6} table, or undefined when the table does not list it.
 */
export function connectionQueues(
  table: string,
  localPort: number,
  remotePort: number,
): ConnectionQueues | undefined {
  const hexPort = (port: number) => `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const local = hexPort(localPort);
  const remote = hexPort(remotePort);
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (!fields[1]?.endsWith(local) || !fields[2]?.endsWith(remote)) continue;
    const [sent, received] = (fields[4] ?? "").split(":");
    const unacknowledgedBytes = Number.parseInt(sent ?? "", 16);
    const unreadBytes = Number.parseInt(received ?? "", 16);
    if (Number.isNaN(unacknowledgedBytes) || Number.isNaN(unreadBytes)) return undefined;
    return { unacknowledgedBytes, unreadBytes };
  }
  return undefined;
}

/** The words of a NUL-separated file (/proc/PID/cmdline, /proc/PID/environ), empty ones left out. */
export function parseNulSeparated(text: string): string[] {
  return text.split("\0").filter(Boolean);
}

/** The pids /proc lists now, or undefined where there is no /proc. */
export function listProcessIds(): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
}

export function readProcessStat(pid: number): ProcessStat | undefined {
  const text = readText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseProcessStat(text);
}

/** The stat of every process /proc lists (those gone while read left out), or undefined where there is no /proc. */
export function readAllProcessStats(): ProcessStat[] | undefined {
  const pids = listProcessIds();
  if (pids === undefined) return undefined;
  return pids.flatMap((pid) => readProcessStat(pid) ?? []);
}

/** A process's resident memory (VmRSS), bytes. */
export function readResidentBytes(pid: number): number | undefined {
  const text = readText(`/proc/${pid}/status`);
  return text === undefined ? undefined : parseResidentBytes(text);
}

/** How many descriptors a process (this one: "self") holds open. */
export function countFds(pid: number | "self"): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** What each open descriptor of a process points at (`socket:[INODE]`, a path), or undefined when unreadable. */
export function readFdTargets(pid: number): string[] | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  return fds.flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      // Closed since the directory was listed.
      return [];
    }
  });
}

/** This process's file-descriptor limit. */
export function readOwnOpenFilesLimit(): OpenFilesLimit | undefined {
  const text = readText("/proc/self/limits");
  return text === undefined ? undefined : parseOpenFilesLimit(text);
}

/** The range the kernel draws ephemeral ports from. */
export function readEphemeralPortRange(): PortRange | undefined {
  const text = readText("/proc/sys/net/ipv4/ip_local_port_range");
  return text === undefined ? undefined : parsePortRange(text);
}

/** A process's command-line words (empty for a kernel thread, or when unreadable). */
export function readCommandLine(pid: number): string[] {
  return parseNulSeparated(readText(`/proc/${pid}/cmdline`) ?? "");
}

/** A process's name (/proc/PID/comm), "" when unreadable. */
export function readProcessName(pid: number): string {
  return (readText(`/proc/${pid}/comm`) ?? "").trim();
}

/** A process's environment as `NAME=value` entries (empty when unreadable: another user's). */
export function readEnvironment(pid: number): string[] {
  return parseNulSeparated(readText(`/proc/${pid}/environ`) ?? "");
}

/** The TCP socket tables that could be read, IPv4 and IPv6; empty where there are none. */
export function readTcpTables(): string[] {
  return TCP_TABLE_PATHS.flatMap((path) => readText(path) ?? []);
}

/** readTcpTables without blocking the event loop (the tables of a busy machine run to megabytes). */
export async function readTcpTablesAsync(): Promise<string[]> {
  const tables = await Promise.all(
    TCP_TABLE_PATHS.map((path) => readFile(path, "utf8").catch(() => undefined)),
  );
  return tables.filter((table): table is string => table !== undefined);
}
