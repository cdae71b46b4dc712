// The CPU reader against real processes: a child that spins is seen in its own counters and in its
// parent's tree, and a pid that does not exist reads as undefined.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { canReadProcessCpu, readProcessTreeCpu } from "../src/platform/process-cpu.js";

function readProcessTreeCpuUs(pid: number): number | undefined {
  return readProcessTreeCpu(pid)?.cpuUs;
}

/** Spinners run until they have used this much CPU (not wall time: a busy machine shares its cores). */
const SPIN_CPU_US = 200_000;
const spin = `const start = process.cpuUsage(); while (true) { const used = process.cpuUsage(start); if (used.user + used.system >= ${SPIN_CPU_US}) break; }`;

describe("process CPU from /proc (Linux)", () => {
  it("reads this system's counters", () => {
    expect(canReadProcessCpu()).toBe(true);
  });

  it("counts a spinning child in its own figure and in its parent's tree", async () => {
    // The child spins, then waits for stdin to close, so it is alive when read.
    const child = spawn(process.execPath, ["-e", `${spin}; console.log("spun"); process.stdin.resume();`], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      const before = readProcessTreeCpuUs(process.pid) as number;
      await once(child.stdout, "data");
      const childCpuUs = readProcessTreeCpuUs(child.pid as number) as number;
      const treeCpuUs = readProcessTreeCpuUs(process.pid) as number;
      // /proc counts whole 10 ms ticks.
      expect(childCpuUs).toBeGreaterThanOrEqual(SPIN_CPU_US - 20_000);
      expect(treeCpuUs - before).toBeGreaterThanOrEqual(childCpuUs - 20_000);
    } finally {
      child.stdin.end();
      await once(child, "exit");
    }
  });

  it("tells the kernel's part apart: what /proc says matches the child's own user and system time", async () => {
    // The child writes to /dev/null (system time), then spins on the vDSO clock (user time, no system
    // calls), then reports its own process.cpuUsage() and waits: /proc must split its time the same way.
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs"); const fd = fs.openSync("/dev/null", "w"); const bytes = Buffer.alloc(1);
        while (process.cpuUsage().system < ${SPIN_CPU_US}) for (let i = 0; i < 1000; i++) fs.writeSync(fd, bytes);
        const end = performance.now() + ${(3 * SPIN_CPU_US) / 1000}; while (performance.now() < end);
        console.log(JSON.stringify(process.cpuUsage())); process.stdin.resume();`,
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      const own = JSON.parse(line.toString()) as NodeJS.CpuUsage;
      const cpu = readProcessTreeCpu(child.pid as number);
      const systemUs = cpu?.systemUs ?? 0;
      const userUs = (cpu?.cpuUs ?? 0) - systemUs;
      // The two parts differ by far more than the tolerance, so reading one as the other fails.
      expect(own.user - own.system).toBeGreaterThan(SPIN_CPU_US);
      // /proc counts 10 ms ticks, and the child did a little more after reporting.
      expect(Math.abs(systemUs - own.system)).toBeLessThan(40_000);
      expect(Math.abs(userUs - own.user)).toBeLessThan(40_000);
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

describe("the driver's own CPU", () => {
  it("process.cpuUsage counts a worker thread's CPU (the driver's --workers)", async () => {
    const { Worker } = await import("node:worker_threads");
    const before = process.cpuUsage();
    const worker = new Worker(`${spin}; require("node:worker_threads").parentPort.postMessage("spun");`, {
      eval: true,
    });
    await once(worker, "message");
    await worker.terminate();
    const usage = process.cpuUsage(before);
    // The worker spun until process.cpuUsage, read in its own thread, showed SPIN_CPU_US: were that
    // figure per thread, this thread, which only waited, would see far less.
    expect(usage.user + usage.system).toBeGreaterThanOrEqual(SPIN_CPU_US);
  });
});
