// Runs the built CLI (dist/src/cli.js) as a child process, as a user would: build first (npm test does).

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export const CLI_PATH = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  host: string;
  port: number;
  /** What followed `listening on`: `HOST:PORT`, `tls://HOST:PORT` or `unix:PATH` (then port is 0). */
  address: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Settles when the process exits. */
  exited: Promise<CliResult>;
}

function collect(child: ChildProcess): {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<CliResult>;
} {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = once(child, "close").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

export interface CliOptions {
  /** Added to (or overriding) this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** A command that runs node, such as ["prlimit", "--nofile=256"] to lower a limit for the child alone. */
  prefix?: string[];
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).exited;
}

/** Starts any command and hands back the child and its output so far, e.g. to signal it mid-run. */
export function spawnCli(
  args: string[],
  options: CliOptions = {},
): { child: ChildProcess } & ReturnType<typeof collect> {
  const [command, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
  const child = spawn(command as string, [...prefixArgs, CLI_PATH, ...args], {
    stdio: "pipe",
    env: { ...process.env, ...options.env },
  });
  return { child, ...collect(child) };
}

/** Starts a server command and resolves once it prints `listening on HOST:PORT`. */
export async function startCli(
  args: string[],
  timeoutMs = 10_000,
  options: CliOptions = {},
): Promise<RunningCli> {
  const { child, ...output } = spawnCli(args, options);
  const address = await new Promise<{ host: string; port: number; address: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      const match = /listening on (\S+)\n/.exec(output.stdout());
      if (!match) return;
      clearTimeout(timer);
      const announced = match[1] as string;
      const hostPort = /^(.+):(\d+)$/.exec(announced);
      resolve({ host: hostPort?.[1] ?? announced, port: Number(hostPort?.[2] ?? 0), address: announced });
    };
    child.stdout?.on("data", check);
    void output.exited.then((result) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${result.code} before listening: ${result.stderr}`));
    });
  });
  return { child, ...address, stderr: output.stderr, exited: output.exited };
}
