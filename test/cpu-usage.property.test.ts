// The CPU figures of a result, as properties: per message and share of a core follow from the times,
// saturation is judged against the driver's own cores, and merging side-by-side runs counts a shared
// server once.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addCpuTimes, cpuFigures, SATURATED_SHARE, saturationWarning } from "../src/results/cpu-usage.js";

/** Times with their kernel parts (a fraction of each total). */
const times = fc
  .record({
    driverUs: fc.integer({ min: 0, max: 1e10 }),
    driverCores: fc.integer({ min: 1, max: 64 }),
    serverUs: fc.integer({ min: 0, max: 1e10 }),
    serverPid: fc.integer({ min: 1, max: 4_194_304 }),
    driverKernelShare: fc.double({ min: 0, max: 1, noNaN: true }),
    serverKernelShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ driverKernelShare, serverKernelShare, ...rest }) => ({
    ...rest,
    driverSystemUs: Math.floor(rest.driverUs * driverKernelShare),
    serverSystemUs: Math.floor(rest.serverUs * serverKernelShare),
  }));
const durationS = fc.double({ min: 0.001, max: 1e5, noNaN: true });
const verified = fc.integer({ min: 0, max: 1e9 });

describe("CPU figures", () => {
  it("per message and share of a core follow from the times", () => {
    fc.assert(
      fc.property(times, durationS, verified, (cpuTimes, seconds, messages) => {
        const cpu = cpuFigures(cpuTimes, seconds, messages);
        expect(cpu.driver.coreShare).toBeCloseTo(cpuTimes.driverUs / 1e6 / seconds, 2);
        expect(cpu.server?.coreShare).toBeCloseTo(cpuTimes.serverUs / 1e6 / seconds, 2);
        expect(cpu.server?.pid).toBe(cpuTimes.serverPid);
        expect(cpu.driver.systemUs).toBe(cpuTimes.driverSystemUs);
        expect(cpu.server?.systemUs).toBe(cpuTimes.serverSystemUs);
        if (messages === 0) {
          expect(cpu.driver.usPerMessage).toBeUndefined();
        } else {
          expect(cpu.driver.usPerMessage).toBeCloseTo(cpuTimes.driverUs / messages, 3);
          expect(cpu.server?.usPerMessage).toBeCloseTo(cpuTimes.serverUs / messages, 3);
        }
      }),
    );
  });

  it("calls the driver saturated, with a warning, exactly when it used 90% of its own cores", () => {
    fc.assert(
      fc.property(times, durationS, (cpuTimes, seconds) => {
        const cpu = cpuFigures(cpuTimes, seconds, 1);
        const saturated = cpu.driver.coreShare >= SATURATED_SHARE * cpuTimes.driverCores;
        expect(cpu.driver.saturated).toBe(saturated);
        expect(saturationWarning(cpu) !== undefined).toBe(saturated);
      }),
    );
    expect(cpuFigures({ driverUs: 950_000, driverCores: 1 }, 1, 1).driver.saturated).toBe(true);
    expect(cpuFigures({ driverUs: 950_000, driverCores: 2 }, 1, 1).driver.saturated).toBe(false);
  });

  it("leaves the server out when its time is unknown", () => {
    expect(cpuFigures({ driverUs: 1000, driverCores: 1 }, 1, 10).server).toBeUndefined();
  });

  it("adds drivers' times, and counts one server measured by both once", () => {
    fc.assert(
      fc.property(times, times, (a, b) => {
        const sum = addCpuTimes(a, b);
        expect(sum.driverUs).toBe(a.driverUs + b.driverUs);
        expect(sum.driverCores).toBe(a.driverCores + b.driverCores);
        expect(sum.driverSystemUs).toBe(a.driverSystemUs + b.driverSystemUs);
        const shared = addCpuTimes(a, { ...b, serverPid: a.serverPid });
        expect(shared.serverUs).toBe(Math.max(a.serverUs, b.serverUs));
        // The kernel part of the measurement kept, never more than it.
        const kept = a.serverUs >= b.serverUs ? a : b;
        expect(shared.serverSystemUs).toBe(kept.serverSystemUs);
        if (a.serverPid !== b.serverPid) {
          expect(sum.serverUs).toBe(a.serverUs + b.serverUs);
          expect(sum.serverSystemUs).toBe(a.serverSystemUs + b.serverSystemUs);
        }
        const unknown = addCpuTimes(a, { driverUs: b.driverUs, driverCores: b.driverCores });
        expect(unknown.serverUs).toBeUndefined();
        // A result written before the kernel part existed: the sum cannot know it.
        expect(unknown.driverSystemUs).toBeUndefined();
      }),
    );
  });
});
