// The processes of one server command: it runs as the leader of its own process group, so that a shell
// wrapper and everything it started are stopped together and their pids can be listed (for CPU figures
// from /proc/PID/stat). A group does not get the terminal's Ctrl-C, so live groups are killed when
// sockbench exits or is interrupted.

import { readdirSync, readFileSync } from "node:fs";

/** The process group ids of servers still running, to kill if sockbench goes away first. */
const liveGroups = new Set<number>();

function killGroup(groupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-groupId, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function killLiveGroups(): void {
  for (const groupId of liveGroups) killGroup(groupId, "SIGKILL");
  liveGroups.clear();
}

function onInterrupt(signal: NodeJS.Signals): void {
  // A command that stops cleanly on Ctrl-C (load, bench: withStopSignals) listens too; it stops its
  // servers itself, and the exit hook kills any left when it quits.
  if (process.listenerCount(signal) > 1) return;
  killLiveGroups();
  process.exitCode = signal === "SIGINT" ? 130 : 143;
  // Node ends the process itself only when no handler is left; ours was the reason it stayed.
  process.exit();
}

function watchExit(): void {
  if (liveGroups.size !== 1) return;
  process.on("exit", killLiveGroups);
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
}

function unwatchExit(): void {
  if (liveGroups.size !== 0) return;
  process.off("exit", killLiveGroups);
  process.off("SIGINT", onInterrupt);
  process.off("SIGTERM", onInterrupt);
}

export function registerGroup(groupId: number): void {
  liveGroups.add(groupId);
  watchExit();
}

export function forgetGroup(groupId: number): void {
  liveGroups.delete(groupId);
  unwatchExit();
}

export function signalGroup(groupId: number, signal: NodeJS.Signals): void {
  killGroup(groupId, signal);
}

/**
 * The live pids of process group `groupId`. Linux: read from /proc/PID/stat (field 5 is the group);
 * elsewhere only the leader, while it runs.
 */
export function groupPids(groupId: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return isAlive(groupId) ? [groupId] : [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "latin1");
    } catch {
      continue;
    }
    // "PID (COMM) STATE PPID PGRP ...": COMM may hold spaces and parentheses, so read after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // A zombie has exited; it only waits for its parent to read its status.
    if (fields[0] !== "Z" && Number(fields[2]) === groupId) pids.push(Number(entry));
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
