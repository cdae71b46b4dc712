// Runs `sockbench serve` (or another server program, such as bench/'s C echo server) as a child process,
// so that a measured server has its own event loop and core rather than sharing the driver's; resolves
// once the child prints `listening on HOST:PORT`.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { builtModulePath } from "../built-module.js";
import { splitHostPort } from "../host-port.js";
import { ServerStartError } from "../servers/server-start-error.js";
import { forgetGroup, registerGroup } from "../targets/process-group.js";

const START_TIMEOUT_MS = 15_000;

/**
 * glibc's heap setting for the reference servers sockbench starts. By default glibc hands freed memory
 * at the top of its heap back to the kernel past 128 KiB, and the next allocation faults fresh zeroed
 * pages back in: a Node server turning over 64 KiB buffers (node's reads, frames, replies) paid 4 to 8
 * page faults per message, and fixed framing's 64 KiB records cost 200 to 219 us of server CPU each,
 * 77 to 81 us with the threshold at 256 MiB (`load --server-pid`, 10 connections, alternating). A
 * GLIBC_TUNABLES already set is kept; other C libraries ignore the variable.
 */
export const REFERENCE_SERVER_GLIBC_TUNABLES = "glibc.malloc.trim_threshold=268435456";

export interface ServerProcess {
  readonly host: string;
  readonly port: number;
  /** The child's process id (for its CPU time, from /proc). */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after a grace) and waits for it to exit. */
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
  // Its own process group, registered to be killed however sockbench exits (an uncaught error, a second
  // Ctrl-C): a reference server must never outlive the run as an orphan.
  const child: ChildProcess = spawn(file, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
    detached: true,
  });
  if (child.pid !== undefined) {
    const groupId = child.pid;
    registerGroup(groupId);
    child.once("exit", () => forgetGroup(groupId));
  }
  const commandLine = [file, ...args].join(" ");
  let stdout = "";
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    // Keep the tail only: a server under a broken framing may log a line per connection.
    stderr = (stderr + text).slice(-4000);
  });
  const exited = once(child, "exit");
  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ServerStartError(`${commandLine} did not listen within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      const address = splitHostPort(/listening on (\S+)\n/.exec(stdout)?.[1] ?? "");
      if (!address) return;
      clearTimeout(timer);
      resolve(address);
    });
    exited.then(
      ([code]) => {
        clearTimeout(timer);
        reject(new ServerStartError(`${commandLine} exited with ${code}: ${stderr.trim()}`));
      },
      (error: Error) => {
        // The program could not be started (a missing or unbuilt binary).
        clearTimeout(timer);
        reject(new ServerStartError(`${commandLine} could not start: ${error.message}`));
      },
    );
  });
  return {
    ...address,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
