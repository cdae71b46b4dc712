// The process groups of the programs sockbench starts (platform/launch-process.ts): each runs as the
// leader of its own group, so that a shell wrapper and everything it started are stopped together and
// their pids can be listed (for CPU figures from /proc/PID/stat). A group does not get the terminal's
// Ctrl-C, so live groups are killed when sockbench exits or is interrupted.

import { readAllProcessStats } from "./proc-files.js";

/** The process group ids of programs still running, to kill if sockbench goes away first. */
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
 * The live pids of process group `groupId` (a zombie has exited: it only waits for its parent to read
 * its status). Linux: from /proc/PID/stat; elsewhere only the leader, while it runs.
 */
export function groupPids(groupId: number): number[] {
  const stats = readAllProcessStats();
  if (stats === undefined) return isAlive(groupId) ? [groupId] : [];
  return stats.filter((stat) => stat.state !== "Z" && stat.groupId === groupId).map((stat) => stat.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
