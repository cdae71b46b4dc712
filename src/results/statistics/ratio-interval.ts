// How many times B's rounds are A's: the Hodges-Lehmann estimate on a log scale (the median of every
// log(b_j / a_i)) with the confidence interval that inverts the Mann-Whitney test, so that the interval
// leaves out 1 exactly when the test finds a difference. Pure.

import { normalUpperQuantile } from "./normal-distribution.js";
import { EXACT_MAX_PAIRS, exactUCdf } from "./rank-sum-distribution.js";

export interface RatioInterval {
  /** B over A: 1.2 when B's figure is 20 % higher. */
  ratio: number;
  low: number;
  high: number;
  /** The interval's actual coverage (below the asked one when the samples are too small to reach it). */
  confidence: number;
}

/**
 * The k-th smallest of the n*m pairwise differences bounds the interval: k - 1 is the largest U whose
 * lower tail stays within (1 - confidence) / 2.
 */
function boundRank(n: number, m: number, confidence: number): { k: number; coverage: number } {
  const tail = (1 - confidence) / 2;
  if (n * m <= EXACT_MAX_PAIRS) {
    let k = 1;
    while (k < (n * m) / 2 && exactUCdf(n, m, k) <= tail) k++;
    return { k, coverage: 1 - 2 * exactUCdf(n, m, k - 1) };
  }
  const z = normalUpperQuantile(tail);
  const k = Math.max(1, Math.floor((n * m) / 2 - z * Math.sqrt((n * m * (n + m + 1)) / 12)));
  return { k, coverage: confidence };
}

/** B over A with its interval; undefined when a value is not above 0 (no ratio to take). */
export function ratioInterval(
  a: readonly number[],
  b: readonly number[],
  confidence = 0.95,
): RatioInterval | undefined {
  if (a.length === 0 || b.length === 0) throw new RangeError("a ratio needs two non-empty samples");
  if ([...a, ...b].some((value) => !(value > 0) || !Number.isFinite(value))) return undefined;
  const differences: number[] = [];
  for (const x of a) for (const y of b) differences.push(Math.log(y) - Math.log(x));
  differences.sort((x, y) => x - y);
  const pairs = differences.length;
  const middle = (pairs - 1) / 2;
  const center =
    ((differences[Math.floor(middle)] as number) + (differences[Math.ceil(middle)] as number)) / 2;
  const { k, coverage } = boundRank(a.length, b.length, confidence);
  return {
    ratio: Math.exp(center),
    low: Math.exp(differences[k - 1] as number),
    high: Math.exp(differences[pairs - k] as number),
    confidence: coverage,
  };
}
