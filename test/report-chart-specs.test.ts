// The HTML report's charts as data: a group whose scenarios last under two whole seconds gets no
// per-second charts (each line would be one dot, as the quick profile's 500 ms rounds drew), and a
// user's own server is drawn thick and named so among the built-in ones.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildChartSpecs } from "../src/report/html/chart-specs.js";
import { scenarioRows } from "../src/report/scenario-rows.js";
import type { BenchResult } from "../src/results/bench-result.js";

function baseline(durationS: number): BenchResult {
  const path = resolve(import.meta.dirname, "..", "results", "baseline-quick.json");
  const result = JSON.parse(readFileSync(path, "utf8")) as BenchResult;
  for (const run of result.runs) run.durationS = durationS;
  return result;
}

describe("HTML report charts", () => {
  it("draws per-second charts only for scenarios of two whole seconds or more", () => {
    const kinds = (durationS: number) =>
      buildChartSpecs(scenarioRows({ kind: "bench", source: "b.json", result: baseline(durationS) })).map(
        (chart) => chart.xKind,
      );
    expect(kinds(1.5)).toEqual(["percentile", "percentile"]);
    // The recorded baseline keeps no per-second p99: one per-second chart (messages) per group.
    expect(kinds(2)).toEqual(["percentile", "second", "percentile", "second"]);
    // A 2 s run whose window a busy machine ended a little short still has its two seconds.
    expect(kinds(1.97)).toEqual(["percentile", "second", "percentile", "second"]);
  });

  it("draws the user's own server thick and labelled", () => {
    const result = baseline(1);
    const own = result.runs[0];
    if (own === undefined) throw new Error("no run");
    own.scenario = { ...own.scenario, variant: "exercise5", server: "python3 server.py {port}" };
    const [latency] = buildChartSpecs(scenarioRows({ kind: "bench", source: "b.json", result }));
    const ownLine = latency?.series.find((series) => series.label.includes("exercise5"));
    const others = latency?.series.filter((series) => series !== ownLine) ?? [];
    expect(ownLine?.label).toMatch(/\(your server\)$/);
    expect(others.length).toBeGreaterThan(10);
    for (const other of others) expect(ownLine?.width).toBeGreaterThan(other.width);
  });
});
