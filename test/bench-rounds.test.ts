// A bench cell's rounds: the median round stands for the cell and the spread bounds every round.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizeRounds } from "../src/results/bench-rounds.js";
import type { LoadResult } from "../src/results/load-result.js";

function round(messagesPerSec: number, p99: number, timeouts = 0): LoadResult {
  return {
    throughput: { messagesPerSec, bytesPerSec: 0 },
    latencyUs: { p99 },
    errors: { mismatch: 0, timeout: timeouts, reset: 0, protocol: 0, connect: 0 },
  } as unknown as LoadResult;
}

describe("summarizeRounds", () => {
  it("picks the round of median throughput, keeps every round, and bounds them by the spread", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 9 }),
        (rates) => {
          const results = rates.map((rate, index) => round(rate, index + 1));
          const { median, rounds, spread } = summarizeRounds(results);
          expect(results).toContain(median);
          const middle = median.throughput.messagesPerSec;
          expect(rates.filter((rate) => rate < middle).length).toBeLessThanOrEqual(
            Math.floor(rates.length / 2),
          );
          expect(rates.filter((rate) => rate > middle).length).toBeLessThanOrEqual(
            Math.floor(rates.length / 2),
          );
          expect(rounds.map((each) => each.messagesPerSec)).toEqual(rates);
          for (const rate of rates) {
            if (middle > 0) expect(Math.abs(rate - middle)).toBeLessThanOrEqual(spread * middle + 1e-6);
          }
        },
      ),
    );
  });

  it("reports the spread as the farthest round from the median, and each round's errors", () => {
    const { median, spread, rounds } = summarizeRounds([round(900, 5), round(1000, 4, 2), round(1200, 3)]);
    expect(median.throughput.messagesPerSec).toBe(1000);
    expect(spread).toBeCloseTo(0.2);
    expect(rounds[1]?.errors.timeout).toBe(2);
    expect(rounds[1]?.p99Us).toBe(4);
  });
});
