// The exact null distribution of the Mann-Whitney U statistic (no ties): how likely each U is when both
// samples come from one population. The U test's p-values and the ratio interval's bounds read it.

/** Sample sizes up to this product get the exact distribution; beyond it the normal approximation serves. */
export const EXACT_MAX_PAIRS = 2500;

const cache = new Map<string, Float64Array>();

/**
 * P(U = u) for u = 0..n*m, with n and m the sample sizes. Counts the orderings of n x's and m y's by
 * their U (pairs with the x above the y): count(n, m, u) = count(n - 1, m, u - m) + count(n, m - 1, u),
 * the last element being an x (above all m y's) or a y. Doubles hold the counts: C(100, 50) is 1e29.
 */
export function exactUDistribution(n: number, m: number): Float64Array {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) {
    throw new RangeError(`sample sizes must be whole numbers of at least 0, got ${n} and ${m}`);
  }
  if (n * m > EXACT_MAX_PAIRS) {
    throw new RangeError(`the exact U distribution is kept to ${EXACT_MAX_PAIRS} pairs, got ${n} x ${m}`);
  }
  const key = `${n},${m}`;
  const known = cache.get(key);
  if (known) return known;
  // counts[j]: the distribution for (i, j) as i grows; a row per i, reused.
  let previous: Float64Array[] = Array.from({ length: m + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= n; i++) {
    const current: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= m; j++) {
      const counts = new Float64Array(i * j + 1);
      const withX = previous[j] as Float64Array;
      const withY = current[j - 1] as Float64Array;
      for (let u = 0; u < withX.length; u++) counts[u + j] = (counts[u + j] as number) + (withX[u] as number);
      for (let u = 0; u < withY.length; u++) counts[u] = (counts[u] as number) + (withY[u] as number);
      current.push(counts);
    }
    previous = current;
  }
  const counts = previous[m] as Float64Array;
  const total = counts.reduce((sum, count) => sum + count, 0);
  const probabilities = counts.map((count) => count / total);
  cache.set(key, probabilities);
  return probabilities;
}

/** P(U <= u) under the exact distribution. */
export function exactUCdf(n: number, m: number, u: number): number {
  const probabilities = exactUDistribution(n, m);
  let sum = 0;
  for (let k = 0; k <= Math.min(Math.floor(u), n * m); k++) sum += probabilities[k] as number;
  return Math.min(1, sum);
}
