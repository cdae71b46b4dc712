// Runs `sockbench serve` (or another server program, such as bench/'s C echo server) as a child process,
// so that a measured server has its own event loop and core rather than sharing the driver's; resolves
// once the child prints `listening on HOST:PORT`.

import { builtModulePath } from "../built-module.js";
import { splitHostPort } from "../host-port.js";
import { describeExit, type LaunchedProcess, launchProcess } from "../platform/launch-process.js";
import { shellCommand } from "../platform/shell-quote.js";
import { ServerStartError } from "../servers/server-start-error.js";

const START_TIMEOUT_MS = 15_000;
/**
 * SIGTERM to SIGKILL for a reference server, longer than the launcher's default on purpose: `sockbench
 * serve` ends its connections up to 2 s after SIGTERM (docs/cli.md) and a cluster's primary then
 * closes its workers: the grace leaves room for both, so a healthy server is never killed mid-shutdown.
 */
const REFERENCE_SERVER_STOP_GRACE_MS = 5_000;

/**
 * glibc's heap setting for the reference servers sockbench starts. By default glibc hands freed memory
 * at the top of its heap back to the kernel past 128 KiB, and the next allocation faults fresh zeroed
 * pages back in: a Node server turning over 64 KiB buffers (node's reads, frames, replies) paid several
 * page faults per message, and the 64 KiB cells measured glibc rather than the framing (the figures:
 * docs/design.md, "Why the driver's buffers are these sizes"). A
 * GLIBC_TUNABLES already set is kept; other C libraries ignore the variable.
 */
export const REFERENCE_SERVER_GLIBC_TUNABLES = "glibc.malloc.trim_threshold=268435456";

export interface ServerProcess {
  readonly host: string;
  readonly port: number;
  /** The child's process id (for its CPU time, from /proc). */
  readonly pid: number;
  /** Stops the server and its process group (SIGTERM, then SIGKILL after a grace) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Runs `sockbench serve` with `serveArguments`, as a reference server (see REFERENCE_SERVER_GLIBC_TUNABLES). */
export function startServerProcess(serveArguments: string[]): Promise<ServerProcess> {
  return startListeningProcess(
    process.execPath,
    [builtModulePath(import.meta.url, "../cli.js"), "serve", "--port", "0", ...serveArguments],
    { GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? REFERENCE_SERVER_GLIBC_TUNABLES },
  );
}

/**
 * Runs `file` with `args` (and `env` over this process's environment); it must print
 * `listening on HOST:PORT` once it accepts connections.
 */
export async function startListeningProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const commandLine = shellCommand([file, ...args]);
  // Its own process group, registered to be killed however sockbench exits (an uncaught error, a second
  // Ctrl-C): a reference server must never outlive the run as an orphan.
  let launched: LaunchedProcess;
  try {
    launched = await launchProcess({ file, args, env, stopGraceMs: REFERENCE_SERVER_STOP_GRACE_MS });
  } catch (error) {
    // The program could not be started (a missing or unbuilt binary).
    throw new ServerStartError(`${commandLine} could not start: ${(error as Error).message}`);
  }
  const { child } = launched;
  let stdout = "";
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    // Keep the tail only: a server under a broken framing may log a line per connection.
    stderr = (stderr + text).slice(-4000);
  });
  try {
    const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ServerStartError(`${commandLine} did not listen within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.stdout?.setEncoding("utf8").on("data", (text: string) => {
        stdout += text;
        const address = splitHostPort(/listening on (\S+)\n/.exec(stdout)?.[1] ?? "");
        if (!address) return;
        clearTimeout(timer);
        resolve(address);
      });
      void launched.exited.then((status) => {
        clearTimeout(timer);
        reject(new ServerStartError(`${commandLine} ${describeExit(status)}: ${stderr.trim()}`));
      });
    });
    return { ...address, pid: launched.pid, stop: () => launched.stop() };
  } catch (error) {
    // No time to be polite to a server that never listened: kill it (and its group) at once.
    await launched.stop(0);
    throw error;
  }
}
