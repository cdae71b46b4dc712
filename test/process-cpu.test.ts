// The CPU reader against real processes: a child that spins is seen in its own counters and in its
// parent's tree, and a pid that does not exist reads as undefined.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { canReadProcessCpu, readProcessTreeCpuUs } from "../src/clients/process-cpu.js";

const SPIN_MS = 400;

describe("process CPU from /proc (Linux)", () => {
  it("reads this system's counters", () => {
    expect(canReadProcessCpu()).toBe(true);
  });

  it("counts a spinning child in its own figure and in its parent's tree", async () => {
    // The child spins for SPIN_MS of wall time, then waits for stdin to close, so it is alive when read.
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const end = Date.now() + ${SPIN_MS}; while (Date.now() < end); console.log("spun"); process.stdin.resume();`,
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    try {
      const before = readProcessTreeCpuUs(process.pid) as number;
      await once(child.stdout, "data");
      const childCpuUs = readProcessTreeCpuUs(child.pid as number) as number;
      const treeCpuUs = readProcessTreeCpuUs(process.pid) as number;
      // On a shared machine the child may get less than its wall time, but it gets a good share of it.
      expect(childCpuUs).toBeGreaterThanOrEqual(50_000);
      expect(treeCpuUs - before).toBeGreaterThanOrEqual(childCpuUs - 20_000);
    } finally {
      child.stdin.end();
      await once(child, "exit");
    }
  });

  it("reads a pid that does not exist as undefined", () => {
    // pid_max is at most 4194304 on Linux.
    expect(readProcessTreeCpuUs(4_194_305)).toBeUndefined();
  });
});
