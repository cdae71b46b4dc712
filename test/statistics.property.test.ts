// The statistics bench, compare and ab decide with: the exact U distribution, the U test (against
// scipy.stats.mannwhitneyu's answers), the order-statistic median interval and the Hodges-Lehmann ratio
// interval, as known values and as properties.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { significanceLevel, testChange } from "../src/results/statistics/change-test.js";
import { mannWhitneyU, smallestPValue } from "../src/results/statistics/mann-whitney.js";
import { medianInterval, relativeHalfWidth } from "../src/results/statistics/median-interval.js";
import { normalSurvival, normalUpperQuantile } from "../src/results/statistics/normal-distribution.js";
import { exactUCdf, exactUDistribution } from "../src/results/statistics/rank-sum-distribution.js";
import { ratioInterval } from "../src/results/statistics/ratio-interval.js";
import { SeededRandom } from "../src/seeded-random.js";

/** Distinct positive values (rounds' rates never tie in practice; ties get their own cases). */
const sample = (min: number, max: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: min, maxLength: max });

function choose(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

describe("the exact U distribution", () => {
  it("matches the counts by hand for 2 and 2: U = 0,1,2,3,4 in 1,1,2,1,1 of 6 orderings", () => {
    expect([...exactUDistribution(2, 2)].map((p) => p * 6)).toEqual(
      [1, 1, 2, 1, 1].map((c) => expect.closeTo(c, 12)),
    );
  });

  it("sums to 1, is symmetric, and puts 1 / C(n+m, n) on each end", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (n, m) => {
        const distribution = exactUDistribution(n, m);
        expect(distribution.length).toBe(n * m + 1);
        expect(distribution.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 10);
        for (let u = 0; u <= n * m; u++) {
          expect(distribution[u]).toBeCloseTo(distribution[n * m - u] as number, 12);
        }
        expect(distribution[0]).toBeCloseTo(1 / choose(n + m, n), 14);
        expect(exactUCdf(n, m, n * m)).toBeCloseTo(1, 10);
      }),
    );
  });

  it("equals a count over every ordering for small samples", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (n, m) => {
        // Every subset of n positions among n + m is one ordering; U counts (x above y) pairs.
        const counts = new Array<number>(n * m + 1).fill(0);
        for (let mask = 0; mask < 2 ** (n + m); mask++) {
          let xs = 0;
          let u = 0;
          let ys = 0;
          for (let bit = 0; bit < n + m; bit++) {
            if (mask & (1 << bit)) {
              xs++;
              u += ys;
            } else ys++;
          }
          if (xs === n) counts[u] = (counts[u] as number) + 1;
        }
        const total = choose(n + m, n);
        const distribution = exactUDistribution(n, m);
        for (const [u, count] of counts.entries()) expect(distribution[u]).toBeCloseTo(count / total, 12);
      }),
      { numRuns: 40 },
    );
  });
});

describe("the Mann-Whitney U test", () => {
  // scipy 1.17.1: scipy.stats.mannwhitneyu(a, b, alternative="two-sided", method=...)
  const scipy: [number[], number[], "auto" | "normal", number, number][] = [
    [[1, 2, 3], [4, 5, 6], "auto", 0, 0.1],
    [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], "auto", 0, 0.0021645021645021645],
    [[3.1, 5.2, 1.0, 7.7, 2.2], [4.4, 6.1, 8.8, 9.9], "auto", 3, 0.1111111111111111],
    [[10, 20, 30, 40, 50, 60, 70], [15, 25, 35, 45, 55, 65, 75], "auto", 21, 0.7103729603729605],
    [[1, 2, 2, 3, 4], [2, 3, 5, 6, 6, 7], "auto", 4.5, 0.06414661873440437],
    [
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5],
      "normal",
      15,
      0.005410729359599601,
    ],
    [[1, 1, 1], [1, 1, 1], "auto", 4.5, 1],
  ];
  it.each(scipy)("gives scipy's U and p for %j vs %j (%s)", (a, b, method, u, p) => {
    const result = mannWhitneyU(a, b, method);
    expect(result.u).toBe(u);
    expect(result.pValue).toBeCloseTo(p, 6);
  });

  it("cannot decide with 3 and 3 rounds: no p below 0.1", () => {
    expect(smallestPValue(3, 3)).toBeCloseTo(0.1, 12);
    expect(mannWhitneyU([1, 2, 3], [10, 11, 12]).pValue).toBeCloseTo(0.1, 12);
    expect(smallestPValue(7, 7)).toBeCloseTo(2 / 3432, 12);
  });

  it("is symmetric, rank-based, and within (0, 1]", () => {
    fc.assert(
      fc.property(sample(1, 12), sample(1, 12), (a, b) => {
        const ab = mannWhitneyU(a, b);
        const ba = mannWhitneyU(b, a);
        expect(ab.u + ba.u).toBe(a.length * b.length);
        expect(ab.pValue).toBeCloseTo(ba.pValue, 12);
        expect(ab.pValue).toBeGreaterThan(0);
        expect(ab.pValue).toBeLessThanOrEqual(1);
        expect(ab.pValue).toBeGreaterThanOrEqual(smallestPValue(a.length, b.length) - 1e-12);
        // A monotone transformation keeps the ranks, so the test's answer.
        const logged = mannWhitneyU(a.map(Math.log), b.map(Math.log));
        expect(logged.u).toBe(ab.u);
        expect(logged.pValue).toBeCloseTo(ab.pValue, 12);
      }),
    );
  });

  it("reaches its smallest p when the samples do not overlap", () => {
    fc.assert(
      fc.property(sample(1, 10), fc.integer({ min: 1, max: 10 }), (a, m) => {
        const top = Math.max(...a);
        const b = Array.from({ length: m }, (_, i) => top + 1 + i);
        expect(mannWhitneyU(a, b).pValue).toBeCloseTo(smallestPValue(a.length, m), 12);
      }),
    );
  });

  it("has about the nominal false-positive rate: 5 % of A/A draws at p <= 0.05 with 7 and 7", () => {
    const random = new SeededRandom(26);
    let positives = 0;
    const trials = 4000;
    for (let trial = 0; trial < trials; trial++) {
      const draw = () => Array.from({ length: 7 }, () => random.nextFloat());
      if (mannWhitneyU(draw(), draw()).pValue <= 0.05) positives++;
    }
    // The exact test is conservative: P(p <= 0.05) for 7 and 7 is 0.038.
    expect(positives / trials).toBeGreaterThan(0.025);
    expect(positives / trials).toBeLessThan(0.055);
  });

  it("has the normal tail's known values", () => {
    expect(normalSurvival(0)).toBeCloseTo(0.5, 7);
    expect(normalSurvival(1.959963984540054)).toBeCloseTo(0.025, 7);
    expect(normalUpperQuantile(0.025)).toBeCloseTo(1.959964, 5);
    expect(normalSurvival(-3)).toBeCloseTo(0.9986501019683699, 7);
  });
});

describe("the median's order-statistic interval", () => {
  it("is [min, max] for 6 to 8 values and [2nd, 8th] for 9 (the binomial's coverage)", () => {
    expect(medianInterval([5, 1, 4, 2, 6, 3])).toEqual({
      median: 3.5,
      low: 1,
      high: 6,
      confidence: 1 - 2 / 64,
    });
    const nine = medianInterval([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(nine).toMatchObject({ median: 5, low: 2, high: 8 });
    expect(nine.confidence).toBeCloseTo(1 - (2 * 10) / 512, 12);
    // Three rounds reach 75 % at best.
    expect(medianInterval([1, 2, 3]).confidence).toBeCloseTo(0.75, 12);
  });

  it("holds the median, reaches 95 % from 6 values on, and is the narrowest that does", () => {
    fc.assert(
      fc.property(sample(1, 40), (values) => {
        const interval = medianInterval(values);
        expect(interval.low).toBeLessThanOrEqual(interval.median);
        expect(interval.high).toBeGreaterThanOrEqual(interval.median);
        expect(values).toContain(interval.low);
        expect(values).toContain(interval.high);
        if (values.length >= 6) expect(interval.confidence).toBeGreaterThanOrEqual(0.95);
        expect(relativeHalfWidth(interval)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("covers the true median about 95 % of the time or more", () => {
    const random = new SeededRandom(7);
    let covered = 0;
    const trials = 3000;
    for (let trial = 0; trial < trials; trial++) {
      // Exponential, median ln 2.
      const values = Array.from({ length: 9 }, () => -Math.log(1 - random.nextFloat()));
      const interval = medianInterval(values);
      if (interval.low <= Math.LN2 && Math.LN2 <= interval.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.94);
  });
});

describe("the ratio interval", () => {
  it("scales with B and inverts under a swap", () => {
    fc.assert(
      fc.property(
        sample(2, 10),
        sample(2, 10),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (a, b, scale) => {
          const ratio = ratioInterval(a, b) as NonNullable<ReturnType<typeof ratioInterval>>;
          expect(ratio.low).toBeLessThanOrEqual(ratio.ratio * (1 + 1e-12));
          expect(ratio.high).toBeGreaterThanOrEqual(ratio.ratio * (1 - 1e-12));
          const scaled = ratioInterval(
            a,
            b.map((value) => value * scale),
          ) as typeof ratio;
          expect(scaled.ratio / ratio.ratio).toBeCloseTo(scale, 6);
          const swapped = ratioInterval(b, a) as typeof ratio;
          expect(swapped.ratio * ratio.ratio).toBeCloseTo(1, 9);
          expect(swapped.low * ratio.high).toBeCloseTo(1, 9);
        },
      ),
    );
  });

  it("leaves out 1 exactly when the U test finds p below 1 - its coverage", () => {
    fc.assert(
      fc.property(sample(6, 9), sample(6, 9), (a, b) => {
        const ratio = ratioInterval(a, b) as NonNullable<ReturnType<typeof ratioInterval>>;
        const { pValue } = mannWhitneyU(a, b);
        const excludesOne = ratio.low > 1 || ratio.high < 1;
        expect(excludesOne).toBe(pValue <= 1 - ratio.confidence + 1e-12);
      }),
    );
  });

  it("covers the true ratio about 95 % of the time", () => {
    const random = new SeededRandom(3);
    let covered = 0;
    const trials = 2000;
    for (let trial = 0; trial < trials; trial++) {
      const draw = (scale: number) => Array.from({ length: 7 }, () => scale * (1 + random.nextFloat()));
      const ratio = ratioInterval(draw(1), draw(1.2)) as NonNullable<ReturnType<typeof ratioInterval>>;
      if (ratio.low <= 1.2 && 1.2 <= ratio.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
  });

  it("has none when a value is not above 0", () => {
    expect(ratioInterval([0, 1], [1, 2])).toBeUndefined();
  });
});

describe("a change test in a family of tests", () => {
  it("is significant exactly when its interval leaves out 1, whatever the family's size", () => {
    fc.assert(
      fc.property(sample(2, 40), sample(2, 40), fc.integer({ min: 1, max: 60 }), (a, b, family) => {
        // Samples too small ever to reach the level are never significant; their interval cannot widen
        // past the range of the pairs, which can leave 1 out (1 and 2 against 3 and 4).
        fc.pre(smallestPValue(a.length, b.length) <= significanceLevel(family));
        const test = testChange(a, b, family) as NonNullable<ReturnType<typeof testChange>>;
        expect(test.family).toBe(family);
        expect(test.significant).toBe(test.pValue <= significanceLevel(family));
        expect(test.significant).toBe(test.low > 1 || test.high < 1);
      }),
    );
  });

  it("calls no cell of an A/A run of 3 cells different in about 95 % of runs (each cell alone: 86 %)", () => {
    const random = new SeededRandom(29);
    const draw = () => Array.from({ length: 9 }, () => random.nextFloat() + 1);
    let runsWithACall = 0;
    let cellsCalled = 0;
    const runs = 3000;
    for (let run = 0; run < runs; run++) {
      const calls = [1, 2, 3].filter(() => testChange(draw(), draw(), 3)?.significant).length;
      if (calls > 0) runsWithACall++;
      cellsCalled += calls;
    }
    expect(runsWithACall / runs).toBeLessThan(0.055);
    // Not so strict that nothing is ever called: about 5 % of runs, a third of that per cell.
    expect(cellsCalled / (3 * runs)).toBeGreaterThan(0.008);
  });

  it("still finds a clear difference with 9 rounds in a family of 60", () => {
    const a = [1000, 1004, 996, 1002, 998, 1001, 999, 1003, 997];
    const test = testChange(
      a,
      a.map((rate) => rate * 0.8),
      60,
    );
    expect(test?.significant).toBe(true);
    expect(test?.confidence).toBeGreaterThanOrEqual(1 - 0.05 / 60);
  });

  it("refuses a family of 0", () => {
    expect(() => testChange([1, 2], [3, 4], 0)).toThrow("a family of tests is 1 or more, not 0");
  });
});
