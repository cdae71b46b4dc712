// Properties of the pure pieces behind the reports: per-second latency merges second by second as if
// recorded in one histogram, --percentiles parses what it prints and refuses the rest, and .hgrm paths
// never collide.

import { InvalidArgumentError } from "commander";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePercentileList } from "../src/cli/option-parsers.js";
import { hgrmPaths } from "../src/cli/report-outputs.js";
import type { ScenarioRow } from "../src/report/scenario-rows.js";
import { createLatencyHistogram, encodeHistogram } from "../src/results/latency-histogram.js";
import { mergeSecondHistograms, p99OfEachSecond } from "../src/results/per-second-latency.js";

/** Latencies (µs) by second, as one worker would record them. */
const secondsOfLatencies = fc.array(fc.array(fc.integer({ min: 0, max: 5_000_000 }), { maxLength: 40 }), {
  maxLength: 6,
});

function encodeSeconds(seconds: number[][]): string[] {
  return seconds.map((latencies) => {
    const histogram = createLatencyHistogram();
    for (const latencyUs of latencies) histogram.recordValue(latencyUs);
    return encodeHistogram(histogram);
  });
}

describe("per-second latency", () => {
  it("merges two workers' seconds into the p99 of all their replies in each second", () => {
    fc.assert(
      fc.property(secondsOfLatencies, secondsOfLatencies, (a, b) => {
        const merged = p99OfEachSecond(mergeSecondHistograms(encodeSeconds(a), encodeSeconds(b)));
        const together = Array.from({ length: Math.max(a.length, b.length) }, (_, second) => [
          ...(a[second] ?? []),
          ...(b[second] ?? []),
        ]);
        expect(merged).toEqual(p99OfEachSecond(encodeSeconds(together)));
      }),
      { numRuns: 60 },
    );
  });
});

describe("--percentiles", () => {
  it("parses any list of percentiles in (0, 100] into its sorted, distinct values", () => {
    const percentile = fc
      .integer({ min: 1, max: 1_000_000 })
      .map((tenThousandths) => tenThousandths / 10_000);
    fc.assert(
      fc.property(fc.array(percentile, { minLength: 1, maxLength: 8 }), (values) => {
        const parsed = parsePercentileList(values.map(String).join(","));
        expect(parsed).toEqual([...new Set(values)].sort((x, y) => x - y));
      }),
    );
  });

  it("refuses 0, more than 100, negatives, words and empty entries", () => {
    for (const text of ["0", "100.5", "-1", "p99", "50,,99", "", "50;99"]) {
      expect(() => parsePercentileList(text), text).toThrow(InvalidArgumentError);
    }
  });
});

describe(".hgrm paths", () => {
  it("give one scenario the path asked for and several scenarios distinct paths beside it", () => {
    const row = (source: string, key: string) => ({ source, key }) as ScenarioRow;
    expect(hgrmPaths("out/run.hgrm", [row("a.json", "length x 64 c1 p1 none")])).toEqual(["out/run.hgrm"]);
    const keys = fc.array(
      fc.tuple(fc.constantFrom("a.json", "dir/a.json", "b.json"), fc.constantFrom("x", "x-1", "x 1", "y")),
      {
        minLength: 2,
        maxLength: 10,
      },
    );
    fc.assert(
      fc.property(keys, (pairs) => {
        const paths = hgrmPaths(
          "out/run.hgrm",
          pairs.map(([source, key]) => row(source, key)),
        );
        expect(new Set(paths).size).toBe(paths.length);
        for (const path of paths) expect(path).toMatch(/^out\/run\..*\.hgrm$/);
      }),
    );
  });
});
