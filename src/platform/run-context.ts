// Describes the machine and the invocation a result comes from (recorded in bench, load and check
// results): cores, CPU model, memory, Node, platform; the command line; the sockbench commit when the
// running code is a git checkout of sockbench itself (not a project that installed it).

import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, totalmem } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { shellCommand } from "./shell-quote.js";

export interface MachineInfo {
  /** Cores available to the process. */
  cpus: number;
  cpuModel: string;
  /** Total memory, bytes. */
  memory: number;
  /** Node's version, e.g. v20.19.0. */
  node: string;
  /** e.g. "linux x64". */
  platform: string;
}

export interface RunContext {
  /** The command as typed, shell-quoted so that it pastes back: "sockbench bench --profile quick". */
  commandLine: string;
  /** The commit of the sockbench checkout that ran, when it ran from one. */
  gitCommit?: string;
}

export function describeMachine(): MachineInfo {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memory: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The folder holding package.json: up from src/platform/ (sources) or dist/src/platform/ (build). */
function packageRoot(): string {
  const src = dirname(dirname(fileURLToPath(import.meta.url)));
  return basename(dirname(src)) === "dist" ? resolve(src, "../..") : resolve(src, "..");
}

let gitCommit: string | undefined | null = null;

/** HEAD of the checkout sockbench runs from, or undefined when it is not one (an npm install). */
function sockbenchCommit(): string | undefined {
  if (gitCommit !== null) return gitCommit;
  const root = packageRoot();
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", root, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 2000,
      }).trim();
    // A sockbench installed inside another project's repository must not report that project's commit.
    gitCommit = resolve(git("rev-parse", "--show-toplevel")) === root ? git("rev-parse", "HEAD") : undefined;
  } catch {
    gitCommit = undefined;
  }
  return gitCommit;
}

/** The command line as typed after `node`, quoted for a POSIX shell: "sockbench load --ready 'up now'". */
export function describeRun(argv: readonly string[] = process.argv): RunContext {
  const commit = sockbenchCommit();
  return {
    commandLine: shellCommand(["sockbench", ...argv.slice(2)]),
    ...(commit !== undefined ? { gitCommit: commit } : {}),
  };
}
