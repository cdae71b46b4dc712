// How B's rounds differ from A's, decided: the ratio B/A (Hodges-Lehmann, on a log scale) with its
// interval, and the two-sided Mann-Whitney p-value. The 5% chance of a false call is shared among the
// tests of one figure in one run (Bonferroni), so that an A/A run calls no cell different 95% of the
// time, not each cell. compare and ab judge by it.

import { mannWhitneyU } from "./mann-whitney.js";
import { type RatioInterval, ratioInterval } from "./ratio-interval.js";

/** The chance, shared by the tests of one figure in one run, that any of them calls a difference where none is. */
export const SIGNIFICANCE_LEVEL = 0.05;

export interface ChangeTest extends RatioInterval {
  pValue: number;
  /** How many tests share SIGNIFICANCE_LEVEL: this one is significant at a p of SIGNIFICANCE_LEVEL / family. */
  family: number;
  significant: boolean;
}

/** The p-value a test must reach when `family` tests share SIGNIFICANCE_LEVEL. */
export function significanceLevel(family: number): number {
  if (!Number.isInteger(family) || family < 1)
    throw new RangeError(`a family of tests is 1 or more, not ${family}`);
  return SIGNIFICANCE_LEVEL / family;
}

/**
 * The test of B's values against A's, one of `family` tests of a figure in the run; its interval has
 * the matching coverage (97.5% for a family of 2), so that it leaves out 1 exactly when the test is
 * significant. Undefined when either has fewer than 2 or a ratio cannot be taken.
 */
export function testChange(
  a: readonly number[],
  b: readonly number[],
  family: number,
): ChangeTest | undefined {
  const level = significanceLevel(family);
  if (a.length < 2 || b.length < 2) return undefined;
  const ratio = ratioInterval(a, b, 1 - level);
  if (!ratio) return undefined;
  const { pValue } = mannWhitneyU(a, b);
  return { ...ratio, pValue, family, significant: pValue <= level };
}
