// A framing or variant is called fastest (★) only where the rounds say so: the fastest cell, and every
// cell it is not significantly faster than by a Mann-Whitney U test over the rounds.

import { describe, expect, it } from "vitest";
import { groupRuns, renderBenchTables } from "../src/report/bench-report.js";
import type { BenchRun } from "../src/results/bench-result.js";
import { roundIntervals } from "../src/results/bench-rounds.js";
import { ERROR_KINDS } from "../src/results/load-result.js";
import { loadRoundFixture } from "./support/bench-fixtures.js";

function cell(variant: string, rates: number[]): BenchRun {
  return loadRoundFixture(
    { framing: "length", variant, size: 64, connections: 10, pipelining: 1, fragmentation: "none" },
    rates,
  );
}

describe("the bench table's fastest cells", () => {
  it("are the fastest and those it does not beat significantly; a clear winner stands alone", () => {
    const clear = groupRuns([
      cell("concurrent", [100, 101, 102, 103, 104, 105, 106]),
      cell("cluster", [200, 201, 202, 203, 204, 205, 206]),
    ])[0];
    expect(clear?.leaders.map((run) => run.scenario.variant)).toEqual(["cluster"]);
    const overlapping = groupRuns([
      cell("concurrent", [100, 110, 120, 130, 140, 150, 160]),
      cell("cluster", [105, 115, 125, 135, 145, 155, 165]),
    ])[0];
    expect(overlapping?.leaders.map((run) => run.scenario.variant)).toEqual(["concurrent", "cluster"]);
    expect(renderBenchTables([cell("concurrent", [100, 110, 120, 130, 140, 150, 160])])).toContain(
      "★ 130 msg/s (100–160)",
    );
  });

  it("share the 5% among the comparisons with the fastest: p 0.038 calls one of two cells slower, not one of three", () => {
    const fastest = cell("concurrent", [1015, 1045, 1055, 1065, 1075, 1085, 1095]);
    const close = cell("cluster", [1000, 1010, 1020, 1030, 1040, 1050, 1060]);
    expect(groupRuns([fastest, close])[0]?.leaders.map((run) => run.scenario.variant)).toEqual([
      "concurrent",
    ]);
    const third = cell("sequential", [10, 11, 12, 13, 14, 15, 16]);
    expect(groupRuns([fastest, close, third])[0]?.leaders.map((run) => run.scenario.variant)).toEqual([
      "concurrent",
      "cluster",
    ]);
  });

  it("only the fastest when the cells have no rounds (files from before rounds)", () => {
    const old = (variant: string, rate: number) => {
      const { rounds: _, intervals: __, ...rest } = cell(variant, [rate]);
      return rest;
    };
    const group = groupRuns([old("concurrent", 100), old("cluster", 101)])[0];
    expect(group?.leaders.map((run) => run.scenario.variant)).toEqual(["cluster"]);
  });

  it("shows the median p99 over the rounds beside its interval, not the median-throughput round's own", () => {
    const run = loadRoundFixture(
      {
        framing: "length",
        variant: "concurrent",
        size: 64,
        connections: 10,
        pipelining: 1,
        fragmentation: "none",
      },
      [100, 110, 120, 130, 140, 150, 160],
      [900, 200, 300, 400, 500, 600, 700],
    );
    expect(run.latencyUs.p99).toBe(900);
    expect(renderBenchTables([run])).toContain("p99 0.50 ms (0.20 ms–0.90 ms)");
  });

  it("keeps the CPU interval only when every round measured it", () => {
    const errors = Object.fromEntries(ERROR_KINDS.map((kind) => [kind, 0])) as BenchRun["errors"];
    const rounds = [1, 2, 3].map((index) => ({ messagesPerSec: index, p99Us: index, errors }));
    expect(roundIntervals(rounds).serverUsPerMessage).toBeUndefined();
    const measured = rounds.map((round, index) => ({ ...round, serverUsPerMessage: 10 + index }));
    expect(roundIntervals(measured).serverUsPerMessage).toMatchObject({ median: 11, low: 10, high: 12 });
  });
});
