// How B's rounds differ from A's, decided: the ratio B/A (Hodges-Lehmann, on a log scale) with its 95 %
// interval, and the two-sided Mann-Whitney p-value; significant at p <= 0.05. compare and ab judge by it.

import { mannWhitneyU } from "./mann-whitney.js";
import { type RatioInterval, ratioInterval } from "./ratio-interval.js";

/** A difference with a p-value at or below this is significant. */
export const SIGNIFICANCE_LEVEL = 0.05;

export interface ChangeTest extends RatioInterval {
  pValue: number;
  significant: boolean;
}

/** The test of B's values against A's; undefined when either has fewer than 2 or a ratio cannot be taken. */
export function testChange(a: readonly number[], b: readonly number[]): ChangeTest | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const ratio = ratioInterval(a, b);
  if (!ratio) return undefined;
  const { pValue } = mannWhitneyU(a, b);
  return { ...ratio, pValue, significant: pValue <= SIGNIFICANCE_LEVEL };
}
