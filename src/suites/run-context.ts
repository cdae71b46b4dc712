// Describes the machine and the invocation a result comes from (recorded in bench, load and check
// results): cores, CPU model, memory, Node, platform; the command line; the sockbench commit when the
// running code is a git checkout of sockbench itself (not a project that installed it).

import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, totalmem } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { MachineInfo, RunContext } from "../results/run-context.js";

export function describeMachine(): MachineInfo {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memory: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The folder holding package.json: up from src/suites/ (sources) or dist/src/suites/ (build). */
function packageRoot(): string {
  const suites = dirname(fileURLToPath(import.meta.url));
  const src = dirname(suites);
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

/** The command line as typed after `node`: "sockbench bench --profile quick". */
export function describeRun(argv: readonly string[] = process.argv): RunContext {
  const words = ["sockbench", ...argv.slice(2)].map((word) =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word),
  );
  const commit = sockbenchCommit();
  return { commandLine: words.join(" "), ...(commit !== undefined ? { gitCommit: commit } : {}) };
}
