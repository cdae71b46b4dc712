// Tells whether a TCP port has a listening socket without connecting to it: a connect probe would be
// taken by a single-shot server as its one client. Linux: the kernel's socket tables in /proc/net/tcp
// and /proc/net/tcp6 (state 0A is LISTEN). Elsewhere: `lsof`, when it is installed.

import { execFile } from "node:child_process";
import { listeningInodes, readTcpTablesAsync } from "../platform/proc-files.js";

/** Whether a /proc/net/tcp{,6} table lists a socket listening on `port` (any local address). */
export function procTableListensOn(table: string, port: number): boolean {
  return listeningInodes(table, port).length > 0;
}

function lsofListensOn(port: number): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    execFile("lsof", ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-t"], (error, stdout) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === "ENOENT") resolve(undefined);
      // lsof exits 1 when it finds nothing.
      else resolve(error === null && stdout.trim().length > 0);
    });
  });
}

/**
 * Whether something listens on TCP `port` on this machine; undefined when this platform offers no way
 * to tell without connecting (no /proc/net/tcp, no lsof): then a server needs `--ready REGEX`.
 */
export async function isPortListening(port: number): Promise<boolean | undefined> {
  const tables = await readTcpTablesAsync();
  if (tables.length > 0) return tables.some((table) => procTableListensOn(table, port));
  return lsofListensOn(port);
}
