// The absolute gates of load and bench (--max-p99, --max-errors, --min-throughput), and their parsers.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLatencyUs, parseRatePerSecond } from "../src/cli/option-parsers.js";
import { failedGates } from "../src/report/gates.js";

describe("failedGates", () => {
  it("fails exactly the gates whose bound the figures cross", () => {
    const figures = fc.record({
      p99Us: fc.integer({ min: 0, max: 10_000_000 }),
      errors: fc.integer({ min: 0, max: 1000 }),
      messagesPerSec: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(figures, figures, (run, bounds) => {
        const failures = failedGates(run, {
          maxP99Us: bounds.p99Us,
          maxErrors: bounds.errors,
          minThroughput: bounds.messagesPerSec,
        });
        expect(failures.some((failure) => failure.includes("--max-p99"))).toBe(run.p99Us > bounds.p99Us);
        expect(failures.some((failure) => failure.includes("--max-errors"))).toBe(run.errors > bounds.errors);
        expect(failures.some((failure) => failure.includes("--min-throughput"))).toBe(
          run.messagesPerSec < bounds.messagesPerSec,
        );
      }),
    );
    expect(failedGates({ p99Us: 1, errors: 9, messagesPerSec: 0 }, {})).toEqual([]);
  });

  it("says each failure with the figure and the bound", () => {
    expect(
      failedGates(
        { p99Us: 3100, errors: 1, messagesPerSec: 41_000 },
        { maxP99Us: 2000, maxErrors: 0, minThroughput: 50_000 },
      ),
    ).toEqual([
      "p99 3.10 ms above --max-p99 2.00 ms",
      "1 error above --max-errors 0",
      "41,000 msg/s below --min-throughput 50,000",
    ]);
  });
});

describe("gate parsers", () => {
  it("reads latencies finer than a millisecond; a bare number is seconds", () => {
    expect(parseLatencyUs("2ms")).toBe(2000);
    expect(parseLatencyUs("500us")).toBe(500);
    expect(parseLatencyUs("500µs")).toBe(500);
    expect(parseLatencyUs("0.5ms")).toBe(500);
    expect(parseLatencyUs("1")).toBe(1_000_000);
    expect(() => parseLatencyUs("fast")).toThrow(/expected a latency such as 2ms, 500us or 0.5ms/);
  });

  it("reads rates with k and M", () => {
    expect(parseRatePerSecond("50k")).toBe(50_000);
    expect(parseRatePerSecond("1.5M")).toBe(1_500_000);
    expect(parseRatePerSecond("1200")).toBe(1200);
    expect(parseRatePerSecond("50k/s")).toBe(50_000);
    expect(() => parseRatePerSecond("lots")).toThrow(
      /expected messages per second such as 50000, 50k or 1.5M/,
    );
  });
});
