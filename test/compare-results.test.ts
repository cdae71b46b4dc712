// The comparison of two result files: thresholds, errors gained, known-broken framings, bad files.

import { describe, expect, it } from "vitest";
import {
  type ComparisonRow,
  comparableFile,
  compareRuns,
  machineWarning,
} from "../src/report/compare-results.js";
import { verdict } from "../src/report/comparison-cells.js";
import { renderComparison } from "../src/report/comparison-table.js";
import { comparisonTableHtml } from "../src/report/html/comparison-table.js";
import { loadRoundFixture } from "./support/bench-fixtures.js";

const comparableRuns = (json: unknown, source: string) => comparableFile(json, source).runs;

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

function loadFile(
  target: string,
  overrides: Record<string, unknown> = {},
  machine?: Record<string, unknown>,
) {
  return {
    tool: "sockbench",
    ...(machine ? { machine } : {}),
    config: { target, framing: "length", connections: 10, pipelining: 1, sizes: [64, 1024], ...overrides },
    throughput: { messagesPerSec: 1000, bytesPerSec: 64_000 },
    latencyUs: { p99: 100 },
    errors: { mismatch: 0, timeout: 0, reset: 0, protocol: 0, connect: 0 },
  };
}

const machineA = { cpus: 2, cpuModel: "AMD EPYC", memory: 1, node: "v20.19.0", platform: "linux x64" };

describe("comparing load results", () => {
  it("keys by what was run, not by the address it ran against", () => {
    const a = comparableFile(loadFile("127.0.0.1:4000", { label: "before" }), "a.json");
    const b = comparableFile(loadFile("127.0.0.1:5000", { label: "after" }), "b.json");
    const rows = compareRuns(a.runs, b.runs, options);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key).toBe("length 64 B,1 KiB c10 p1");
    expect(rows[0]?.before && rows[0]?.after).toBeTruthy();
    expect([a.label, b.label]).toEqual(["before", "after"]);
  });

  it("keeps runs of a different rate, pipelining or size apart", () => {
    const base = comparableFile(loadFile("h:1"), "a").runs;
    for (const change of [{ rate: 2000 }, { pipelining: 4 }, { sizes: [64] }, { framing: "eof" }]) {
      const rows = compareRuns(base, comparableFile(loadFile("h:1", change), "b").runs, options);
      expect(rows, JSON.stringify(change)).toHaveLength(2);
    }
    expect(scenarioKeyOf(loadFile("h:1", { rate: 2000 }))).toBe("length 64 B,1 KiB c10 p1 rate 2,000/s");
  });

  it("warns when the files come from different machines, or one does not say", () => {
    const same = comparableFile(loadFile("h:1", {}, machineA), "a");
    const other = comparableFile(loadFile("h:1", {}, { ...machineA, cpus: 8, node: "v24.1.0" }), "b");
    expect(machineWarning(same, same)).toBeUndefined();
    expect(machineWarning(same, other)).toBe(
      "the files come from different machines (2 vs 8 cores, Node v20.19.0 vs v24.1.0): speed differences say little about the code; --correctness-only judges errors alone",
    );
    expect(machineWarning(same, comparableFile(loadFile("h:1"), "old.json"))).toMatch(
      /^old.json does not record the machine it ran on/,
    );
  });

  it("counts a bench cell's errors over all its rounds", () => {
    const file = benchFile([{ framing: "eof", messagesPerSec: 1, p99: 1 }]);
    const errors = { mismatch: 0, timeout: 0, reset: 0, protocol: 0, connect: 0 };
    (file.runs[0] as Record<string, unknown>).rounds = [
      { messagesPerSec: 1, p99Us: 1, errors },
      { messagesPerSec: 1, p99Us: 1, errors: { ...errors, reset: 2 } },
    ];
    expect(comparableRuns(file, "a")[0]?.errorCount).toBe(2);
  });
});

function scenarioKeyOf(json: unknown): string {
  return compareRuns(comparableRuns(json, "x"), [], options)[0]?.key ?? "";
}

describe("compare tests before it judges", () => {
  const scenario = {
    framing: "length",
    variant: "concurrent",
    size: 64,
    connections: 10,
    pipelining: 1,
    fragmentation: "none",
  } as const;
  const cellWith = (rates: number[], p99 = 500) =>
    comparableFile({ tool: "sockbench", runs: [loadRoundFixture(scenario, rates, p99)] }, "x").runs;

  it("calls a 15 % fall within the rounds' noise ~, not a regression", () => {
    const noisy = [800, 900, 1000, 1100, 1200, 950, 1050];
    const rows = compareRuns(cellWith(noisy), cellWith(noisy.map((rate) => rate * 0.85)), options);
    expect(rows[0]?.throughputTest?.significant).toBe(false);
    expect(rows[0]?.regressions).toEqual([]);
    expect(renderComparison(rows)).toMatch(/~ \(p=0\.\d{3}\)/);
  });

  it("reports a significant fall beyond the threshold with its interval and p-value", () => {
    const steady = [1000, 1005, 995, 1002, 998, 1001, 999];
    const rows = compareRuns(cellWith(steady), cellWith(steady.map((rate) => rate * 0.8)), options);
    const test = rows[0]?.throughputTest;
    expect(test?.significant).toBe(true);
    expect(test?.ratio).toBeCloseTo(0.8, 2);
    expect(test?.low).toBeLessThanOrEqual(0.8);
    expect(test?.high).toBeGreaterThanOrEqual(0.8);
    expect(rows[0]?.regressions).toEqual(["throughput fell 20%"]);
    const table = renderComparison(rows);
    expect(table).toMatch(/-20% \(-20\.\d% to -19\.\d%, p=6e-4\)/);
    expect(table).toMatch(/geometric mean of B\/A msg\/s \(1\)\s*│[^│]*│[^│]*│ -20%/);
  });

  it("does not call a significant change within the threshold a regression", () => {
    const steady = [1000, 1005, 995, 1002, 998, 1001, 999];
    const rows = compareRuns(cellWith(steady), cellWith(steady.map((rate) => rate * 0.95)), options);
    expect(rows[0]?.throughputTest?.significant).toBe(true);
    expect(rows[0]?.regressions).toEqual([]);
  });

  it("shares the 5% among the tested cells: a change at p=0.038 holds alone, not beside a second cell", () => {
    const a = [1000, 1010, 1020, 1030, 1040, 1050, 1060];
    const b = [1015, 1045, 1055, 1065, 1075, 1085, 1095];
    const alone = compareRuns(cellWith(a), cellWith(b), options);
    expect(alone[0]?.throughputTest).toMatchObject({ family: 1, significant: true });
    expect(alone[0]?.throughputTest?.pValue).toBeCloseTo(0.0379, 4);
    const other = comparableFile(
      { tool: "sockbench", runs: [loadRoundFixture({ ...scenario, size: 1024 }, a)] },
      "x",
    ).runs;
    const two = compareRuns([...cellWith(a), ...other], [...cellWith(b), ...other], options);
    expect(two[0]?.throughputTest).toMatchObject({ family: 2, significant: false });
    expect(two[0]?.throughputTest?.low).toBeLessThan(1);
    expect(renderComparison(two)).toContain("~ (p=0.038 > 0.025)");
  });

  it("cannot decide with three rounds each, and says that files without rounds are untested", () => {
    const rows = compareRuns(cellWith([1000, 1001, 1002]), cellWith([500, 501, 502]), options);
    expect(rows[0]?.throughputTest?.pValue).toBeCloseTo(0.1, 9);
    expect(rows[0]?.regressions).toEqual([]);
    const before = comparableRuns(benchFile([{ framing: "length", messagesPerSec: 1000, p99: 100 }]), "a");
    const after = comparableRuns(benchFile([{ framing: "length", messagesPerSec: 800, p99: 100 }]), "b");
    expect(verdict(compareRuns(before, after, options)[0] as ComparisonRow)).toBe(
      "throughput fell 20% (untested: no rounds to test)",
    );
  });
});

describe("the text and HTML comparison tables", () => {
  it("render the same cells for one comparison, error counts included", () => {
    const before = comparableRuns(
      benchFile([{ framing: "eof", messagesPerSec: 1_000_000, p99: 100, mismatch: 1234 }]),
      "a",
    );
    const after = comparableRuns(
      benchFile([{ framing: "eof", messagesPerSec: 800_000, p99: 150, mismatch: 56789 }]),
      "b",
    );
    const rows = compareRuns(before, after, options);
    const html = comparisonTableHtml(rows);
    const htmlCells = [...html.matchAll(/<td>([^<]*)<\/td>/g)].map((match) =>
      (match[1] as string).replaceAll("&gt;", ">").replace(/^✗ /, ""),
    );
    const textCells = (renderComparison(rows).split("\n")[3] as string)
      .split("│")
      .slice(1, -1)
      .map((cell) => cell.trim());
    expect(htmlCells).toEqual(textCells);
    expect(htmlCells).toContain("1,234 → 56,789");
    expect(htmlCells).toContain("1,000,000");
  });
});
