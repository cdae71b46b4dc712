// Starts a program as the leader of its own process group (registered to be killed however sockbench
// ends), with its output in pipes; tells how it exited; lists the group's live pids; and stops the whole
// group, SIGTERM first and SIGKILL after a grace period.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { forgetGroup, groupPids, registerGroup, signalGroup } from "./process-group.js";
import { stopGracefully } from "./stop-gracefully.js";

/**
 * The grace between SIGTERM and SIGKILL unless a starter says otherwise: what the user's own servers
 * get (docs/targets.md), time enough to close a listener and flush output. A starter passes its own
 * only where it knows its program needs more (the reference servers drain their connections).
 */
export const DEFAULT_STOP_GRACE_MS = 2_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function describeExit(status: ExitStatus): string {
  return status.signal !== null ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
}

export interface LaunchOptions {
  file: string;
  args: readonly string[];
  /** Set over this process's environment. */
  env?: NodeJS.ProcessEnv;
  stopGraceMs?: number;
}

export interface LaunchedProcess {
  /** The child itself: its stdout and stderr are pipes (stdin is /dev/null). */
  readonly child: ChildProcess;
  /** The group leader's pid, which is also the process group id. */
  readonly pid: number;
  /** How it ended, once it has. */
  exitStatus(): ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
  /** Every live process of its group: the program and whatever it started (that stayed in the group). */
  pids(): number[];
  /**
   * Stops the whole group (SIGTERM, SIGKILL after `graceMs`; at once with SIGKILL for what is left
   * when the leader has exited already) and resolves once the leader has exited.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `file`; rejects with the system's error (ENOENT: no such program) when it cannot be run. */
export async function launchProcess(options: LaunchOptions): Promise<LaunchedProcess> {
  const child = spawn(options.file, options.args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  const failure = await Promise.race([
    once(child, "spawn").then(() => undefined),
    once(child, "error").then(([error]) => error as Error),
  ]);
  if (failure !== undefined) throw failure;
  const pid = child.pid as number;
  registerGroup(pid);
  let status: ExitStatus | undefined;
  const exited = once(child, "exit").then(([code, signal]) => {
    status = { code: code as number | null, signal: signal as NodeJS.Signals | null };
    return status;
  });
  const pids = () => groupPids(pid);
  return {
    child,
    pid,
    exitStatus: () => status,
    exited,
    pids,
    async stop(graceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS) {
      const signal = (name: NodeJS.Signals) => signalGroup(pid, name);
      // The leader may go first (a shell) while what it started is still ending: wait for the group.
      if (status === undefined) await stopGracefully(signal, () => pids().length > 0, graceMs);
      else signal("SIGKILL");
      forgetGroup(pid);
      await exited;
    },
  };
}
