// The process's open-file limit (`ulimit -n`), read from /proc/self/limits: each connection takes a file
// descriptor, so a limit below --max-connections means connections fail at accept before the cap is met.

import { readFileSync } from "node:fs";

/** File descriptors a server needs beside its connections (stdio, the listener, node's own). */
export const RESERVED_FILE_DESCRIPTORS = 32;

/** The soft limit on open files, or undefined where /proc is not there to say (macOS) or says unlimited. */
export function openFileLimit(): number | undefined {
  let limits: string;
  try {
    limits = readFileSync("/proc/self/limits", "utf8");
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : undefined;
}

/** A warning to log at start when the limit cannot hold `maxConnections`, else undefined. */
export function fileLimitWarning(maxConnections: number, limit = openFileLimit()): string | undefined {
  if (limit === undefined || limit >= maxConnections + RESERVED_FILE_DESCRIPTORS) return undefined;
  return `warning: the open-file limit (ulimit -n) is ${limit}, below --max-connections ${maxConnections} plus ${RESERVED_FILE_DESCRIPTORS} for the server itself: connections past about ${Math.max(0, limit - RESERVED_FILE_DESCRIPTORS)} will fail at accept; raise it (ulimit -n ${maxConnections + RESERVED_FILE_DESCRIPTORS}) or lower --max-connections`;
}
