// The comparison of two result files: thresholds, errors gained, known-broken framings, bad files.

import { describe, expect, it } from "vitest";
import { comparableRuns, compareRuns } from "../src/report/compare-results.js";

function benchFile(runs: { framing: string; messagesPerSec: number; p99: number; mismatch?: number }[]) {
  return {
    tool: "sockbench",
    runs: runs.map((run) => ({
      scenario: {
        framing: run.framing,
        variant: "concurrent",
        size: 64,
        connections: 10,
        pipelining: 1,
        fragmentation: "none",
      },
      throughput: { messagesPerSec: run.messagesPerSec, bytesPerSec: run.messagesPerSec * 64 },
      latencyUs: { p99: run.p99 },
      errors: { mismatch: run.mismatch ?? 0, timeout: 0, reset: 0, protocol: 0, connect: 0 },
    })),
  };
}

const options = { threshold: 0.1, correctnessOnly: false };

describe("compareRuns", () => {
  it("passes changes within the threshold and flags those beyond it", () => {
    const before = comparableRuns(benchFile([{ framing: "length", messagesPerSec: 1000, p99: 100 }]), "a");
    const within = comparableRuns(benchFile([{ framing: "length", messagesPerSec: 905, p99: 109 }]), "b");
    const beyond = comparableRuns(benchFile([{ framing: "length", messagesPerSec: 850, p99: 130 }]), "b");
    expect(compareRuns(before, within, options)[0]?.regressions).toEqual([]);
    expect(compareRuns(before, beyond, options)[0]?.regressions).toEqual([
      "throughput fell 15%",
      "p99 rose 30%",
    ]);
  });

  it("flags any error gained by a correct framing, but not by naive, and ignores speed when asked", () => {
    const before = comparableRuns(
      benchFile([
        { framing: "eof", messagesPerSec: 1000, p99: 100 },
        { framing: "naive", messagesPerSec: 1000, p99: 100 },
      ]),
      "a",
    );
    const after = comparableRuns(
      benchFile([
        { framing: "eof", messagesPerSec: 100, p99: 1000, mismatch: 1 },
        { framing: "naive", messagesPerSec: 1000, p99: 100, mismatch: 50 },
      ]),
      "b",
    );
    const rows = compareRuns(before, after, { threshold: 0.1, correctnessOnly: true });
    expect(rows.map((row) => row.regressions)).toEqual([["errors rose from 0 to 1"], []]);
  });

  it("lists scenarios found in one file only without judging them", () => {
    const before = comparableRuns(benchFile([{ framing: "eof", messagesPerSec: 1, p99: 1 }]), "a");
    const after = comparableRuns(benchFile([{ framing: "fixed", messagesPerSec: 1, p99: 1 }]), "b");
    const rows = compareRuns(before, after, options);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.regressions.length === 0)).toBe(true);
  });

  it("says what is wrong with a file that is not a result", () => {
    expect(() => comparableRuns([], "x.json")).toThrowError(
      'x.json: not a sockbench result (no "tool": "sockbench")',
    );
    const broken = benchFile([{ framing: "eof", messagesPerSec: 1, p99: 1 }]);
    (broken.runs[0] as { latencyUs: unknown }).latencyUs = {};
    expect(() => comparableRuns(broken, "y.json")).toThrowError(
      "y.json: runs[0].latencyUs.p99 is not a number",
    );
  });
});
