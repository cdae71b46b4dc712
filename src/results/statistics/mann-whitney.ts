// The Mann-Whitney U test (Wilcoxon rank-sum): do two samples of rounds come from one population? Exact
// p-values for small samples without ties, the normal approximation with tie and continuity correction
// otherwise, as scipy.stats.mannwhitneyu computes them. Pure.

import { normalSurvival } from "./normal-distribution.js";
import { EXACT_MAX_PAIRS, exactUCdf } from "./rank-sum-distribution.js";

export interface UTestResult {
  /** Pairs (a_i, b_j) with a_i above b_j, ties counted half (scipy's U1 for x = a). */
  u: number;
  /** Two-sided. */
  pValue: number;
  method: "exact" | "normal";
}

/** Average ranks (1-based) of `values`, ties sharing the mean of their ranks; and the tie group sizes. */
function rank(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((value, index) => ({ value, index })).sort((x, y) => x.value - y.value);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.value === order[start]?.value) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[(order[k] as { index: number }).index] = averageRank;
    tieSizes.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieSizes };
}

/** The smallest two-sided p-value any samples of these sizes can reach (no ties): 2 / C(n + m, n). */
export function smallestPValue(n: number, m: number): number {
  let choose = 1;
  for (let k = 1; k <= Math.min(n, m); k++) choose = (choose * (n + m - Math.min(n, m) + k)) / k;
  return Math.min(1, 2 / choose);
}

/** `auto`: exact when there are no ties and at most EXACT_MAX_PAIRS pairs; `normal` forces the approximation. */
export function mannWhitneyU(
  a: readonly number[],
  b: readonly number[],
  method: "auto" | "normal" = "auto",
): UTestResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError(`the U test needs two non-empty samples, got ${n} and ${m}`);
  if ([...a, ...b].some((value) => !Number.isFinite(value))) {
    throw new RangeError("the U test takes finite numbers only");
  }
  const { ranks, tieSizes } = rank([...a, ...b]);
  const rankSumA = ranks.slice(0, n).reduce((sum, r) => sum + r, 0);
  const u = rankSumA - (n * (n + 1)) / 2;
  const larger = Math.max(u, n * m - u);
  const tied = tieSizes.some((size) => size > 1);
  if (method === "auto" && !tied && n * m <= EXACT_MAX_PAIRS) {
    // P(U >= larger) = P(U <= n*m - larger) by symmetry.
    return { u, pValue: Math.min(1, 2 * exactUCdf(n, m, n * m - larger)), method: "exact" };
  }
  const total = n + m;
  const tieTerm = tieSizes.reduce((sum, size) => sum + size ** 3 - size, 0) / (total * (total - 1));
  const sd = Math.sqrt(((n * m) / 12) * (total + 1 - tieTerm));
  if (sd === 0) return { u, pValue: 1, method: "normal" };
  const z = (larger - (n * m) / 2 - 0.5) / sd;
  return { u, pValue: Math.min(1, 2 * normalSurvival(z)), method: "normal" };
}
